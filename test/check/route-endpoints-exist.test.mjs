import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec } from '../helpers/spec-fixtures.mjs';

const withFilter = editSpec([
  'routes:\n',
  '  filter:\n    type: container\n    image: contoso/filter:1.0\n    inputs: [in1]\n    outputs: [out1]\nroutes:\n',
]);

runCheckCases('route-endpoints-exist', {
  valid: [
    BASE_SPEC,
    withFilter.replace('to: upstream', 'to: filter.in1'),
    withFilter + '  - from: filter.out1\n    to: upstream\n  - from: "*"\n    to: upstream\n  - from: devices\n    to: filter.in1\n',
  ],
  invalid: [
    {
      name: 'unknown source module',
      text: editSpec(['from: camera.frames', 'from: camra.frames']),
      errors: [{ messageId: 'unknownModule', at: 'camra.frames' }],
    },
    {
      name: 'unknown output',
      text: editSpec(['from: camera.frames', 'from: camera.frame']),
      errors: [{ messageId: 'unknownOutput', at: 'camera.frame\n' }],
    },
    {
      name: 'unknown input',
      text: withFilter.replace('to: upstream', 'to: filter.in2'),
      errors: [{ messageId: 'unknownInput', at: 'filter.in2' }],
    },
    {
      name: 'missing input',
      text: withFilter.replace('to: upstream', 'to: filter'),
      errors: [{ messageId: 'missingInput', at: 'filter\n' }],
    },
    {
      name: 'scoring module sends nothing',
      text: editSpec(['from: camera.frames', 'from: scorer.out']),
      errors: [{ messageId: 'noOutputs', at: 'scorer.out' }],
    },
    {
      name: 'bad identifier',
      text: withFilter.replace('to: upstream', 'to: filter.in/1'),
      errors: [{ messageId: 'badIdentifier', at: 'filter.in/1' }],
    },
    {
      name: 'duplicate names',
      text:
        BASE_SPEC.replace('  - from: camera.frames', '  - name: r\n    from: camera.frames') +
        '  - name: r\n    from: camera.frames\n    to: upstream\n',
      errors: [{ messageId: 'duplicateName', at: 'r\n    from', occurrence: 1 }],
    },
    { name: 'empty source', text: editSpec(['from: camera.frames', 'from: ""']), errors: [{ messageId: 'emptySource', at: '""' }] },
  ],
});
