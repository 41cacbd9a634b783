// IotHubProvider against the HTTPS IoT Hub fixture through the real azure-iothub Registry: edge devices, deployments,
// twins and convergence, configurations (immutability, priority, layering, etag), retries, auth failure.
// Run by iothub.test.mjs (needs NODE_EXTRA_CA_CERTS, set by runTrusted).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inspect } from 'node:util';
import iothub from 'azure-iothub';
import { startAzureFixtures } from '../fixtures/azure/index.mjs';
import { rejects } from '../helpers/rejects.mjs';

const az = await startAzureFixtures({ deviceBehavior: { delayMs: 30 } });
const { createIotHubProvider } = await import('../../dist/providers/azure/iothub.js');
const { ProviderError, SecretValue } = await import('../../dist/providers/types.js');

const fastRetry = { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 4, attemptTimeoutMs: 2000 };
const hub = createIotHubProvider({ connectionString: new SecretValue(az.hubConnectionString), retry: fastRetry });

function manifest(image, { extraModule } = {}) {
  const modules = {
    detector: { type: 'docker', status: 'running', restartPolicy: 'always', version: '1.0', settings: { image, createOptions: '{}' } },
  };
  if (extraModule)
    modules[extraModule] = {
      type: 'docker',
      status: 'running',
      restartPolicy: 'always',
      version: '1.0',
      settings: { image: `${extraModule}:1`, createOptions: '{}' },
    };
  return {
    modulesContent: {
      $edgeAgent: {
        'properties.desired': {
          schemaVersion: '1.1',
          runtime: { type: 'docker', settings: { minDockerVersion: 'v1.25' } },
          systemModules: {
            edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5', createOptions: '{}' } },
            edgeHub: {
              type: 'docker',
              status: 'running',
              restartPolicy: 'always',
              settings: { image: 'mcr.microsoft.com/azureiotedge-hub:1.5', createOptions: '{}' },
            },
          },
          modules,
        },
      },
      $edgeHub: {
        'properties.desired': {
          schemaVersion: '1.1',
          routes: { up: 'FROM /messages/* INTO $upstream' },
          storeAndForwardConfiguration: { timeToLiveSecs: 7200 },
        },
      },
      detector: { 'properties.desired': { threshold: 0.5 } },
    },
  };
}

