import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec } from '../helpers/spec-fixtures.mjs';

const when = (condition) => editSpec(['    to: upstream\n', `    to: upstream\n    when: ${condition}\n`]);
const container = (condition) =>
  editSpec(
    ['routes:\n', '  filter:\n    type: container\n    image: contoso/filter:1.0\n    outputs: [out1]\nroutes:\n'],
    ['from: camera.frames', 'from: filter.out1'],
    ['    to: upstream\n', `    to: upstream\n    when: ${condition}\n`],
  );

runCheckCases('route-condition-valid', {
  valid: [
    BASE_SPEC,
    when(`"$body.predictions[0].probability > 0.5"`),
    when(`"$outputName = 'frames' AND NOT is_defined(alert)"`),
    when(`'contains(lower($body.label), "person") OR $body.count >= 2'`),
  ],
  invalid: [
    { name: 'syntax error points inside double quotes', text: when(`"$body.score > AND 1"`), errors: [{ messageId: 'syntax', at: 'AND' }] },
    { name: 'syntax error in a plain scalar', text: when(`$body.x = 'open`), errors: [{ messageId: 'syntax', at: `'open` }] },
    { name: 'unknown function', text: when(`"lenght($body.x) > 1"`), errors: [{ messageId: 'semantic', at: 'lenght' }] },
    { name: 'type mismatch', text: when(`"'abc' + 1 > 2"`), errors: [{ messageId: 'semantic' }] },
    {
      name: '$body from a container module',
      text: container(`"$body.temperature > 30"`),
      errors: [{ messageId: 'bodyNeedsJson', at: '"$body.temperature' }],
    },
    { name: 'uppercase literal reads as a property', text: when(`"alert = TRUE"`), errors: [{ messageId: 'suspicious', at: 'TRUE' }] },
  ],
});
