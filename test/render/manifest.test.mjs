// Deployment manifest renderer: edgeAgent/edgeHub sections, createOptions, secrets, routes, limits and schemas.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeContext, makeIR, makeModule, makeScoringModule, makeCaptureModule } from '../helpers/ir-fixtures.mjs';
import { renderManifest } from '../../dist/render/manifest/index.js';
import { validateModulesContent, stripTrailingCommas } from '../../dist/render/manifest/validate-manifest.js';
import { fillSecretPlaceholders, listManifestSecrets } from '../../dist/render/manifest/secrets.js';
import { stableJson, stableJsonMinified } from '../../dist/render/stable-json.js';

const images = (ir) => new Map(ir.modules.map((m) => [m.name, `registry.example/${m.name}:1.0`]));
const render = (ir) => renderManifest(makeContext(ir), images(ir));
const desiredOf = (result, twin) => result.modulesContent[twin]['properties.desired'];
const ids = (result) => result.diagnostics.map((d) => d.id);

test('single-device manifest: deployment.json with the 1.5 system modules and schemaVersion 1.1', () => {
  const result = render(makeIR());
  assert.equal(
    result.files.map((f) => f.path),
    ['deployment.json'],
  );
  assert.equal(result.diagnostics, []);
  const parsed = JSON.parse(result.files[0].content);
  const agent = parsed.modulesContent.$edgeAgent['properties.desired'];
  assert.is(agent.schemaVersion, '1.1');
  assert.equal(agent.runtime.type, 'docker');
  assert.is(agent.runtime.settings.minDockerVersion, 'v1.25');
  assert.is(agent.runtime.settings.loggingOptions, '');
  assert.is(agent.systemModules.edgeAgent.settings.image, 'mcr.microsoft.com/azureiotedge-agent:1.5');
  const hub = agent.systemModules.edgeHub;
  assert.is(hub.settings.image, 'mcr.microsoft.com/azureiotedge-hub:1.5');
  assert.is(hub.status, 'running');
  assert.is(hub.restartPolicy, 'always');
  assert.is(hub.startupOrder, 0);
  assert.equal(Object.keys(JSON.parse(hub.settings.createOptions).HostConfig.PortBindings), ['443/tcp', '5671/tcp', '8883/tcp']);
  assert.is(parsed.modulesContent.$edgeHub['properties.desired'].schemaVersion, '1.1');
  assert.is(result.files[0].content, stableJson(parsed), 'stable, sorted, final newline');
});

test('IoT Edge 1.6 target uses the 1.6 agent and hub images', () => {
  const result = render(makeIR({ target: { ...makeIR().target, runtime: '1.6' } }));
  const system = desiredOf(result, '$edgeAgent').systemModules;
  assert.is(system.edgeAgent.settings.image, 'mcr.microsoft.com/azureiotedge-agent:1.6');
  assert.is(system.edgeHub.settings.image, 'mcr.microsoft.com/azureiotedge-hub:1.6');
});

test('module entries: explicit restartPolicy, status, version, optional pull policy and startup order, env block', () => {
  const module = makeModule({
    name: 'sensor',
    restartPolicy: 'on-failure',
    status: 'stopped',
    version: '2.3',
    imagePullPolicy: 'never',
    startupOrder: 4,
    env: [{ name: 'LEVEL', value: 'debug' }],
  });
  const result = render(makeIR({ modules: [module], routes: [] }));
  const entry = desiredOf(result, '$edgeAgent').modules.sensor;
  assert.is(entry.restartPolicy, 'on-failure');
  assert.is(entry.status, 'stopped');
  assert.is(entry.version, '2.3');
  assert.is(entry.imagePullPolicy, 'never');
  assert.is(entry.startupOrder, 4);
  assert.is(entry.type, 'docker');
  assert.equal(entry.env, { LEVEL: { value: 'debug' } });
  assert.is(entry.settings.image, 'registry.example/sensor:1.0');
  assert.is(entry.settings.createOptions, '{}');
  const plain = desiredOf(render(makeIR({ modules: [makeModule({ name: 'plain' })], routes: [] })), '$edgeAgent').modules.plain;
  assert.is(plain.restartPolicy, 'always');
  assert.not.ok('env' in plain, 'no env block without variables');
  assert.not.ok('startupOrder' in plain);
});

