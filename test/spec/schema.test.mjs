// Schema diagnostics: unknown keys with "did you mean", enums, types, missing keys, one-of choices, all at once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { editSpec, loadText, located, position } from '../helpers/spec-fixtures.mjs';

const find = (result, id) => located(result).filter((d) => d.id === id);

test('every schema mistake is reported at once, each at its position', async () => {
  const text = editSpec(
    ['  platform: amd64', '  platfrom: amd64'],
    ['task: image-classification', 'task: image-clasification'],
    ['    port: 8080', '    port: "eighty"'],
    ['  iotHub: { name: hub-1 }', '  iotHub: {}'],
  );
  const result = await loadText(text);
  const unknown = find(result, 'schema/unknownKey')[0];
  assert.match(unknown.message, "Did you mean 'platform'?");
  assert.equal({ line: unknown.line, column: unknown.column }, position(text, 'platfrom'));
  const badEnum = find(result, 'schema/badEnum')[0];
  assert.match(badEnum.message, "Did you mean 'image-classification'?");
  assert.equal({ line: badEnum.line, column: badEnum.column }, position(text, 'image-clasification'));
  const type = find(result, 'schema/wrongType')[0];
  assert.match(type.message, 'modules.scorer.port must be a whole number');
  assert.equal({ line: type.line, column: type.column }, position(text, '"eighty"'));
  const missing = find(result, 'schema/missingKey')[0];
  assert.match(missing.message, "azure.iotHub is missing the required key 'name'");
  assert.is(result.ir, undefined);
});

test('the spec version and required top-level keys', async () => {
  const result = await loadText('edgeml: 2\nname: x\n');
  const ids = result.diagnostics.map((d) => d.id);
  assert.ok(ids.includes('schema/wrongVersion'));
  assert.ok(ids.filter((id) => id === 'schema/missingKey').length >= 4, ids.join());
});

test('a map or list where an enum or version is expected is named, not printed (found by fuzzing: it threw)', async () => {
  const r = await loadText(editSpec(['  platform: amd64', '  platform: { arch: amd64 }'], ['edgeml: 1', 'edgeml: [1]']));
  const messages = r.diagnostics.filter((d) => d.category === 'error').map((d) => d.message);
  assert.ok(
    messages.some((m) => m.includes("'a map' is not a valid value for target.platform")),
    messages.join('\n'),
  );
  assert.ok(
    messages.some((m) => /a list/.test(m) && /edgeml/.test(m)),
    messages.join('\n'),
  );
});

test('one-of fields report the branch the user meant', async () => {
  const ports = await loadText(editSpec(['    port: 8080', '    port: 8080\n    ports: ["80:80:80:80", { container: 99999 }]']));
  const ids = ports.diagnostics.map((d) => d.id);
  assert.ok(ids.includes('schema/badFormat'), ids.join());
  assert.ok(ids.includes('schema/outOfRange'), ids.join());
  const twoSources = await loadText(
    editSpec(['    azureml: { name: classifier, version: 1 }', '    azureml: { name: classifier, version: 1 }\n    file: m.onnx']),
  );
  const exactlyOne = twoSources.diagnostics.find((d) => d.id === 'schema/exactlyOne');
  assert.ok(exactlyOne);
  assert.match(exactlyOne.message, 'azureml and file');
});

test('unknown keys inside modules list what the module type accepts', async () => {
  const result = await loadText(editSpec(['    sendTo: scorer', '    sendto: scorer']));
  const unknown = result.diagnostics.find((d) => d.id === 'schema/unknownKey');
  assert.match(unknown.message, "Unknown key 'sendto' in modules.camera. Did you mean 'sendTo'?");
});

test('schemas/edgeml.schema.json is what schemas/src/build-schema.mjs produces, with a description on every field', () => {
  const committed = readFileSync('schemas/edgeml.schema.json', 'utf8');
  const built = execFileSync(process.execPath, ['schemas/src/build-schema.mjs'], { encoding: 'utf8' });
  assert.ok(committed === built, 'run `npm run schema` after editing schemas/src/build-schema.mjs');
  const missing = [];
  const walk = (node, path) => {
    if (!node || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (!child.description) missing.push(`${path}.${key}`);
      walk(child, `${path}.${key}`);
    }
    for (const [key, child] of Object.entries(node.definitions ?? {})) walk(child, `#${key}`);
    if (node.items) walk(node.items, `${path}[]`);
    if (node.additionalProperties && typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${path}.*`);
    for (const branch of node.oneOf ?? []) walk(branch, path);
  };
  walk(JSON.parse(committed), '');
  assert.equal(missing, []);
});

test('the precompiled validator (built by npm run build) agrees with a run-time compile of the schema', async () => {
  const { getSpecValidator, compileSpecValidator } = await import('../../dist/schema/spec-validator.js');
  const fast = getSpecValidator();
  const slow = compileSpecValidator();
  const samples = [
    { edgeml: 2 },
    {
      edgeml: 1,
      name: 'Bad Name',
      task: 'x',
      model: { source: { file: 'a', url: {} } },
      target: { platform: 'z' },
      azure: {},
      modules: { a: { type: 'scoring', ports: ['1:2:3:4', { container: 0 }], bogus: 1 } },
    },
    {
      edgeml: 1,
      name: 'ok',
      task: 'object-detection',
      model: { source: { file: 'm.onnx' } },
      target: {},
      azure: { resourceGroup: 'rg', iotHub: { name: 'hub' }, registry: { create: { name: 'registry1' } } },
      modules: { c: { type: 'image-capture', source: {}, sendTo: 's' } },
      routes: [{ from: 'c' }],
    },
  ];
  for (const sample of samples) {
    const a = fast(sample);
    const aErrors = fast.errors?.map((e) => [e.keyword, e.instancePath, e.schemaPath]);
    const b = slow(sample);
    const bErrors = slow.errors?.map((e) => [e.keyword, e.instancePath, e.schemaPath]);
    assert.is(a, b);
    assert.equal(aErrors, bErrors);
  }
});

test.run();
