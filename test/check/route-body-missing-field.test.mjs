import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec, loadText } from '../helpers/spec-fixtures.mjs';

const when = (condition) => editSpec(['    to: upstream\n', `    to: upstream\n    when: ${condition}\n`]);
const container = (outputs, condition) =>
  editSpec(
    ['routes:\n', `  filter:\n    type: container\n    image: contoso/filter:1.0\n    outputs:\n${outputs}routes:\n`],
    ['from: camera.frames', 'from: filter.out1'],
    ['    to: upstream\n', `    to: upstream\n    when: ${condition}\n`],
  );
const telemetry =
  '      out1:\n        schema:\n          type: object\n          required: [temperature]\n          properties:\n            temperature: { type: number }\n            alarm: { type: string }\n            level: { type: [number, "null"] }\n';

test('the warning says what edgeHub does with such a message and gives the whole rewritten condition', async () => {
  const [d] = (await loadText(when('"$body.summary.count > 3 OR $body.predictions[0].probability > 0.9"'))).diagnostics.filter((x) =>
    x.id.startsWith('route-body-missing-field/'),
  );
  assert.match(
    d.message,
    "When 'predictions' is empty (in messages from camera.frames), edgeHub reads $body.predictions[0].probability as null, which sorts above every number",
  );
  assert.is(
    d.hint,
    "Guard the comparison with the field's type: $body.summary.count > 3 OR (is_number($body.predictions[0].probability) AND $body.predictions[0].probability > 0.9) (or compare $body.summary.topProbability, which every message has)",
  );
});

runCheckCases('route-body-missing-field', {
  valid: [
    BASE_SPEC,
    { name: 'the summary is in every message', text: when('"$body.summary.topProbability >= 0.5"') },
    {
      name: 'guarded as suggested',
      text: when('"is_number($body.predictions[0].probability) AND $body.predictions[0].probability >= 0.5"'),
    },
    {
      name: 'as_number is undefined for null, so it never routes a missing field',
      text: when('"as_number($body.predictions[0].probability) >= 0.5"'),
    },
    { name: 'null sorts above: < is false for a missing field', text: when('"$body.predictions[0].probability < 0.2"') },
    { name: 'equality with a string is false for a missing field', text: when('"$body.predictions[0].tagName = \'cat\'"') },
    { name: 'required field of a container contract', text: container(telemetry, '"$body.temperature > 30"') },
    { name: 'negated: NOT of a true comparison does not route', text: when('"NOT ($body.predictions[0].probability >= 0.5)"') },
    {
      name: 'an AND side that is false for the same missing element (text-orientation.yaml)',
      text: when('"$body.predictions[0].tagName = \'180\' AND $body.predictions[0].probability > 0.5"'),
    },
  ],
  invalid: [
    {
      name: 'the wf3 route: frames without detections go upstream',
      text: when('"$body.predictions[0].probability >= 0.5"'),
      errors: [{ messageId: 'nullOrdering', at: '$body.predictions' }],
    },
    {
      name: 'literal on the left',
      text: when('"0.5 <= $body.predictions[0].probability"'),
      errors: [{ messageId: 'nullOrdering', at: '$body.predictions' }],
    },
    {
      name: 'inside OR: the comparison is parenthesised in the rewrite',
      text: when('"$body.summary.count > 3 OR $body.predictions[0].probability > 0.9"'),
      errors: [{ messageId: 'nullOrdering', at: '$body.predictions' }],
    },
    {
      name: 'an AND side on another field does not stop it',
      text: when('"$body.summary.count < 5 AND $body.predictions[0].probability > 0.5"'),
      errors: [{ messageId: 'nullOrdering', at: '$body.predictions' }],
    },
    {
      name: 'not equal to a string',
      text: when('"$body.predictions[0].tagName != \'background\'"'),
      errors: [{ messageId: 'nullOrdering', at: '$body.predictions' }],
    },
    {
      name: 'negated less-than',
      text: when('"NOT ($body.predictions[0].probability < 0.5)"'),
      errors: [{ messageId: 'nullOrdering', at: '$body.predictions' }],
    },
    {
      name: 'optional field of a container contract',
      text: container(telemetry, '"$body.alarm > \'b\'"'),
      errors: [{ messageId: 'nullOrdering', at: '$body.alarm' }],
    },
    {
      name: 'nullable field',
      text: container(telemetry, '"$body.level >= 3"'),
      errors: [{ messageId: 'nullOrdering', at: '$body.level' }],
    },
    {
      name: 'is_defined is true for a missing field',
      text: when('"is_defined($body.predictions[0].tagName)"'),
      errors: [{ messageId: 'definedAlwaysTrue', at: 'is_defined' }],
    },
  ],
});
