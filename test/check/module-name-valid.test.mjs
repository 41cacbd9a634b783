import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec } from '../helpers/spec-fixtures.mjs';

runCheckCases('module-name-valid', {
  valid: [BASE_SPEC, editSpec(['  scorer:\n', '  scorer_v2-x:\n'], ['sendTo: scorer', 'sendTo: scorer_v2-x'])],
  invalid: [
    {
      name: 'dot in name',
      text: editSpec(['  camera:\n', '  cam.era:\n'], ['from: camera.frames', 'from: scorer']),
      errors: [{ messageId: 'invalidCharacters', at: 'cam.era' }],
    },
    {
      name: 'reserved',
      text: editSpec(['  scorer:\n', '  edgeHub:\n'], ['sendTo: scorer', 'sendTo: edgeHub']),
      errors: [{ messageId: 'reserved', at: 'edgeHub:' }],
    },
    {
      name: 'case duplicate',
      text: editSpec([
        '  camera:\n',
        '  Scorer2:\n    type: container\n    image: a/b:1\n  scorer2:\n    type: container\n    image: a/c:1\n  camera:\n',
      ]),
      errors: [{ messageId: 'duplicate', at: 'scorer2:' }],
    },
    {
      name: 'docker-invalid',
      text: editSpec(['  scorer:\n', '  scorer_:\n'], ['sendTo: scorer', 'sendTo: scorer_']),
      errors: [{ messageId: 'notDockerName', at: 'scorer_:' }],
    },
    {
      name: 'a route keyword',
      text: editSpec(['  scorer:\n', '  from:\n'], ['sendTo: scorer', 'sendTo: from']),
      errors: [{ messageId: 'notRouteName', at: 'from:' }],
    },
    {
      name: 'a number',
      text: editSpec(['  scorer:\n', '  "123":\n'], ['sendTo: scorer', 'sendTo: "123"']),
      errors: [{ messageId: 'notRouteName', at: '"123":' }],
    },
    {
      name: 'too long',
      text: editSpec(['  scorer:\n', `  ${'s'.repeat(70)}:\n`], ['sendTo: scorer', `sendTo: ${'s'.repeat(70)}`]),
      errors: [{ messageId: 'tooLong', at: 'sss' }],
    },
  ],
});