test('secrets appear only as ${NAME} placeholders: created registry, existing registry, module env', () => {
  const created = desiredOf(render(makeIR()), '$edgeAgent').runtime.settings.registryCredentials;
  assert.equal(created, {
    youracr123unique: {
      address: 'youracr123unique.azurecr.io',
      username: '${EDGEML_REGISTRY_USERNAME}',
      password: '${EDGEML_REGISTRY_PASSWORD}',
    },
  });

  const ir = makeIR({
    azure: {
      ...makeIR().azure,
      registry: {
        kind: 'existing',
        address: 'contoso.azurecr.io',
        username: { kind: 'secret', env: 'ACR_USER' },
        password: { kind: 'secret', env: 'ACR_PASSWORD' },
      },
    },
    modules: [
      makeModule({
        name: 'reader',
        env: [
          { name: 'TOKEN', value: { kind: 'secret', env: 'READER_TOKEN' } },
          { name: 'MODE', value: 'fast' },
        ],
      }),
    ],
    routes: [],
  });
  const result = render(ir);
  const agent = desiredOf(result, '$edgeAgent');
  assert.equal(agent.runtime.settings.registryCredentials, {
    contoso: { address: 'contoso.azurecr.io', username: '${ACR_USER}', password: '${ACR_PASSWORD}' },
  });
  assert.equal(agent.modules.reader.env, { TOKEN: { value: '${READER_TOKEN}' }, MODE: { value: 'fast' } });
  assert.equal(
    listManifestSecrets(ir).map((s) => s.env),
    ['ACR_USER', 'ACR_PASSWORD', 'READER_TOKEN'],
  );

  const anonymous = render(makeIR({ azure: { ...makeIR().azure, registry: { kind: 'anonymous', address: 'localhost:5000' } } }));
  assert.not.ok('registryCredentials' in desiredOf(anonymous, '$edgeAgent').runtime.settings);
});

test('a capture module with a secret RTSP URL gets that variable as a placeholder in its env', () => {
  const capture = makeCaptureModule();
  capture.capture = { ...capture.capture, source: { kind: 'rtsp', url: { kind: 'secret', env: 'RTSP_URL' } } };
  const ir = makeIR({ modules: [makeScoringModule(), capture] });
  const result = render(ir);
  assert.equal(desiredOf(result, '$edgeAgent').modules['image-capture-od'].env, { RTSP_URL: { value: '${RTSP_URL}' } });
  assert.ok(listManifestSecrets(ir).some((s) => s.env === 'RTSP_URL'));
  const plain = makeCaptureModule();
  plain.capture = { ...plain.capture, source: { kind: 'rtsp', url: 'rtsp://camera.local/stream' } };
  assert.not.ok('env' in desiredOf(render(makeIR({ modules: [makeScoringModule(), plain] })), '$edgeAgent').modules['image-capture-od']);
});

test('a secret whose env name cannot be a placeholder is an error', () => {
  const ir = makeIR({
    modules: [makeModule({ name: 'm', env: [{ name: 'X', value: { kind: 'secret', env: 'BAD NAME}' } }] })],
    routes: [],
  });
  const result = render(ir);
  assert.equal(ids(result), ['manifest/invalidSecretName']);
  assert.is(result.diagnostics[0].code, 'EML4006');
});

test('fillSecretPlaceholders substitutes known names JSON-escaped and lists missing ones', () => {
  const text = stableJsonMinified({ password: '${PW}', other: '${NOT_A_SECRET}' });
  const filled = fillSecretPlaceholders(text, ['PW'], { PW: 'a"b\\c' });
  assert.equal(filled.missing, []);
  assert.equal(JSON.parse(filled.text), { other: '${NOT_A_SECRET}', password: 'a"b\\c' });
  assert.equal(fillSecretPlaceholders(text, ['PW', 'QQ'], { PW: 'x' }).missing, ['QQ']);
});

