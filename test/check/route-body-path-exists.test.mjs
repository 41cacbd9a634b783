import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec, loadText } from '../helpers/spec-fixtures.mjs';

// BASE_SPEC: an image-classification model, capture module `camera` sending on `frames` (edgeml's contract).
const when = (condition) => editSpec(['    to: upstream\n', `    to: upstream\n    when: ${condition}\n`]);
const detector = (condition) => when(condition).replace('task: image-classification', 'task: object-detection');
/** A container module `filter` with output `out1` and the given outputs declaration, routed with `condition`. */
const container = (outputs, condition, from = 'filter.out1') =>
  editSpec(
    ['routes:\n', `  filter:\n    type: container\n    image: contoso/filter:1.0\n    outputs:\n${outputs}routes:\n`],
    ['from: camera.frames', `from: ${from}`],
    ['    to: upstream\n', `    to: upstream\n    when: ${condition}\n`],
  );
const telemetry =
  '      out1:\n        schema:\n          type: object\n          additionalProperties: false\n          required: [temperature]\n          properties:\n            temperature: { type: number }\n            machine: { type: object, properties: { name: { type: string } } }\n';
const fileContract = '      out1: { schema: contracts/out1.json }\n';
const OUT1_JSON = JSON.stringify({ type: 'object', additionalProperties: false, properties: { humidity: { type: 'number' } } });

test('hints: the near miss, or the field that means the same (confidence → summary.topProbability)', async () => {
  const hint = async (condition) =>
    (await loadText(when(condition))).diagnostics.find((d) => d.id === 'route-body-path-exists/unknownPath')?.hint;
  assert.is(await hint('"$body.predictions[0].probabilty > 0.5"'), 'Did you mean $body.predictions[0].probability?');
  assert.is(await hint('"$body.confidence >= 0.8"'), 'Did you mean $body.summary.topProbability?');
  assert.is(await hint('"$body.label = \'cat\'"'), 'Did you mean $body.summary.topTagName?');
  assert.match(await hint('"$body.zzz = 1"'), /^The messages have: id, project, iteration, predictions\[0\]\.probability, /);
});

runCheckCases('route-body-path-exists', {
  valid: [
    BASE_SPEC,
    when('"$body.summary.topProbability >= 0.5"'),
    when('"$body.predictions[0].tagName = \'cat\'"'),
    detector('"$body.predictions[0].boundingBox.width > 0.2"'),
    { name: 'inline contract', text: container(telemetry, '"$body.temperature > 30"') },
    {
      name: 'contract file',
      text: container(fileContract, '"$body.humidity > 80"'),
      options: { files: { 'contracts/out1.json': OUT1_JSON } },
    },
    { name: 'open object: any field may be there', text: container(telemetry, '"$body.machine.serial = \'a\'"') },
    { name: 'no contract: not checked', text: container('      out1: {}\n', '"$body.anything > 1"') },
    { name: 'wildcard with a module without contract', text: container('      out1: {}\n', '"$body.anything > 1"', '"*"') },
    {
      name: 'local $ref followed to an existing field',
      text: container(
        '      out1:\n        schema:\n          type: object\n          additionalProperties: false\n          properties: { reading: { $ref: "#/definitions/reading" } }\n          definitions: { reading: { type: object, additionalProperties: false, properties: { value: { type: number } } } }\n',
        '"$body.reading.value > 1"',
      ),
    },
    { name: 'application property, not $body', text: when('"frameOrigin = \'a.jpg\'"') },
  ],
  invalid: [
    {
      name: 'a field the capture module never sends, with a synonym suggestion',
      text: when('"$body.confidence >= 0.8"'),
      errors: [{ messageId: 'unknownPath', at: '$body.confidence' }],
    },
    {
      name: 'typo: did you mean',
      text: when('"$body.predictions[0].probabilty > 0.5"'),
      errors: [{ messageId: 'unknownPath', at: '$body.predictions' }],
    },
    {
      name: 'classifiers send no boxes',
      text: when('"$body.predictions[0].boundingBox.left > 0.1"'),
      errors: [{ messageId: 'unknownPath', at: '$body.predictions' }],
    },
    {
      name: 'index into a field that is not an array',
      text: when('"$body.summary[0] > 1"'),
      errors: [{ messageId: 'unknownPath', at: '$body.summary' }],
    },
    {
      name: 'second read in a larger condition',
      text: when('"$body.summary.count > 0 AND $body.sumary.topTagName = \'cat\'"'),
      errors: [{ messageId: 'unknownPath', at: '$body.sumary' }],
    },
    {
      name: 'inline contract of a container module',
      text: container(telemetry, '"$body.temprature > 30"'),
      errors: [{ messageId: 'unknownPath', at: '$body.temprature' }],
    },
    {
      name: 'contract file',
      text: container(fileContract, '"$body.temperature > 30"'),
      options: { files: { 'contracts/out1.json': OUT1_JSON } },
      errors: [{ messageId: 'unknownPath', at: '$body.temperature' }],
    },
    {
      name: 'module wildcard: no output has it',
      text: when('"$body.nothing = 1"').replace('from: camera.frames', 'from: camera.*'),
      errors: [{ messageId: 'unknownPath', at: '$body.nothing' }],
    },
    {
      name: "'*' with every output contracted",
      text: when('"$body.nothing = 1"').replace('from: camera.frames', 'from: "*"'),
      errors: [{ messageId: 'unknownPath', at: '$body.nothing' }],
    },
    {
      name: 'local $ref in a contract is followed',
      text: container(
        '      out1:\n        schema:\n          type: object\n          additionalProperties: false\n          properties: { reading: { $ref: "#/definitions/reading" } }\n          definitions: { reading: { type: object, additionalProperties: false, properties: { value: { type: number } } } }\n',
        '"$body.reading.valu > 1"',
      ),
      errors: [{ messageId: 'unknownPath', at: '$body.reading' }],
    },
    { name: 'an object reads as undefined', text: when('"$body.summary = 1"'), errors: [{ messageId: 'unreadable', at: '$body.summary' }] },
    {
      name: 'an ISO date reads as undefined',
      text: when('"$body.created > \'2026\'"'),
      errors: [{ messageId: 'unreadable', at: '$body.created' }],
    },
  ],
});
