// Plan stage, pure parts: content → model (base and layered), the desired-vs-live diff by module / route /
// setting, sensitive values, and the Terraform-style text and JSON renderings.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { modelFromContent, modelFromTwins } from '../../dist/plan/deployment-model.js';
import { diffDeployment } from '../../dist/plan/diff.js';
import { createPlan } from '../../dist/plan/create-plan.js';
import { renderPlanText } from '../../dist/plan/render-text.js';
import { renderPlanJson } from '../../dist/plan/render-json.js';
import { resolveContent, secretReferences } from '../../dist/plan/secrets.js';
import { isOwnConfigurationId } from '../../dist/plan/live.js';
import { toLayeredContent } from '../../dist/render/manifest/fleet.js';
import { makeContent, makeDesired } from '../apply/_scenario.mjs';

const env = { DETECTOR_API_KEY: 'k-1', EDGEML_REGISTRY_USERNAME: 'acr', EDGEML_REGISTRY_PASSWORD: 'p-1' };

function diff(desiredContent, liveContent, secrets = env) {
  const resolved = resolveContent(desiredContent, { env: secrets }).content;
  const live = liveContent && modelFromContent(resolveContent(liveContent, { env }).content);
  return diffDeployment({ desired: modelFromContent(resolved), desiredRendered: modelFromContent(desiredContent), live });
}

test('identical content gives no changes, whatever the key order and createOptions chunking', () => {
  const a = makeContent();
  const b = makeContent();
  const detector = b.modulesContent.$edgeAgent['properties.desired'].modules.detector;
  const options = detector.settings.createOptions;
  detector.settings = { createOptions: options.slice(0, 10), createOptions01: options.slice(10), image: detector.settings.image };
  assert.equal(diff(a, b), { modules: [], routes: [] });
});

test('module changes are typed by field group; unchanged fields are counted', () => {
  const live = makeContent();
  const desired = makeContent({ detectorImage: 'r/detector:2', threshold: 0.9 });
  desired.modulesContent.$edgeAgent['properties.desired'].modules.detector.env.LOG_LEVEL.value = 'debug';
  desired.modulesContent.$edgeAgent['properties.desired'].modules.capture.restartPolicy = 'on-failure';
  const result = diff(desired, live);
  assert.equal(
    result.modules.map((m) => [m.name, m.action, m.groups]),
    [
      ['capture', 'update', ['restartPolicy']],
      ['detector', 'update', ['env', 'image', 'twin']],
    ],
  );
  const detector = result.modules[1];
  assert.equal(
    detector.fields.map((f) => f.field),
    ['env.LOG_LEVEL', 'image', 'twin.threshold'],
  );
  assert.equal(detector.fields[2], { field: 'twin.threshold', before: 0.5, after: 0.9 });
  assert.ok(detector.unchanged >= 6);
});

test('added and removed modules and routes; status and createOptions changes', () => {
  const live = makeContent();
  const desired = makeContent({ extraRoute: true });
  const modules = desired.modulesContent.$edgeAgent['properties.desired'].modules;
  delete modules.capture;
  modules.extra = {
    version: '1.0',
    type: 'docker',
    status: 'stopped',
    restartPolicy: 'never',
    settings: { image: 'x:1', createOptions: '{}' },
  };
  modules.detector.status = 'stopped';
  modules.detector.settings.createOptions = '{"ExposedPorts":{"8080/tcp":{}}}';
  const result = diff(desired, live);
  assert.equal(
    result.modules.map((m) => [m.name, m.action]),
    [
      ['capture', 'delete'],
      ['detector', 'update'],
      ['extra', 'create'],
    ],
  );
  assert.equal(result.modules[1].groups, ['createOptions', 'status']);
  assert.equal(
    result.modules[1].fields.find((f) => f.field === 'createOptions'),
    { field: 'createOptions', before: { ExposedPorts: { '80/tcp': {} } }, after: { ExposedPorts: { '8080/tcp': {} } } },
  );
  assert.equal(result.routes, [
    { name: 'all', action: 'create', after: { route: 'FROM /messages/* INTO $upstream', priority: 5, timeToLiveSecs: 7200 } },
  ]);
});

test('secrets are sensitive: a changed secret shows no value, an unset one is known after apply', () => {
  const live = makeContent();
  const changed = diff(makeContent(), live, { ...env, DETECTOR_API_KEY: 'k-2', EDGEML_REGISTRY_PASSWORD: 'p-2' });
  const fields = changed.modules[0].fields;
  assert.equal(fields, [{ field: 'env.API_KEY', before: '(sensitive)', after: '(sensitive)', sensitive: true }]);
  assert.equal(
    changed.settings.fields.map((f) => [f.field, f.sensitive]),
    [['edgeAgent.runtime.settings.registryCredentials.edgemltestacr.password', true]],
  );
  const text = JSON.stringify(changed);
  assert.not.ok(text.includes('k-2') || text.includes('k-1') || text.includes('p-2'));
  const unset = diff(makeContent(), live, { EDGEML_REGISTRY_USERNAME: 'acr', EDGEML_REGISTRY_PASSWORD: 'p-1' });
  assert.equal(unset.modules[0].fields, [{ field: 'env.API_KEY', before: '(sensitive)', sensitive: true, unknownAfter: true }]);
});

