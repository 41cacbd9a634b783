// ArmProvider against the HTTPS ARM/AAD fixture, through the real @azure/identity, arm-resources, arm-iothub and
// arm-containerregistry clients. Run by arm.test.mjs (needs NODE_EXTRA_CA_CERTS, set by runTrusted).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inspect } from 'node:util';
import { startAzureFixtures } from '../fixtures/azure/index.mjs';
import { rejects } from '../helpers/rejects.mjs';

const az = await startAzureFixtures({ lroPolls: 2 });
Object.assign(process.env, az.env);
const { createArmProvider } = await import('../../dist/providers/azure/arm.js');
const { createIotHubProvider } = await import('../../dist/providers/azure/iothub.js');
const { ProviderError, SecretValue } = await import('../../dist/providers/types.js');

const fastRetry = { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 4 };
const newArm = () => createArmProvider({ subscriptionId: az.subscriptionId, endpoint: az.armUrl, pollIntervalMs: 5, retry: fastRetry });
const arm = newArm();
const loc = 'westeurope';

/** Every secret the fixture knows: hub keys, registry passwords, the client secret. */
function knownSecrets() {
  const out = [az.clientSecret, az.hubOwnerKey];
  for (const hub of az.arm.hubs.values()) for (const p of hub.policies) out.push(p.primaryKey, p.secondaryKey);
  for (const r of az.arm.registries.values()) for (const p of r.passwords) out.push(p.value);
  return out;
}

function assertNoSecrets(text, what) {
  for (const s of knownSecrets()) assert.not.ok(text.includes(s), `${what} contains a secret`);
}

