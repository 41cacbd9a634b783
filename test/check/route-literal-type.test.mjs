import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec } from '../helpers/spec-fixtures.mjs';

const when = (condition) => editSpec(['    to: upstream\n', `    to: upstream\n    when: ${condition}\n`]);
const container = (outputs, condition) =>
  editSpec(
    ['routes:\n', `  filter:\n    type: container\n    image: contoso/filter:1.0\n    outputs:\n${outputs}routes:\n`],
    ['from: camera.frames', 'from: filter.out1'],
    ['    to: upstream\n', `    to: upstream\n    when: ${condition}\n`],
  );
const telemetry =
  '      out1:\n        schema:\n          type: object\n          required: [temperature, state]\n          properties:\n            temperature: { type: number, minimum: -40, maximum: 125 }\n            state: { type: string }\n            note: {}\n';

runCheckCases('route-literal-type', {
  valid: [
    BASE_SPEC,
    when('"$body.summary.topProbability >= 0.8"'),
    when('"$body.summary.count >= 1"'),
    when('"$body.summary.topTagName = \'person\'"'),
    when('"0.5 < $body.summary.topProbability"'),
    { name: 'inside a declared range', text: container(telemetry, '"$body.temperature > -10"') },
    { name: 'no type in the contract', text: container(telemetry, '"$body.note = 5"') },
    { name: 'no range declared', text: when('"$body.summary.count > 1000"') },
  ],
  invalid: [
    {
      name: 'probability is 0..1: >= 8 (0,8 with the comma removed) never matches',
      text: when('"$body.summary.topProbability >= 8"'),
      errors: [{ messageId: 'outOfRange', at: '8"' }],
    },
    { name: 'a percentage', text: when('"$body.predictions[0].probability > 50"'), errors: [{ messageId: 'outOfRange', at: '50' }] },
    {
      name: 'below the range: always true',
      text: when('"$body.summary.topProbability > -1"'),
      errors: [{ messageId: 'outOfRange', at: '-1"' }],
    },
    {
      name: 'a number compared with a string',
      text: when('"$body.summary.count = \'3\'"'),
      errors: [{ messageId: 'typeMismatch', at: "'3'" }],
    },
    {
      name: 'a string compared with a number',
      text: when('"$body.summary.topTagName = 5"'),
      errors: [{ messageId: 'typeMismatch', at: '5"' }],
    },
    {
      name: 'container contract range',
      text: container(telemetry, '"$body.temperature > 200"'),
      errors: [{ messageId: 'outOfRange', at: '200' }],
    },
    {
      name: 'container contract type',
      text: container(telemetry, '"$body.state = true"'),
      errors: [{ messageId: 'typeMismatch', at: 'true"' }],
    },
  ],
});