test('routes are rendered as objects with priority and TTL, and re-parsed', () => {
  const result = render(makeIR());
  const routes = desiredOf(result, '$edgeHub').routes;
  assert.equal(routes.detectionsToCloud, {
    route: 'FROM /messages/modules/image-capture-od/outputs/detections WHERE $body.predictions[0].probability >= 0.5 INTO $upstream',
    priority: 0,
    timeToLiveSecs: 7200,
  });
  const bare = render(makeIR({ routes: [{ name: 'all', path: ['routes', 0], from: { kind: 'all-messages' }, to: { kind: 'upstream' } }] }));
  assert.equal(desiredOf(bare, '$edgeHub').routes.all, { route: 'FROM /messages/* INTO $upstream' });
});

test('a route that edgeHub would not parse is reported as EML4002', () => {
  const ir = makeIR();
  ir.routes = [{ ...ir.routes[0], when: '$body.x >= ' }];
  const result = render(ir);
  assert.ok(ids(result).includes('manifest/routeDoesNotParse'), ids(result).join());
  assert.is(result.diagnostics.find((d) => d.id === 'manifest/routeDoesNotParse').code, 'EML4002');
});

test('store and forward: TTL always, storeLimits only when a size is given', () => {
  assert.equal(desiredOf(render(makeIR()), '$edgeHub').storeAndForwardConfiguration, { timeToLiveSecs: 7200 });
  const limited = render(makeIR({ storeAndForward: { timeToLiveSecs: -1, maxSizeBytes: 1048576 } }));
  assert.equal(desiredOf(limited, '$edgeHub').storeAndForwardConfiguration, { timeToLiveSecs: -1, storeLimits: { maxSizeBytes: 1048576 } });
  assert.equal(limited.diagnostics, []);
});

test('module twins: one properties.desired section per module with twin settings', () => {
  const ir = makeIR({
    modules: [makeModule({ name: 'tw', twin: { threshold: 0.5, nested: { a: 1 } } }), makeModule({ name: 'none' })],
    routes: [],
  });
  const result = render(ir);
  assert.equal(result.modulesContent.tw, { 'properties.desired': { threshold: 0.5, nested: { a: 1 } } });
  assert.not.ok('none' in result.modulesContent);
  assert.equal(result.diagnostics, []);
});

test('arrays in a twin give a warning (EML4007), not an error', () => {
  const result = render(makeIR({ modules: [makeModule({ name: 'tw', twin: { list: [1, 2] } })], routes: [] }));
  assert.equal(ids(result), ['manifest/twinArray']);
  assert.is(result.diagnostics[0].category, 'warning');
});

test('twin keys with dots, $ or spaces, deep nesting and long strings break IoT Hub rules (EML4008)', () => {
  const deep = {};
  let node = deep;
  for (let i = 0; i < 11; i++) node = node[`l${i}`] = {};
  const twin = { 'a.b': 1, ok: { $meta: 2, 'has space': 3 }, deep, long: 'y'.repeat(4097), fine: 'y'.repeat(4096) };
  const result = render(makeIR({ modules: [makeModule({ name: 'tw', twin })], routes: [] }));
  const keys = result.diagnostics.filter((d) => d.id === 'manifest/twinRule').map((d) => /at '([^']*)'/.exec(d.message)[1]);
  assert.equal(keys.sort(), ['a.b', 'deep.l0.l1.l2.l3.l4.l5.l6.l7.l8', 'long', 'ok.$meta', 'ok.has space']);
  assert.ok(result.diagnostics.every((d) => d.code === 'EML4008'));
  // Ten levels of objects, counting the desired properties themselves as level 1, are allowed.
  const ten = {};
  node = ten;
  for (let i = 0; i < 8; i++) node = node[`l${i}`] = {};
  assert.equal(render(makeIR({ modules: [makeModule({ name: 'tw', twin: { ten } })], routes: [] })).diagnostics, []);
});

test('desired properties over 32 KB are an error naming the twin', () => {
  const result = render(
    makeIR({
      modules: [makeModule({ name: 'big', twin: Object.fromEntries(Array.from({ length: 34 }, (_, i) => [`k${i}`, 'x'.repeat(1000)])) })],
      routes: [],
    }),
  );
  assert.equal(ids(result), ['manifest/desiredPropertiesTooLarge']);
  assert.ok(result.diagnostics[0].message.includes("'big'"));
});

