import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec } from '../helpers/spec-fixtures.mjs';

const FILTER = `  filter:
    type: container
    image: contoso/filter:1.0
    inputs: [frames, control]
    outputs: [kept, dropped]
`;
const withFilter = (routes) => editSpec(['routes:\n', `${FILTER}routes:\n`], ['  - from: camera.frames\n    to: upstream\n', routes]);

runCheckCases('route-graph-coverage', {
  valid: [
    BASE_SPEC,
    withFilter(
      '  - from: camera.frames\n    to: filter.frames\n  - from: scorer\n    to: filter.control\n  - from: filter.*\n    to: upstream\n',
    ),
    withFilter('  - from: "*"\n    to: filter.frames\n  - from: camera.frames\n    to: filter.control\n'),
    // A misnamed output or input is route-endpoints-exist's error; this check then stays quiet about that module.
    editSpec(['  - from: camera.frames\n', '  - from: camera.frame\n']),
    withFilter('  - from: camera.frames\n    to: filter.frame\n  - from: filter.*\n    to: upstream\n'),
  ],
  invalid: [
    {
      name: 'an image-capture output that no route reads',
      text: editSpec(['  - from: camera.frames\n    to: upstream\n', '  - from: devices\n    to: upstream\n']),
      errors: [{ messageId: 'unroutedOutput', at: 'frames' }],
    },
    {
      name: 'one declared output routed, the other not; an input nobody feeds',
      text: withFilter('  - from: camera.frames\n    to: filter.frames\n  - from: filter.kept\n    to: upstream\n'),
      errors: [
        { messageId: 'unfedInput', at: 'control]' },
        { messageId: 'unroutedOutput', at: 'dropped]' },
      ],
    },
  ],
});
