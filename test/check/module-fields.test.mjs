import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec } from '../helpers/spec-fixtures.mjs';

const extra = (body) => editSpec(['routes:\n', `${body}routes:\n`]);

runCheckCases('module-fields', {
  valid: [BASE_SPEC, extra('  sensor:\n    type: container\n    image: mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5\n')],
  invalid: [
    {
      name: 'container without image',
      text: extra('  sensor:\n    type: container\n'),
      errors: [{ messageId: 'containerNeedsImage', at: 'sensor:' }],
    },
    {
      name: 'container with both',
      text: extra('  sensor:\n    type: container\n    image: a/b:1\n    build: { context: x }\n'),
      errors: [{ messageId: 'containerBoth', at: 'build:' }],
    },
    {
      name: 'sendTo unknown',
      text: editSpec(['    sendTo: scorer\n', '    sendTo: scorr\n']),
      errors: [{ messageId: 'sendToUnknown', at: 'scorr' }],
    },
    {
      name: 'sendTo a container',
      text: editSpec(
        ['    sendTo: scorer\n', '    sendTo: sensor\n'],
        ['routes:\n', '  sensor:\n    type: container\n    image: a/b:1\nroutes:\n'],
      ),
      errors: [{ messageId: 'sendToNotScoring', at: 'sensor\n' }],
    },
    {
      name: 'latest tag',
      text: extra('  sensor:\n    type: container\n    image: contoso/sensor\n'),
      errors: [{ messageId: 'imageLatest', at: 'contoso/sensor' }],
    },
    {
      name: 'view port not published',
      text: editSpec(['    output: frames\n', '    output: frames\n    view: { port: 5012 }\n']),
      errors: [{ messageId: 'viewPortNotPublished', at: '5012' }],
    },
    {
      name: 'scoring module with inputs',
      text: editSpec(['    port: 8080\n', '    port: 8080\n    inputs: [in1]\n']),
      errors: [{ messageId: 'scoringInputs', at: '[in1]' }],
    },
    {
      name: 'no scoring module',
      text: editSpec(
        ['    type: scoring\n    port: 8080\n', '    type: container\n    image: a/b:1\n'],
        ['    sendTo: scorer\n', '    sendTo: scorer\n'],
      ),
      errors: [{ messageId: 'noScoringModule', at: 'modules:' }, { messageId: 'sendToNotScoring' }],
    },
    {
      name: 'unparsable image',
      text: extra('  sensor:\n    type: container\n    image: contoso/sensor:1:2\n'),
      errors: [{ messageId: 'badImage', at: 'contoso/sensor:1:2' }],
    },
  ],
});