test('more than 50 modules is an error', () => {
  const modules = Array.from({ length: 51 }, (_, i) => makeModule({ name: `m${i}` }));
  assert.ok(ids(render(makeIR({ modules, routes: [] }))).includes('manifest/tooManyModules'));
  const fifty = modules.slice(0, 50);
  assert.not.ok(ids(render(makeIR({ modules: fifty, routes: [] }))).includes('manifest/tooManyModules'));
});

test('schema validation: module names outside ^[a-zA-Z0-9_-]+$ and bad enum values are caught', () => {
  const result = render(makeIR({ modules: [makeModule({ name: 'bad.name' })], routes: [] }));
  assert.ok(ids(result).includes('manifest/manifestSchemaViolation'), ids(result).join());
  assert.is(result.diagnostics[0].code, 'EML4003');

  const content = render(makeIR()).modulesContent;
  const tampered = structuredClone(content);
  tampered.$edgeAgent['properties.desired'].modules['people-detection-service'].status = 'paused';
  const problems = validateModulesContent(tampered);
  assert.is(problems.length > 0, true);
  assert.ok(
    problems.some((p) => p.kind === 'schema' && p.pointer.includes('people-detection-service')),
    JSON.stringify(problems),
  );
  const noRoutes = structuredClone(content);
  delete noRoutes.$edgeHub['properties.desired'].routes;
  assert.ok(validateModulesContent(noRoutes).some((p) => p.schema === 'azure-iot-edgehub-deployment-1.1.json'));
  assert.equal(validateModulesContent(content), []);
});

test('with a locator, diagnostics point at the spec path that produced them', () => {
  const asked = [];
  const locate = (path) => {
    asked.push(path.join('.'));
    return { file: 'specs/test.yaml', start: asked.length * 10, length: 3 };
  };
  const ir = makeIR({
    modules: [
      makeModule({ name: 'tw', path: ['modules', 'tw'], twin: { 'a.b': 1 } }),
      makeModule({ name: 'huge', path: ['modules', 'huge'], createOptions: { Labels: { a: 'x'.repeat(4200) } } }),
    ],
    routes: [{ name: 'r', path: ['routes', 0], from: { kind: 'all-messages' }, to: { kind: 'upstream' }, when: '$body.x >= ' }],
  });
  const result = renderManifest(makeContext(ir), images(ir), locate);
  const byId = Object.fromEntries(result.diagnostics.map((d) => [d.id, d]));
  assert.equal(Object.keys(byId).sort(), ['manifest/createOptionsTooLarge', 'manifest/routeDoesNotParse', 'manifest/twinRule']);
  for (const d of result.diagnostics) assert.is(typeof d.start, 'number', d.id);
  assert.equal(asked.sort(), ['modules.huge.createOptions', 'modules.tw.twin', 'routes.0']);
});

test('stripTrailingCommas removes only commas before ] or } outside strings', () => {
  assert.equal(JSON.parse(stripTrailingCommas('{"a": [1, 2, ], "b": ",]", "c": {"d": 1,\n }}')), { a: [1, 2], b: ',]', c: { d: 1 } });
});

test('wf3-like modules render the scoring and capture images given by resolveImages', () => {
  const ctx = makeContext(makeIR({ modules: [makeScoringModule(), makeCaptureModule()] }));
  const result = renderManifest(ctx);
  const modules = desiredOf(result, '$edgeAgent').modules;
  assert.match(
    modules['people-detection-service'].settings.image,
    /^youracr123unique\.azurecr\.io\/wf-test\/people-detection-service:1\.0-[0-9a-f]{12}-amd64$/,
  );
  assert.match(modules['image-capture-od'].settings.image, /^youracr123unique\.azurecr\.io\/wf-test\/image-capture-od:/);
});

test('stableJson sorts keys by code unit at every depth and keeps array order', () => {
  assert.is(
    stableJson({ b: 1, a: { d: [3, 1], c: 2 }, B: 0 }),
    '{\n  "B": 0,\n  "a": {\n    "c": 2,\n    "d": [\n      3,\n      1\n    ]\n  },\n  "b": 1\n}\n',
  );
  assert.is(stableJsonMinified({ z: undefined, y: 'x' }), '{"y":"x"}');
});

test.run();
