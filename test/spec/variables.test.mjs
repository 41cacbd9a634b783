// ${env:NAME} variables: resolved from the environment with defaults, every missing name listed at once,
// secrets kept as references, and --set overrides applied before everything else.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { editSpec, loadText } from '../helpers/spec-fixtures.mjs';

test('variables resolve from the environment and defaults, with types', async () => {
  const text = editSpec(
    ['  iotHub: { name: hub-1 }', '  iotHub: { name: "${env:HUB}", units: "${env:UNITS:-2}" }'],
    ['    port: 8080', '    port: ${env:PORT}'],
  );
  const result = await loadText(text, { env: { HUB: 'hub-from-env', PORT: '9000' } });
  assert.equal(
    result.diagnostics.filter((d) => d.category === 'error'),
    [],
  );
  assert.is(result.ir.azure.iotHub.name, 'hub-from-env');
  assert.is(result.ir.azure.iotHub.units, 2);
  assert.is(result.ir.modules[0].scoring.port, 9000);
});

test('missing variables are all reported', async () => {
  const text = editSpec(
    ['  resourceGroup: rg', '  resourceGroup: "${env:RG}"'],
    ['  iotHub: { name: hub-1 }', '  iotHub: { name: "${env:HUB}" }'],
  );
  const result = await loadText(text, { env: {} });
  const errors = result.diagnostics.filter((d) => d.id === 'variables/unresolvedVariables');
  assert.is(errors.length, 1);
  assert.match(errors[0].message, 'HUB, RG');
  assert.is(errors[0].start, text.indexOf('${env:HUB}'), 'points at the first use in the file');
  assert.is(result.ir, undefined);
});

test('unknown variable syntax is an error with a suggestion; $${ is a literal', async () => {
  const text = editSpec(
    ['  resourceGroup: rg', '  resourceGroup: "${HUB_RG}"'],
    ['    port: 8080\n', '    port: 8080\n    env: { TEMPLATE: "$${literal}" }\n'],
  );
  const result = await loadText(text, { env: { HUB_RG: 'x' } });
  const error = result.diagnostics.find((d) => d.id === 'variables/badVariableSyntax');
  assert.ok(error);
  assert.match(error.message, '${env:HUB_RG}');
  assert.is(error.start, text.indexOf('${HUB_RG}'));
});

test('a literal secret is refused; a reference stays a reference and is never resolved', async () => {
  const literal = editSpec([
    '  registry: { create: { name: demoregistry } }',
    '  registry: { address: "x.azurecr.io", username: bob, password: hunter2 }',
  ]);
  const bad = await loadText(literal, { env: {} });
  const error = bad.diagnostics.find((d) => d.id === 'variables/literalSecret');
  assert.ok(error);
  assert.is(error.start, literal.indexOf('hunter2'));
  assert.not.match(error.message + (error.hint ?? ''), 'hunter2');

  const reference = editSpec([
    '  registry: { create: { name: demoregistry } }',
    '  registry: { address: "x.azurecr.io", username: bob, password: "${env:ACR_PASSWORD}" }',
  ]);
  const good = await loadText(reference, { env: { ACR_PASSWORD: 'top-secret-value' } });
  assert.equal(good.ir.azure.registry.password, { kind: 'secret', env: 'ACR_PASSWORD' });
  assert.not.match(JSON.stringify(good.ir), 'top-secret-value');

  const withDefault = editSpec([
    '  registry: { create: { name: demoregistry } }',
    '  registry: { address: "x.azurecr.io", username: bob, password: "${env:P:-oops}" }',
  ]);
  assert.ok((await loadText(withDefault)).diagnostics.some((d) => d.id === 'variables/secretWithDefault'));
});

test('module env secrets become references; rtsp references stay unresolved', async () => {
  const text = editSpec(
    ['    port: 8080\n', '    port: 8080\n    env: { API_KEY: { secret: "${env:API_KEY}" }, MODE: fast }\n'],
    ['"rtsp://camera.local/stream"', '"${env:RTSP_URL}"'],
  );
  const result = await loadText(text, { env: { API_KEY: 'k-123', RTSP_URL: 'rtsp://u:p@cam/1' } });
  assert.equal(result.ir.modules[0].env, [
    { name: 'API_KEY', value: { kind: 'secret', env: 'API_KEY' } },
    { name: 'MODE', value: 'fast' },
  ]);
  assert.equal(result.ir.modules[1].capture.source, { kind: 'rtsp', url: { kind: 'secret', env: 'RTSP_URL' } });
  assert.not.match(JSON.stringify(result.ir), 'k-123');
  assert.not.match(JSON.stringify(result.ir), 'u:p@');
});

test('--set overrides fields, typed, before validation', async () => {
  const result = await loadText(editSpec(), {
    sets: ['target.runtime=1.6', 'modules.scorer.port=9100', 'azure.location=westeurope', 'target.os=ubuntu-24.04'],
  });
  assert.equal(
    result.diagnostics.filter((d) => d.category === 'error'),
    [],
  );
  assert.is(result.ir.target.runtime, '1.6');
  assert.is(result.ir.modules[0].scoring.port, 9100);
  assert.is(result.ir.azure.location, 'westeurope');
  const bad = await loadText(editSpec(), { sets: ['novalue', '__proto__.x=1'] });
  assert.equal(
    bad.diagnostics.map((d) => d.id),
    ['read/badSet', 'read/badSet'],
  );
  assert.is({}.x, undefined);
  const invalid = await loadText(editSpec(), { sets: ['target.platform=amd46'] });
  assert.equal(
    invalid.diagnostics.filter((d) => d.category === 'error').map((d) => d.id),
    ['schema/badEnum'],
    'a --set value is validated like the spec',
  );
});

test.run();