/** Polls the two runtime module twins until the predicate holds (like `edgeml status --wait`). */
async function waitForTwins(deviceId, predicate, timeoutMs = 3000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const agent = await hub.getModuleTwin(deviceId, '$edgeAgent');
    const edgeHub = await hub.getModuleTwin(deviceId, '$edgeHub');
    if (predicate(agent, edgeHub)) return { agent, edgeHub };
    if (Date.now() > until)
      assert.unreachable(`twins of ${deviceId} did not reach the expected state: ${JSON.stringify(agent.reported).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const caughtUp = (agent, edgeHub) =>
  agent.reported.lastDesiredVersion === agent.desired.$version && edgeHub.reported.lastDesiredVersion === edgeHub.desired.$version;

/** Requests made with the raw SDK (not the provider), excluded when comparing the provider's stats with the log. */
const rawSdkRequests = [];

test('create an edge device; creating it again fails with DeviceAlreadyExists', async () => {
  assert.is(await hub.getDevice('edge-1'), undefined);
  const device = await hub.createEdgeDevice('edge-1');
  assert.equal(
    { id: device.deviceId, edge: device.edge, status: device.status, auth: device.authentication },
    { id: 'edge-1', edge: true, status: 'enabled', auth: 'sas' },
  );
  const again = await rejects(hub.createEdgeDevice('edge-1'));
  assert.ok(again instanceof ProviderError);
  assert.is(again.code, 'DeviceAlreadyExists');
  assert.is(again.status, 409);
  // The hub creates both runtime module twins with an edge device.
  assert.ok(await hub.getModuleTwin('edge-1', '$edgeAgent'));
  assert.is(await hub.getModuleTwin('edge-1', 'nosuchmodule'), undefined);
});

test('device connection string carries the device key and stays sensitive', async () => {
  const cs = await hub.getDeviceConnectionString('edge-1');
  assert.match(
    cs.reveal(),
    new RegExp(`^HostName=${az.hubHost.replace(/\./g, '\\.')};DeviceId=edge-1;SharedAccessKey=[A-Za-z0-9+/=]{40,}$`),
  );
  assert.is(`${cs}`, '(sensitive)');
  assert.not.ok(inspect(cs).includes(cs.reveal().split('SharedAccessKey=')[1]));
});

test('apply content on one device, then the twins report convergence', async () => {
  const before = (await hub.getModuleTwin('edge-1', '$edgeAgent')).desired.$version;
  await hub.applyContentOnDevice('edge-1', manifest('acr.example/detector:1'));
  const applyCall = az.requests.where({ method: 'POST', path: '/devices/edge-1/applyConfigurationContent' }).at(-1);
  assert.is(applyCall.query['api-version'], '2021-04-12');
  const { agent, edgeHub } = await waitForTwins('edge-1', caughtUp);
  assert.is(agent.desired.$version, before + 1);
  assert.is(agent.reported.lastDesiredStatus.code, 200);
  assert.is(agent.reported.modules.detector.runtimeStatus, 'running');
  assert.is(agent.reported.modules.detector.settings.image, 'acr.example/detector:1');
  assert.is(agent.reported.systemModules.edgeHub.runtimeStatus, 'running');
  assert.is(edgeHub.reported.lastDesiredStatus.code, 200);
  const detector = await hub.getModuleTwin('edge-1', 'detector');
  assert.equal(detector.desired.threshold, 0.5);
  assert.not.ok('configurations' in agent, 'single-device deployments carry no configuration status');
});

test('applying identical content again does not bump $version', async () => {
  const before = (await hub.getModuleTwin('edge-1', '$edgeAgent')).desired.$version;
  await hub.applyContentOnDevice('edge-1', manifest('acr.example/detector:1'));
  assert.is((await hub.getModuleTwin('edge-1', '$edgeAgent')).desired.$version, before);
});

test('invalid content is refused with InvalidConfigurationContent', async () => {
  const error = await rejects(hub.applyContentOnDevice('edge-1', { modulesContent: { $edgeAgent: {} } }));
  assert.is(error.code, 'InvalidConfigurationContent');
  assert.is(error.status, 400);
});

test('a failing module is reported: runtimeStatus failed, exit code 137, status description', async () => {
  az.device.setBehavior('edge-1', { delayMs: 20, failModule: { name: 'detector', exitCode: 137, statusDescription: 'OOMKilled' } });
  await hub.applyContentOnDevice('edge-1', manifest('acr.example/detector:2'));
  const { agent } = await waitForTwins('edge-1', caughtUp);
  assert.is(agent.reported.lastDesiredStatus.code, 200);
  const detector = agent.reported.modules.detector;
  assert.equal([detector.runtimeStatus, detector.exitCode, detector.statusDescription], ['failed', 137, 'OOMKilled']);
  assert.is(detector.settings.image, 'acr.example/detector:2');
});

test('a failed apply is reported as lastDesiredStatus 500 with the old image still running', async () => {
  az.device.setBehavior('edge-1', { delayMs: 20, agentStatus: { code: 500, description: 'The operation was canceled.' } });
  await hub.applyContentOnDevice('edge-1', manifest('acr.example/detector:3'));
  const { agent } = await waitForTwins('edge-1', caughtUp);
  assert.is(agent.reported.lastDesiredStatus.code, 500);
  assert.is(agent.reported.modules.detector.settings.image, 'acr.example/detector:2');
  az.device.setBehavior('edge-1', undefined);
  az.device.reportNow('edge-1');
  const fixed = await hub.getModuleTwin('edge-1', '$edgeAgent');
  assert.is(fixed.reported.modules.detector.settings.image, 'acr.example/detector:3');
});

test('device tags can be set, and the device twin reads them back', async () => {
  await hub.createEdgeDevice('edge-2');
  const twin = await hub.updateDeviceTags('edge-2', { env: 'prod', site: { line: 'a' } });
  assert.equal(twin.tags, { env: 'prod', site: { line: 'a' } });
  const read = await hub.getDeviceTwin('edge-2');
  assert.equal(read.tags, { env: 'prod', site: { line: 'a' } });
  assert.is(await hub.getDeviceTwin('nobody'), undefined);
});

test('a base configuration targets tagged devices, reaches them and reports system metrics', async () => {
  const created = await hub.createConfiguration({
    id: 'detector-base-aaa',
    content: manifest('acr.example/detector:10'),
    targetCondition: "tags.env='prod'",
    priority: 10,
    labels: { app: 'detector' },
    metrics: {
      ok: "SELECT deviceId FROM devices.modules WHERE moduleId='$edgeAgent' AND properties.reported.lastDesiredStatus.code = 200",
    },
  });
  assert.is(created.schemaVersion, '2.0');
  assert.is(created.priority, 10);
  assert.ok(created.etag);
  assert.equal(created.labels, { app: 'detector' });
  assert.ok(created.metricQueries.ok);
  const { agent } = await waitForTwins(
    'edge-2',
    (a, h) => caughtUp(a, h) && a.reported.modules?.detector?.settings.image === 'acr.example/detector:10',
  );
  const raw = az.device.moduleTwin('edge-2', '$edgeAgent');
  assert.equal(raw.configurations, { 'detector-base-aaa': { status: 'Applied' } });
  assert.is(agent.reported.lastDesiredStatus.code, 200);
  const config = await hub.getConfiguration('detector-base-aaa');
  assert.equal(config.systemMetrics, { targetedCount: 1, appliedCount: 1, reportedSuccessfulCount: 1, reportedFailedCount: 0 });
  // The custom metric (edge agents reporting 200) is evaluated over all devices: edge-1 (last reported 200) and edge-2.
  assert.equal(config.metricResults, { ok: 2 });
  // edge-1 has no tags: untouched by the configuration.
  assert.is(az.device.moduleTwin('edge-1', '$edgeAgent').desired.modules.detector.settings.image, 'acr.example/detector:3');
});

test('queryTwins pages through the $edgeAgent twins a configuration was applied to', async () => {
  for (const id of ['edge-4', 'edge-5']) {
    await hub.createEdgeDevice(id);
    await hub.updateDeviceTags(id, { env: 'prod' });
  }
  await hub.createEdgeDevice('edge-6'); // untagged: not targeted
  const before = az.requests.count({ method: 'POST', path: '/devices/query' });
  const rows = await hub.queryTwins(
    "SELECT * FROM devices.modules WHERE moduleId = '$edgeAgent' AND configurations.[[detector-base-aaa]].status = 'Applied'",
    2,
  );
  assert.equal(rows.map((r) => r.deviceId).sort(), ['edge-2', 'edge-4', 'edge-5']);
  assert.ok(rows.every((r) => r.moduleId === '$edgeAgent' && r.configurations['detector-base-aaa'].status === 'Applied'));
  assert.is(az.requests.count({ method: 'POST', path: '/devices/query' }) - before, 2, 'two pages of two');
  const devicesOnly = await hub.queryTwins("SELECT * FROM devices WHERE tags.env = 'prod'");
  assert.equal(devicesOnly.map((r) => r.deviceId).sort(), ['edge-2', 'edge-4', 'edge-5']);
  assert.is(devicesOnly[0].moduleId, undefined);
  const bad = await rejects(hub.queryTwins('DELETE FROM devices'));
  assert.is(bad.code, 'ArgumentInvalid');
  assert.is(bad.status, 400);
  await hub.deleteDevice('edge-6');
});

test('countEdgeDevices counts the IoT Edge devices a target condition selects, in one query', async () => {
  await hub.createEdgeDevice('edge-7');
  await hub.updateDeviceTags('edge-7', { env: 'prod', ring: 'canary' });
  const before = az.requests.count({ method: 'POST', path: '/devices/query' });
  assert.is(await hub.countEdgeDevices("tags.ring = 'canary'"), 1);
  assert.is(az.requests.count({ method: 'POST', path: '/devices/query' }) - before, 1, 'a count is one request, whatever the fleet size');
  const prod = await hub.queryTwins("SELECT * FROM devices WHERE tags.env = 'prod'");
  assert.ok(prod.length > 1);
  assert.is(await hub.countEdgeDevices("tags.env = 'prod'"), prod.length);
  assert.is(await hub.countEdgeDevices("tags.env = 'prod' AND tags.ring = 'canary'"), 1);
  assert.is(await hub.countEdgeDevices("tags.env = 'nowhere'"), 0);
  await hub.deleteDevice('edge-7');
});

test('configuration content is immutable: same id again → ConfigurationAlreadyExists; changed content via the SDK → refused', async () => {
  const error = await rejects(
    hub.createConfiguration({
      id: 'detector-base-aaa',
      content: manifest('acr.example/detector:11'),
      targetCondition: "tags.env='prod'",
      priority: 10,
    }),
  );
  assert.ok(error instanceof ProviderError);
  assert.is(error.code, 'ConfigurationAlreadyExists');
  assert.is(error.status, 409);
  // The raw SDK update path (If-Match: etag) with new content is refused too.
  const registry = iothub.Registry.fromConnectionString(az.hubConnectionString);
  const rawStart = az.requests.length;
  const { responseBody: current } = await registry.getConfiguration('detector-base-aaa');
  current.content = manifest('acr.example/detector:11');
  const sdkError = await rejects(registry.updateConfiguration(current));
  assert.is(sdkError.response.statusCode, 400);
  assert.match(sdkError.responseBody, /CannotModifyImmutableConfigurationContent/);
  rawSdkRequests.push(...az.requests.slice(rawStart));
  assert.is(
    (await hub.getConfiguration('detector-base-aaa')).content.modulesContent.$edgeAgent['properties.desired'].modules.detector.settings
      .image,
    'acr.example/detector:10',
  );
});

test('priority decides the base deployment; swapping priorities moves the device (etag-guarded update)', async () => {
  const next = await hub.createConfiguration({
    id: 'detector-base-bbb',
    content: manifest('acr.example/detector:20'),
    targetCondition: "tags.env='prod' AND tags.site.line='a'",
    priority: 20,
  });
  await waitForTwins('edge-2', (a, h) => caughtUp(a, h) && a.reported.modules?.detector?.settings.image === 'acr.example/detector:20');
  assert.equal(az.device.moduleTwin('edge-2', '$edgeAgent').configurations, {
    'detector-base-aaa': { status: 'Targeted' },
    'detector-base-bbb': { status: 'Applied' },
  });
  // Lower the new one below the old one: a stale etag is refused, the current one works.
  const stale = await rejects(hub.updateConfiguration('detector-base-bbb', 'bm90LXRoZS1ldGFn', { priority: 5 }));
  assert.is(stale.code, 'PreconditionFailed');
  assert.is(stale.status, 412);
  const lowered = await hub.updateConfiguration('detector-base-bbb', next.etag, { priority: 5 });
  assert.is(lowered.priority, 5);
  assert.is.not(lowered.etag, next.etag);
  await waitForTwins('edge-2', (a, h) => caughtUp(a, h) && a.reported.modules?.detector?.settings.image === 'acr.example/detector:10');
});

test('a layered deployment adds a module on top of the base', async () => {
  const layer = {
    modulesContent: {
      $edgeAgent: {
        'properties.desired.modules.logger': {
          type: 'docker',
          status: 'running',
          restartPolicy: 'always',
          version: '1.0',
          settings: { image: 'acr.example/logger:1', createOptions: '{}' },
        },
      },
      $edgeHub: {
        'properties.desired.routes.logger': 'FROM /messages/modules/detector/outputs/* INTO BrokeredEndpoint("/modules/logger/inputs/in")',
      },
    },
  };
  await hub.createConfiguration({ id: 'logger-layer', content: layer, targetCondition: "tags.env='prod'", priority: 50 });
  const { agent, edgeHub } = await waitForTwins('edge-2', (a, h) => caughtUp(a, h) && a.reported.modules?.logger !== undefined);
  assert.is(agent.reported.modules.detector.settings.image, 'acr.example/detector:10');
  assert.is(agent.reported.modules.logger.runtimeStatus, 'running');
  assert.match(edgeHub.desired.routes.logger, /logger\/inputs\/in/);
  assert.is(edgeHub.desired.routes.up, 'FROM /messages/* INTO $upstream');
});

test('list configurations; delete with a stale etag is refused, with the right etag it is gone', async () => {
  const list = await hub.listConfigurations();
  assert.equal(list.map((c) => c.id).sort(), ['detector-base-aaa', 'detector-base-bbb', 'logger-layer']);
  const layer = list.find((c) => c.id === 'logger-layer');
  const error = await rejects(hub.deleteConfiguration('logger-layer', 'c3RhbGU='));
  assert.is(error.code, 'PreconditionFailed');
  const del = az.requests.where({ method: 'DELETE', path: '/configurations/logger-layer' });
  assert.is(del.length, 1);
  await hub.deleteConfiguration('logger-layer', layer.etag);
  assert.is(await hub.getConfiguration('logger-layer'), undefined);
  await hub.deleteConfiguration('logger-layer'); // already gone: no error
  await hub.deleteConfiguration('detector-base-bbb');
  assert.equal(
    (await hub.listConfigurations()).map((c) => c.id),
    ['detector-base-aaa'],
  );
});

test('retries on the hub: 429 with Retry-After, 503, dropped connection; stats match the log', async () => {
  az.faults.add({ server: 'hub', method: 'GET', path: '/twins/edge-2', kind: 'throttle', retryAfterSeconds: 0 });
  az.faults.add({ server: 'hub', method: 'GET', path: '/twins/edge-2', kind: 'unavailable' });
  az.faults.add({ server: 'hub', method: 'GET', path: '/twins/edge-2', kind: 'drop' });
  const retries = hub.stats.retries;
  const twin = await hub.getDeviceTwin('edge-2');
  assert.is(twin.tags.env, 'prod');
  const attempts = az.requests.where({ server: 'hub', path: '/twins/edge-2', method: 'GET' }).slice(-4);
  assert.equal(
    attempts.map((r) => [r.status, r.fault]),
    [
      [429, 'throttle'],
      [503, 'unavailable'],
      [0, 'drop'],
      [200, undefined],
    ],
  );
  assert.is(hub.stats.retries - retries, 3);
  const log = az.requests.where({ server: 'hub' }).filter((r) => !rawSdkRequests.includes(r));
  assert.is(rawSdkRequests.length, 2);
  const byMethod = {};
  for (const r of log) byMethod[r.method] = (byMethod[r.method] ?? 0) + 1;
  assert.equal(hub.stats.byMethod, byMethod);
});

test('a create whose answer was lost is retried and recognised as our own (no false DeviceAlreadyExists)', async () => {
  az.faults.add({ server: 'hub', method: 'PUT', path: '/devices/edge-3', kind: 'drop-after' });
  const device = await hub.createEdgeDevice('edge-3');
  assert.is(device.deviceId, 'edge-3');
  assert.is(device.edge, true);
  const puts = az.requests.where({ method: 'PUT', path: '/devices/edge-3' });
  assert.equal(
    puts.map((r) => r.status),
    [0, 409],
  );
});

test('slow answers hit the per-attempt timeout and are retried', async () => {
  const slowHub = createIotHubProvider({
    connectionString: new SecretValue(az.hubConnectionString),
    retry: { ...fastRetry, attemptTimeoutMs: 150 },
  });
  az.faults.add({ server: 'hub', method: 'GET', path: '/devices/edge-3', kind: 'slow', delayMs: 1500 });
  const started = Date.now();
  const device = await slowHub.getDevice('edge-3');
  assert.is(device.deviceId, 'edge-3');
  assert.ok(Date.now() - started < 1200, `did not wait for the slow answer (${Date.now() - started} ms)`);
  assert.is(slowHub.stats.retries, 1);
  // The abandoned attempt's connection was closed by the client, not left hanging (it would keep the CLI alive).
  await new Promise((r) => setTimeout(r, Math.max(0, 1650 - (Date.now() - started))));
  const slowEntry = az.requests.where({ path: '/devices/edge-3', fault: 'slow' }).at(-1);
  assert.is(slowEntry.clientGone, true);
});

test('persistent 503 ends in a retryable ProviderError after maxAttempts', async () => {
  az.faults.add({ server: 'hub', method: 'GET', path: '/configurations', kind: 'unavailable', times: 10 });
  const before = az.requests.count({ path: '/configurations' });
  const error = await rejects(hub.listConfigurations());
  az.faults.clear();
  assert.is(error.code, 'ServiceUnavailable');
  assert.is(error.status, 503);
  assert.is(error.retryable, true);
  assert.is(az.requests.count({ path: '/configurations' }) - before, fastRetry.maxAttempts);
});

test('a wrong key gives 401 IotHubUnauthorizedAccess, not retried, and no secret in the error', async () => {
  const wrongKey = Buffer.alloc(32, 7).toString('base64');
  const bad = createIotHubProvider({
    connectionString: new SecretValue(az.hubConnectionString.replace(/SharedAccessKey=.*$/, `SharedAccessKey=${wrongKey}`)),
    retry: fastRetry,
  });
  const before = az.requests.count({ status: 401 });
  const error = await rejects(bad.getDevice('edge-1'));
  assert.ok(error instanceof ProviderError);
  assert.is(error.code, 'IotHubUnauthorizedAccess');
  assert.is(error.status, 401);
  assert.is(error.retryable, false);
  assert.is(az.requests.count({ status: 401 }) - before, 1);
  for (const text of [error.message, inspect(error), JSON.stringify(error)]) {
    assert.not.ok(text.includes(wrongKey), 'wrong key leaked');
    assert.not.ok(text.includes(az.hubOwnerKey), 'owner key leaked');
    assert.not.ok(/sig=/.test(text), 'SAS signature leaked');
  }
});

test('a malformed connection string is refused without echoing it', async () => {
  const value = 'HostName=;SharedAccessKeyName=iothubowner;SharedAccessKey=c2VjcmV0LXZhbHVlLXNob3VsZC1ub3QtbGVhaw==';
  let error;
  try {
    createIotHubProvider({ connectionString: new SecretValue(value) });
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof ProviderError);
  assert.is(error.code, 'InvalidConnectionString');
  assert.not.ok(error.message.includes('c2VjcmV0'));
});

test('missing devices give DeviceNotFound where a value is required', async () => {
  const noKey = await rejects(hub.getDeviceConnectionString('nobody'));
  assert.equal([noKey.code, noKey.status], ['DeviceNotFound', 404]);
  const noApply = await rejects(hub.applyContentOnDevice('nobody', manifest('x:1')));
  assert.equal([noApply.code, noApply.status], ['DeviceNotFound', 404]);
});

test('the fixture checks SAS expiry, signature and api-version like the hub (raw HTTPS)', async () => {
  const { SharedAccessSignature } = iothub;
  const url = (version) => `https://${az.hubHost}/devices/edge-1?api-version=${version}`;
  const token = (key, se) => SharedAccessSignature.create(az.hubHost, 'iothubowner', key, se).toString();
  const inAnHour = Math.floor(Date.now() / 1000) + 3600;
  const ok = await fetch(url('2021-04-12'), { headers: { authorization: token(az.hubOwnerKey, inAnHour) } });
  assert.is(ok.status, 200);
  assert.is((await ok.json()).deviceId, 'edge-1');
  const expired = await fetch(url('2021-04-12'), { headers: { authorization: token(az.hubOwnerKey, Math.floor(Date.now() / 1000) - 5) } });
  assert.is(expired.status, 401);
  assert.match((await expired.json()).Message, /^ErrorCode:IotHubUnauthorizedAccess;.*expired/);
  const forged = await fetch(url('2021-04-12'), { headers: { authorization: token(Buffer.alloc(32, 1).toString('base64'), inAnHour) } });
  assert.is(forged.status, 401);
  const oldApi = await fetch(url('2016-11-14'), { headers: { authorization: token(az.hubOwnerKey, inAnHour) } });
  assert.is(oldApi.status, 400);
  assert.is(oldApi.headers.get('iothub-errorcode'), 'InvalidProtocolVersion');
  rawSdkRequests.push(...az.requests.where({ path: '/devices/edge-1' }).slice(-4));
});

test('delete device; deleting again is a no-op', async () => {
  await hub.deleteDevice('edge-3');
  assert.is(await hub.getDevice('edge-3'), undefined);
  await hub.deleteDevice('edge-3');
  assert.not.ok(az.device.exists('edge-3'));
});

test.after(async () => {
  await az.close();
});

test.run();