test('layered content and live twins read into the same model as base content', () => {
  const content = makeContent();
  const layered = { modulesContent: toLayeredContent(content.modulesContent) };
  const base = modelFromContent(content);
  const fromLayered = modelFromContent(layered);
  assert.equal([...fromLayered.modules.keys()].sort(), ['capture', 'detector']);
  assert.equal(fromLayered.modules.get('detector').fields, base.modules.get('detector').fields);
  assert.equal(fromLayered.routes, base.routes);
  const agent = { ...content.modulesContent.$edgeAgent['properties.desired'], $version: 4, $metadata: { $lastUpdated: 'x' } };
  const hub = { ...content.modulesContent.$edgeHub['properties.desired'], $version: 2 };
  const twins = modelFromTwins(agent, hub, new Map([['detector', { threshold: 0.5, $version: 3 }]]));
  assert.equal(twins, base);
});

test('secret references are listed and resolved without touching other ${...} text', () => {
  const content = { modulesContent: { m: { 'properties.desired': { a: '${ONE}', b: 'x ${TWO} y', c: '$notref' } } } };
  assert.equal(secretReferences(content), ['ONE', 'TWO']);
  const resolved = resolveContent(content, { env: { ONE: '1' } });
  assert.equal(resolved.missing, ['TWO']);
  assert.equal(resolved.content.modulesContent.m['properties.desired'], { a: '1', b: 'x ${TWO} y', c: '$notref' });
});

test('configuration ids: only <base>-<12 hex> belongs to the workflow', () => {
  assert.ok(isOwnConfigurationId('wf-fleet', 'wf-fleet-0123456789ab'));
  assert.not.ok(isOwnConfigurationId('wf-fleet', 'wf-fleet-extra-0123456789ab'));
  assert.not.ok(isOwnConfigurationId('wf', 'wf-fleet-0123456789ab'));
  assert.not.ok(isOwnConfigurationId('wf-fleet', 'wf-fleet'));
});

test('plan text follows Terraform: legend of used symbols, sorted blocks, old -> new, summary', () => {
  const desired = makeDesired({ detectorImage: 'r/detector:2', extraRoute: true });
  const liveModel = modelFromContent(resolveContent(makeContent(), { env }).content);
  const { plan } = createPlan(desired, resolveContent(desired.content, { env: { ...env, DETECTOR_API_KEY: 'k-2' } }).content, {
    resourceGroup: { id: 'rg' },
    hub: { id: 'hub' },
    registry: undefined,
    device: { deviceId: 'edge-1', edge: true },
    configurations: [],
    model: liveModel,
  });
  const expected = [
    'Resource actions are indicated with the following symbols:',
    '  + create',
    '  ~ update in-place',
    '',
    'edgeml will perform the following actions:',
    '',
    '  # container_registry "edgemltestacr" will be created',
    '  + container_registry "edgemltestacr"',
    '',
    '  # module "detector" will be updated in-place',
    '  # (changes: env, image)',
    '  ~ module "detector" {',
    '      ~ env.API_KEY = (sensitive)',
    '      ~ image       = "edgemltestacr.azurecr.io/wf/detector:1.0-aaaaaaaaaaaa-amd64" -> "r/detector:2"',
    '        # (8 unchanged attributes hidden)',
    '    }',
    '',
    '  # route "all" will be created',
    '  + route "all" {',
    '      + route          = "FROM /messages/* INTO $upstream"',
    '      + priority       = 5',
    '      + timeToLiveSecs = 7200',
    '    }',
    '',
    'Plan: 2 to add, 1 to change, 0 to destroy.',
    '',
  ].join('\n');
  assert.fixture(renderPlanText(plan), expected);
  const json = JSON.parse(renderPlanJson(plan));
  assert.equal(json.summary, { add: 2, change: 1, destroy: 0 });
  assert.is(json.changes, true);
  assert.not.ok(renderPlanJson(plan).includes('k-2'));
});

test('a plan with nothing to do is one sentence', () => {
  const desired = makeDesired();
  const resolved = resolveContent(desired.content, { env }).content;
  const { plan } = createPlan(desired, resolved, {
    resourceGroup: { id: 'rg' },
    hub: { id: 'hub' },
    registry: { id: 'acr' },
    device: { deviceId: 'edge-1', edge: true },
    configurations: [],
    model: modelFromContent(resolved),
  });
  assert.is(renderPlanText(plan), 'No changes. The live deployment matches the spec.\n');
  assert.is(JSON.parse(renderPlanJson(plan)).changes, false);
});

test('missing resources the spec may not create are reported, not planned', () => {
  const desired = makeDesired({ deviceCreate: false });
  desired.azure.createResourceGroup = false;
  const { plan, missing } = createPlan(desired, desired.content, { configurations: [] });
  assert.equal(missing, [
    { kind: 'resource group', name: 'edgeml-test-rg' },
    { kind: 'edge device', name: 'edge-1' },
  ]);
  assert.equal(
    plan.resources.map((r) => r.kind),
    ['registry', 'iot-hub'],
  );
});

test.run();
