// Container modules' message contracts: a file is read in the resolve stage (inside the spec folder, JSON, a valid
// JSON Schema), an inline schema is checked too; problems point at the `schema` value.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { editSpec, loadText, located, position } from '../helpers/spec-fixtures.mjs';

const spec = (schema) =>
  editSpec(
    [
      'routes:\n',
      `  filter:\n    type: container\n    image: contoso/filter:1.0\n    outputs:\n      out1: { schema: ${schema}, description: Temperatures }\nroutes:\n`,
    ],
    ['from: camera.frames', 'from: filter.out1'],
  );
const codes = (result) =>
  located(result)
    .filter((d) => d.code.startsWith('EML25'))
    .map((d) => ({ code: d.code, line: d.line, column: d.column }));
const at = (text, needle) => position(text, needle);

test('a contract file is read into the IR', async () => {
  const text = spec('contracts/out1.json');
  const result = await loadText(text, {
    files: { 'contracts/out1.json': JSON.stringify({ type: 'object', properties: { t: { type: 'number' } } }) },
  });
  assert.equal(codes(result), []);
  const filter = result.ir.modules.find((m) => m.name === 'filter');
  assert.equal(filter.outputs, ['out1']);
  assert.equal(filter.contracts.out1, {
    origin: 'file',
    file: 'contracts/out1.json',
    schema: { type: 'object', properties: { t: { type: 'number' } } },
    description: 'Temperatures',
    path: ['modules', 'filter', 'outputs', 'out1', 'schema'],
  });
});

test('missing, not JSON, not a schema, outside the folder: located errors', async () => {
  const text = spec('contracts/out1.json');
  const where = at(text, 'contracts/out1.json');
  assert.equal(codes(await loadText(text)), [{ code: 'EML2501', ...where }]);
  assert.equal(codes(await loadText(text, { files: { 'contracts/out1.json': '{ "type": ' } })), [{ code: 'EML2511', ...where }]);
  assert.equal(codes(await loadText(text, { files: { 'contracts/out1.json': '{ "type": "objekt" }' } })), [{ code: 'EML2512', ...where }]);
  const parent = spec('../out1.json');
  const outside = await loadText(parent);
  assert.equal(
    codes(outside).map((d) => d.code),
    ['EML2501'],
  );
});

test('an inline schema that is not valid JSON Schema is reported at the schema', async () => {
  const text = spec('{ type: object, properties: { t: { minimum: high } } }');
  assert.equal(codes(await loadText(text)), [{ code: 'EML2512', ...at(text, '{ type: object') }]);
});

test('the list form still works and declares no contract', async () => {
  const text = editSpec(
    ['routes:\n', '  filter:\n    type: container\n    image: contoso/filter:1.0\n    outputs: [out1]\nroutes:\n'],
    ['from: camera.frames', 'from: filter.out1'],
  );
  const result = await loadText(text);
  const filter = result.ir.modules.find((m) => m.name === 'filter');
  assert.equal([filter.outputs, filter.contracts], [['out1'], {}]);
  const camera = result.ir.modules.find((m) => m.name === 'camera');
  assert.equal(camera.contracts.frames.origin, 'generated');
});

test.run();