test('ensure creates resource group, IoT hub and registry, polling the long-running operations', async () => {
  const rg = await arm.ensureResourceGroup('rg-edge', loc, { owner: 'edgeml' });
  assert.is(rg.created, true);
  assert.is(rg.name, 'rg-edge');
  assert.equal(rg.tags, { owner: 'edgeml' });

  const hub = await arm.ensureIotHub('rg-edge', 'hub-edge', { location: loc, sku: 'S1', units: 1 });
  assert.is(hub.created, true);
  assert.is(hub.hostName, az.hubHost, 'hostName comes from the finished resource');
  assert.equal(hub.sku, { name: 'S1', capacity: 1 });
  assert.match(hub.id, /\/resourceGroups\/rg-edge\/providers\/Microsoft\.Devices\/IotHubs\/hub-edge$/);
  // lroPolls: 2 → two "Running" answers and one "Succeeded" on the Azure-AsyncOperation URL.
  assert.is(az.requests.count({ method: 'GET', path: /Microsoft\.Devices\/locations\/westeurope\/operationResults\// }), 3);

  const acr = await arm.ensureRegistry('rg-edge', 'edgeacr01', { location: loc, sku: 'Basic' });
  assert.is(acr.created, true);
  assert.is(acr.loginServer, 'edgeacr01.azurecr.io');
  assert.is(acr.adminUserEnabled, true);
  assert.is(az.requests.count({ method: 'GET', path: /Microsoft\.ContainerRegistry\/locations\/.+\/operationResults\// }), 3);
  assert.is(az.arm.registries.get('rg-edge/edgeacr01').provisioning, false);
});

test('a second ensure makes zero writes and reports created: false', async () => {
  const before = az.requests.length;
  const writesBefore = arm.stats.writes;
  const rg = await arm.ensureResourceGroup('rg-edge', loc);
  const hub = await arm.ensureIotHub('rg-edge', 'hub-edge', { location: loc, sku: 'S1', units: 1 });
  const acr = await arm.ensureRegistry('rg-edge', 'edgeacr01', { location: loc, sku: 'Basic' });
  assert.equal([rg.created, hub.created, acr.created], [false, false, false]);
  assert.is(arm.stats.writes, writesBefore);
  const since = az.requests.slice(before);
  assert.is(since.filter((r) => r.method !== 'GET').length, 0, 'only GETs');
  assert.is(since.length, 3);
});

test('request stats match the server log', async () => {
  const armLog = az.requests.where({ server: 'arm' }).filter((r) => r.path.startsWith('/subscriptions/'));
  const byMethod = {};
  for (const r of armLog) byMethod[r.method] = (byMethod[r.method] ?? 0) + 1;
  assert.equal(arm.stats.byMethod, byMethod);
  assert.is(arm.stats.total, armLog.length);
});

test('hub owner connection string is a SecretValue that works against the hub', async () => {
  const cs = await arm.getIotHubOwnerConnectionString('rg-edge', 'hub-edge');
  assert.ok(cs instanceof SecretValue);
  assert.is(String(cs), '(sensitive)');
  assert.match(cs.reveal(), new RegExp(`^HostName=${az.hubHost.replace(/\./g, '\\.')};SharedAccessKeyName=iothubowner;SharedAccessKey=`));
  assert.ok(az.requests.count({ method: 'POST', path: /IotHubKeys\/iothubowner\/listkeys$/ }) >= 1);
  const hub = createIotHubProvider({ connectionString: cs });
  assert.is(await hub.getDevice('nobody'), undefined, 'the key from listkeys signs valid SAS tokens');
  assertNoSecrets(JSON.stringify(cs) + inspect(cs), 'serialised SecretValue');
});

test('registry credentials come back as admin user + SecretValue password', async () => {
  const creds = await arm.getRegistryCredentials('rg-edge', 'edgeacr01');
  assert.is(creds.username, 'edgeacr01');
  assert.is(creds.password.reveal(), az.arm.registries.get('rg-edge/edgeacr01').passwords[0].value);
  assertNoSecrets(JSON.stringify(creds), 'serialised credentials');
});

test('a long-running operation that ends Failed gives a ProviderError with the operation error code', async () => {
  az.failNextArmOperation({ code: 'IotHubQuotaExceeded', message: 'The subscription has reached its free IoT hub quota.' });
  const error = await rejects(arm.ensureIotHub('rg-edge', 'hub-quota', { location: loc, sku: 'F1', units: 1 }));
  assert.ok(error instanceof ProviderError);
  assert.is(error.code, 'IotHubQuotaExceeded');
  assert.match(error.message, /quota/);
  assert.is(await arm.getIotHub('rg-edge', 'hub-quota'), undefined, 'nothing left behind');
});

test('missing things: get returns undefined, ensure in a missing group fails with ResourceGroupNotFound', async () => {
  assert.is(await arm.getResourceGroup('rg-none'), undefined);
  assert.is(await arm.getIotHub('rg-none', 'hub-x'), undefined);
  assert.is(await arm.getRegistry('rg-edge', 'nosuchacr'), undefined);
  const error = await rejects(arm.ensureIotHub('rg-none', 'hub-x', { location: loc, sku: 'S1', units: 1 }));
  assert.ok(error instanceof ProviderError);
  assert.is(error.code, 'ResourceGroupNotFound');
  assert.is(error.status, 404);
  assert.is(error.retryable, false);
  const keyError = await rejects(arm.getIotHubOwnerConnectionString('rg-edge', 'hub-missing'));
  assert.is(keyError.code, 'ResourceNotFound');
  const state = az.arm.hubs.get('rg-edge/hub-edge');
  const saved = state.policies;
  state.policies = saved.filter((p) => p.keyName !== 'iothubowner');
  try {
    const noPolicy = await rejects(arm.getIotHubOwnerConnectionString('rg-edge', 'hub-edge'));
    assert.is(noPolicy.code, 'KeyNameNotFound');
    assert.is(noPolicy.status, 404);
  } finally {
    state.policies = saved;
  }
});

test('api-version is checked by the fixture (what the SDK sends is accepted, others are not)', async () => {
  const token = [...az.arm.tokens][0];
  const url = `${az.armUrl}/subscriptions/${az.subscriptionId}/resourcegroups/rg-edge?api-version=1999-01-01`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  assert.is(response.status, 400);
  assert.is((await response.json()).error.code, 'NoRegisteredProviderFound');
  const unauthenticated = await fetch(url.replace('1999-01-01', '2025-04-01'));
  assert.is(unauthenticated.status, 401);
});

test('retries: 429 with Retry-After, 503 and a dropped connection are retried; the log shows each attempt', async () => {
  const hubPath = /\/IotHubs\/hub-edge$/;
  az.faults.add({ server: 'arm', method: 'GET', path: hubPath, kind: 'throttle', retryAfterSeconds: 0 });
  az.faults.add({ server: 'arm', method: 'GET', path: hubPath, kind: 'unavailable' });
  az.faults.add({ server: 'arm', method: 'GET', path: hubPath, kind: 'drop' });
  const before = az.requests.length;
  const retriesBefore = arm.stats.retries;
  const hub = await arm.getIotHub('rg-edge', 'hub-edge');
  assert.is(hub.hostName, az.hubHost);
  const attempts = az.requests.slice(before).filter((r) => hubPath.test(r.path));
  assert.equal(
    attempts.map((r) => [r.status, r.fault]),
    [
      [429, 'throttle'],
      [503, 'unavailable'],
      [0, 'drop'],
      [200, undefined],
    ],
  );
  assert.is(arm.stats.retries - retriesBefore, 3);
});

test('a slow answer hits the per-attempt timeout and is retried', async () => {
  const quick = createArmProvider({
    subscriptionId: az.subscriptionId,
    endpoint: az.armUrl,
    pollIntervalMs: 5,
    retry: { ...fastRetry, attemptTimeoutMs: 150 },
  });
  az.faults.add({ server: 'arm', method: 'GET', path: /\/IotHubs\/hub-edge$/, kind: 'slow', delayMs: 1500 });
  const started = Date.now();
  const hub = await quick.getIotHub('rg-edge', 'hub-edge');
  assert.is(hub.name, 'hub-edge');
  assert.ok(Date.now() - started < 1200, `did not wait for the slow answer (${Date.now() - started} ms)`);
  assert.is(quick.stats.retries, 1);
});

test('a create whose answer was lost: the retry meets our own running operation (409) and the resource is adopted', async () => {
  az.faults.add({ server: 'arm', method: 'PUT', path: /\/IotHubs\/hub-lost$/, kind: 'drop-after' });
  az.faults.add({ server: 'arm', method: 'PUT', path: /\/registries\/acrlost01$/, kind: 'drop-after' });
  const hub = await arm.ensureIotHub('rg-edge', 'hub-lost', { location: loc, sku: 'S1', units: 1 });
  assert.is(hub.created, true);
  assert.is(hub.hostName, az.hubHost);
  assert.equal(
    az.requests.where({ method: 'PUT', path: /\/IotHubs\/hub-lost$/ }).map((r) => r.status),
    [0, 409],
  );
  const acr = await arm.ensureRegistry('rg-edge', 'acrlost01', { location: loc, sku: 'Basic' });
  assert.is(acr.created, true);
  assert.is(acr.loginServer, 'acrlost01.azurecr.io');
  await arm.deleteIotHub('rg-edge', 'hub-lost');
  await arm.deleteRegistry('rg-edge', 'acrlost01');
});

test('retries are bounded: persistent 503 gives a retryable ProviderError after maxAttempts', async () => {
  az.faults.add({ server: 'arm', method: 'GET', path: /\/registries\/edgeacr01$/, kind: 'unavailable', times: 10 });
  const before = az.requests.length;
  const error = await rejects(arm.getRegistry('rg-edge', 'edgeacr01'));
  az.faults.clear();
  assert.ok(error instanceof ProviderError);
  assert.is(error.status, 503);
  assert.is(error.retryable, true);
  assert.is(az.requests.slice(before).filter((r) => /registries\/edgeacr01$/.test(r.path)).length, fastRetry.maxAttempts);
});

test('a wrong client secret fails sign-in with a ProviderError that does not contain the secret', async () => {
  const saved = process.env.AZURE_CLIENT_SECRET;
  const wrong = `wrong~${'x'.repeat(30)}`;
  process.env.AZURE_CLIENT_SECRET = wrong;
  let bad;
  try {
    bad = newArm();
  } finally {
    process.env.AZURE_CLIENT_SECRET = saved;
  }
  const error = await rejects(bad.getResourceGroup('rg-edge'));
  assert.ok(error instanceof ProviderError);
  assert.is(error.code, 'AuthenticationError');
  assert.not.ok(error.message.includes(wrong), 'message leaks the wrong secret');
  assert.not.ok(inspect(error).includes(wrong), 'inspect leaks the wrong secret');
  assertNoSecrets(error.message, 'auth error');
  assert.ok(az.requests.count({ server: 'arm', method: 'POST', path: /oauth2\/v2\.0\/token$/, status: 401 }) >= 1);
});

test('delete registry, hub and group (LROs), then everything is gone; deleting again is a no-op', async () => {
  await arm.deleteRegistry('rg-edge', 'edgeacr01');
  assert.is(await arm.getRegistry('rg-edge', 'edgeacr01'), undefined);
  await arm.deleteIotHub('rg-edge', 'hub-edge');
  assert.is(await arm.getIotHub('rg-edge', 'hub-edge'), undefined);
  await arm.deleteResourceGroup('rg-edge');
  assert.is(await arm.getResourceGroup('rg-edge'), undefined);
  // Location-header polling for the group: 202 while running, then 204.
  const polls = az.requests.where({ path: /Microsoft\.Resources\/locations\/.+\/operationResults\// });
  assert.equal(
    polls.map((r) => r.status),
    [202, 202, 204],
  );
  await arm.deleteResourceGroup('rg-edge');
  await arm.deleteIotHub('rg-gone', 'hub-edge');
});

test('deleting a group removes what is in it', async () => {
  await arm.ensureResourceGroup('rg-two', loc);
  await arm.ensureIotHub('rg-two', 'hub-two', { location: loc, sku: 'B1', units: 2 });
  await arm.deleteResourceGroup('rg-two');
  assert.is(await arm.getIotHub('rg-two', 'hub-two'), undefined);
});

test('one RequestStats shared by both providers counts ARM and IoT Hub calls', async () => {
  const { createRequestStats } = await import('../../dist/providers/types.js');
  const stats = createRequestStats();
  const shared = createArmProvider({
    subscriptionId: az.subscriptionId,
    endpoint: az.armUrl,
    authorityHost: az.authorityHost,
    pollIntervalMs: 5,
    retry: fastRetry,
    stats,
  });
  await shared.ensureResourceGroup('rg-ir', loc);
  await shared.ensureIotHub('rg-ir', 'hub-ir', { location: loc, sku: 'S1', units: 1 });
  const hub = createIotHubProvider({ connectionString: await shared.getIotHubOwnerConnectionString('rg-ir', 'hub-ir'), stats });
  assert.is(hub.stats, stats);
  const before = { ...stats.byMethod };
  await hub.getDevice('nobody');
  assert.is(stats.byMethod.GET, before.GET + 1);
  await shared.deleteResourceGroup('rg-ir');
  assert.is(stats.byMethod.DELETE, 1);
});

test('a missing subscription id is refused before any request', () => {
  let error;
  try {
    createArmProvider({ subscriptionId: '', endpoint: az.armUrl });
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof ProviderError);
  assert.is(error.code, 'SubscriptionMissing');
});

test.after(async () => {
  await az.close();
});

test.run();
