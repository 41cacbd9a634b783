// Fleet deployments: the IoT Hub configuration body, its content-hash id, and the layered (dotted) form.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { makeContext, makeIR, makeModule } from '../helpers/ir-fixtures.mjs';
import { renderManifest } from '../../dist/render/manifest/index.js';
import { configurationId, hashConfigurationContent, parseConfigurationId } from '../../dist/render/manifest/content-hash.js';
import { stableJsonMinified } from '../../dist/render/stable-json.js';

const fleet = (overrides = {}) => ({
  kind: 'fleet',
  id: 'wf-test-detector',
  targetCondition: "tags.site='plant-1'",
  priority: 10,
  layered: false,
  labels: { app: 'detector' },
  metrics: { detecting: "SELECT deviceId FROM devices.modules WHERE moduleId = 'people-detection-service'" },
  ...overrides,
});
const fleetIR = (deployment, extra = {}) => makeIR({ azure: { ...makeIR().azure, deployment }, ...extra });
const images = (ir) => new Map(ir.modules.map((m) => [m.name, `registry.example/${m.name}:1.0`]));
const render = (ir) => renderManifest(makeContext(ir), images(ir));

test('base fleet deployment: deployment.fleet.json with condition, priority, labels, metrics and full content', () => {
  const result = render(fleetIR(fleet()));
  assert.equal(
    result.files.map((f) => f.path),
    ['deployment.fleet.json'],
  );
  assert.equal(result.diagnostics, []);
  const body = JSON.parse(result.files[0].content);
  assert.equal(Object.keys(body).sort(), ['content', 'id', 'labels', 'metrics', 'priority', 'targetCondition']);
  assert.is(body.targetCondition, "tags.site='plant-1'");
  assert.is(body.priority, 10);
  assert.equal(body.labels, { app: 'detector' });
  assert.equal(body.metrics, {
    queries: { detecting: "SELECT deviceId FROM devices.modules WHERE moduleId = 'people-detection-service'" },
  });
  assert.equal(body.content.modulesContent, result.modulesContent, 'a base deployment carries the full manifest');
  assert.is(body.content.modulesContent.$edgeAgent['properties.desired'].schemaVersion, '1.1');
});

test('the configuration id is the base id plus 12 hex of sha256 over the minified sorted content', () => {
  const body = JSON.parse(render(fleetIR(fleet())).files[0].content);
  const expectedHash = createHash('sha256').update(stableJsonMinified(body.content)).digest('hex');
  assert.is(hashConfigurationContent(body.content), expectedHash);
  assert.is(body.id, `wf-test-detector-${expectedHash.slice(0, 12)}`);
  assert.is(configurationId('wf-test-detector', body.content), body.id);
  assert.equal(parseConfigurationId(body.id), { baseId: 'wf-test-detector', hash: expectedHash.slice(0, 12) });
  assert.is(parseConfigurationId('no-hash-here'), undefined);
});

test('content changes give a new id; priority, labels and metrics changes (updatable in place) do not', () => {
  const idOf = (ir) => JSON.parse(render(ir).files[0].content).id;
  const base = idOf(fleetIR(fleet()));
  assert.is(idOf(fleetIR(fleet({ priority: 20, labels: { app: 'other' }, metrics: {} }))), base);
  assert.is.not(idOf(fleetIR(fleet(), { storeAndForward: { timeToLiveSecs: 60 } })), base);
  const renamed = idOf(fleetIR(fleet({ id: 'other' })));
  assert.is(renamed, `other-${base.slice(-12)}`, 'the base id is a prefix; the hash covers only the content');
});

test('layered deployment: dotted module, credential and route paths; twins unchanged', () => {
  const ir = fleetIR(fleet({ layered: true }), {
    modules: [makeModule({ name: 'extra', twin: { rate: 5 } })],
    routes: [{ name: 'up', path: ['routes', 0], from: { kind: 'module', module: 'extra', output: '*' }, to: { kind: 'upstream' } }],
  });
  const result = render(ir);
  assert.equal(result.diagnostics, []);
  const content = JSON.parse(result.files[0].content).content.modulesContent;
  assert.equal(Object.keys(content.$edgeAgent).sort(), [
    'properties.desired.modules.extra',
    'properties.desired.runtime.settings.registryCredentials.youracr123unique',
  ]);
  assert.is(content.$edgeAgent['properties.desired.modules.extra'].settings.image, 'registry.example/extra:1.0');
  assert.equal(content.$edgeHub, { 'properties.desired.routes.up': { route: 'FROM /messages/modules/extra/outputs/* INTO $upstream' } });
  assert.equal(content.extra, { 'properties.desired': { rate: 5 } });
  assert.not.ok('schemaVersion' in content.$edgeAgent, 'a layer does not restate the runtime');
});

test('a layered deployment always has $edgeAgent, even with no modules; $edgeHub only with routes', () => {
  const ir = fleetIR(fleet({ layered: true }), {
    modules: [],
    routes: [],
    azure: { ...makeIR().azure, deployment: fleet({ layered: true }), registry: { kind: 'anonymous', address: 'localhost:5000' } },
  });
  const content = JSON.parse(render(ir).files[0].content).content.modulesContent;
  assert.equal(content, { $edgeAgent: {} });
});

test.run();
