// apply / plan / destroy against the Azure fixture servers with the real SDK providers (run through
// apply.test.mjs, which makes this process trust the fixture certificate). Single-device scenarios.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startAzureFixtures } from '../fixtures/azure/index.mjs';
import { runApply } from '../../dist/apply/apply.js';
import { runDestroy } from '../../dist/apply/destroy.js';
import { readState } from '../../dist/apply/state.js';
import { createProgress } from '../../dist/apply/progress.js';
import { computePlan } from '../../dist/plan/compute-plan.js';
import { renderPlanText } from '../../dist/plan/render-text.js';
import { apiKeyEnv, apiKeyValue, makeDesired, makeProgressLog, makeProviders, mutatingRequests, tempDir } from './_scenario.mjs';

const noDocker = async () => {
  throw new Error('docker is not used in these scenarios');
};

async function withFixture(fn, fixtureOptions = {}) {
  const az = await startAzureFixtures({ deviceBehavior: { delayMs: 20 }, ...fixtureOptions });
  Object.assign(process.env, az.env);
  const tmp = tempDir();
  try {
    await fn(az, tmp);
  } finally {
    await az.close();
    tmp.cleanup();
  }
}

function applyWith(az, tmp, desired, extra = {}) {
  const providers = makeProviders(az, desired.azure);
  const log = makeProgressLog();
  const stdout = makeProgressLog();
  const run = runApply({
    desired,
    providers,
    docker: noDocker,
    statePath: tmp.state,
    env: { [apiKeyEnv]: apiKeyValue },
    progress: createProgress(log.stream),
    stdout: stdout.stream,
    timeoutMs: 3000,
    pollIntervalMs: 20,
    ...extra,
  });
  return run.then((outcome) => ({ outcome, providers, log: log.lines.join(''), stdout: stdout.lines.join('') }));
}

test('apply creates what is missing, deploys and converges; the state records what it created', async () => {
  await withFixture(async (az, tmp) => {
    const desired = makeDesired();
    const { outcome, log } = await applyWith(az, tmp, desired);
    assert.ok(outcome.ok, JSON.stringify(outcome.diagnostics));
    assert.is(outcome.deployed, true);
    assert.ok(outcome.convergence.converged);
    assert.match(log, /✓ resource group edgeml-test-rg: created/);
    assert.match(log, /✓ edge device edge-1: created/);
    assert.match(log, /✓ modules running on edge-1/);
    const state = readState(tmp.state, 'wf');
    assert.is(state.resourceGroup.created, true);
    assert.is(state.iotHub.created, true);
    assert.is(state.registry.created, true);
    assert.is(state.device.created, true);
    assert.is(state.lastAppliedContentHash, desired.contentHash);
    // The device got the real values of the secret references.
    const agent = az.device.moduleTwin('edge-1', '$edgeAgent');
    assert.is(agent.desired.modules.detector.env.API_KEY.value, apiKeyValue);
    assert.not.match(agent.desired.runtime.settings.registryCredentials.edgemltestacr.password, /\$\{/);
  });
});

test('a second apply of the same spec makes zero writes', async () => {
  await withFixture(async (az, tmp) => {
    const desired = makeDesired();
    assert.ok((await applyWith(az, tmp, desired)).outcome.ok);
    az.requests.clear();
    const { outcome, log } = await applyWith(az, tmp, desired);
    assert.ok(outcome.ok);
    assert.is(outcome.deployed, false);
    assert.equal(
      mutatingRequests(az.requests).map((r) => `${r.method} ${r.path}`),
      [],
    );
    assert.match(log, /deployment on edge-1: unchanged, nothing sent/);
  });
});

test('plan after apply is empty; a changed image shows as one module update and only that module changes', async () => {
  await withFixture(async (az, tmp) => {
    const desired = makeDesired();
    assert.ok((await applyWith(az, tmp, desired)).outcome.ok);
    const env = { [apiKeyEnv]: apiKeyValue };
    const same = await computePlan(desired, makeProviders(az, desired.azure), env, desired.contentHash);
    assert.is(renderPlanText(same.plan), 'No changes. The live deployment matches the spec.\n');

    const changed = makeDesired({ detectorImage: 'edgemltestacr.azurecr.io/wf/detector:1.1-cccccccccccc-amd64' });
    az.requests.clear();
    const planned = await computePlan(changed, makeProviders(az, changed.azure), env, desired.contentHash);
    assert.is(planned.plan.drift, false, 'a changed spec is not drift');
    assert.equal(mutatingRequests(az.requests), [], 'plan never writes');
    assert.equal(
      planned.plan.modules.map((m) => [m.name, m.action, m.groups]),
      [['detector', 'update', ['image']]],
    );
    assert.equal(planned.plan.summary, { add: 0, change: 1, destroy: 0 });
    const text = renderPlanText(planned.plan);
    assert.match(text, /# module "detector" will be updated in-place/);
    assert.match(
      text,
      /~ image = "edgemltestacr.azurecr.io\/wf\/detector:1.0-aaaaaaaaaaaa-amd64" -> "edgemltestacr.azurecr.io\/wf\/detector:1.1-cccccccccccc-amd64"/,
    );
    assert.not.match(text, new RegExp(apiKeyValue));

    const before = az.device.moduleTwin('edge-1', '$edgeAgent').desired.modules;
    const { outcome } = await applyWith(az, tmp, changed);
    assert.ok(outcome.ok);
    assert.is(outcome.deployed, true);
    const after = az.device.moduleTwin('edge-1', '$edgeAgent').desired.modules;
    assert.equal(after.capture, before.capture);
    assert.is(after.detector.settings.image, 'edgemltestacr.azurecr.io/wf/detector:1.1-cccccccccccc-amd64');
    assert.is(az.device.moduleTwin('edge-1', '$edgeAgent').reported.modules.detector.settings.image, after.detector.settings.image);
  });
});

test('a deployment changed outside edgeml shows as drift, and apply puts it back', async () => {
  await withFixture(async (az, tmp) => {
    const desired = makeDesired();
    assert.ok((await applyWith(az, tmp, desired)).outcome.ok);
    // Someone sets the device's modules by hand (az iot edge set-modules) with another image.
    const hub = await makeProviders(az, desired.azure).iotHub();
    const tampered = makeDesired({ detectorImage: 'someone/else:9' }).content;
    const { resolveContent } = await import('../../dist/plan/secrets.js');
    const registry = az.device.moduleTwin('edge-1', '$edgeAgent').desired.runtime.settings.registryCredentials.edgemltestacr;
    await hub.applyContentOnDevice(
      'edge-1',
      resolveContent(tampered, {
        env: { [apiKeyEnv]: apiKeyValue, EDGEML_REGISTRY_USERNAME: registry.username, EDGEML_REGISTRY_PASSWORD: registry.password },
      }).content,
    );
    const planned = await computePlan(
      desired,
      makeProviders(az, desired.azure),
      { [apiKeyEnv]: apiKeyValue },
      readState(tmp.state, 'wf').lastAppliedContentHash,
    );
    assert.is(planned.plan.drift, true);
    const text = renderPlanText(planned.plan);
    assert.match(text, /^Note: the live deployment has changed outside of edgeml since the last apply\./);
    assert.match(text, /~ image = "someone\/else:9" -> "edgemltestacr\.azurecr\.io\/wf\/detector:1\.0-aaaaaaaaaaaa-amd64"/);
    const { outcome } = await applyWith(az, tmp, desired);
    assert.ok(outcome.ok);
    assert.is(outcome.deployed, true);
    assert.is(
      az.device.moduleTwin('edge-1', '$edgeAgent').desired.modules.detector.settings.image,
      'edgemltestacr.azurecr.io/wf/detector:1.0-aaaaaaaaaaaa-amd64',
    );
  });
});

test('a failing module is reported with its status, exit code and restarts; apply fails', async () => {
  await withFixture(async (az, tmp) => {
    const desired = makeDesired();
    // Create the device first so the failure can be set before the deployment arrives.
    const providers = makeProviders(az, desired.azure);
    await providers.arm.ensureResourceGroup('edgeml-test-rg', 'westeurope');
    await providers.arm.ensureIotHub('edgeml-test-rg', 'edgeml-test-hub', { location: 'westeurope', sku: 'S1', units: 1 });
    await (await providers.iotHub()).createEdgeDevice('edge-1');
    az.device.setBehavior('edge-1', {
      delayMs: 10,
      failModule: { name: 'capture', exitCode: 139, statusDescription: 'Segmentation fault' },
    });
    const { outcome, log } = await applyWith(az, tmp, desired, { timeoutMs: 300 });
    assert.is(outcome.ok, false);
    assert.is(outcome.diagnostics[0].code, 'EML6301');
    assert.match(log, /module 'capture' is failed, desired running \(exit code 139, restarts 3\): Segmentation fault/);
    assert.match(log, /✗ modules running on edge-1/);
    // The state still says edgeml did not create the device (it existed) but did create the group and hub? No:
    // they were created by the test, so nothing is edgeml's.
    const state = readState(tmp.state, 'wf');
    assert.is(state.device.created, false);
    assert.is(state.resourceGroup.created, false);
  });
});

test('throttling and server errors are retried and apply still converges', async () => {
  await withFixture(async (az, tmp) => {
    az.faults.add({ server: 'hub', method: 'POST', kind: 'throttle', retryAfterSeconds: 0 });
    az.faults.add({ server: 'hub', method: 'GET', kind: 'unavailable', times: 2 });
    az.faults.add({ server: 'arm', method: 'PUT', kind: 'unavailable' });
    az.faults.add({ server: 'hub', method: 'PUT', kind: 'drop' });
    const { outcome, providers } = await applyWith(az, tmp, makeDesired());
    assert.ok(outcome.ok, JSON.stringify(outcome.diagnostics));
    assert.is(az.faults.pending, 0);
    assert.ok(providers.stats.retries >= 4, `retries ${providers.stats.retries}`);
  });
});

test('an apply stopped at any step, then run again, converges and keeps ownership right', async () => {
  // Each round makes the first request of one kind fail for good (more failures than retries), which stops
  // apply at that step just like a kill would; the next run must converge and record what edgeml created.
  const stops = [
    { server: 'arm', method: 'PUT', path: /resourcegroups\/[^/]+$/i },
    { server: 'arm', method: 'PUT', path: /IotHubs/i },
    { server: 'arm', method: 'PUT', path: /registries/i },
    { server: 'hub', method: 'PUT', path: /^\/devices\// },
    { server: 'hub', method: 'POST', path: /applyConfigurationContent/ },
    { server: 'hub', method: 'GET', path: /modules\/(%24|\$)edgeHub/ },
  ];
  for (const stop of stops) {
    await withFixture(async (az, tmp) => {
      az.faults.add({ ...stop, kind: 'unavailable', times: 50 });
      const first = await applyWith(az, tmp, makeDesired());
      assert.is(first.outcome.ok, false, `stopped at ${stop.path}`);
      az.faults.clear();
      const second = await applyWith(az, tmp, makeDesired());
      assert.ok(second.outcome.ok, `re-run after a stop at ${stop.path}: ${JSON.stringify(second.outcome.diagnostics)}`);
      const state = readState(tmp.state, 'wf');
      for (const key of ['resourceGroup', 'iotHub', 'registry', 'device'])
        assert.is(state[key].created, true, `${key} after a stop at ${stop.path}`);
    });
  }
});

test('destroy deletes exactly what edgeml created, in reverse order, and clears the state', async () => {
  await withFixture(async (az, tmp) => {
    const desired = makeDesired();
    // An unrelated device and configuration on the same hub must survive.
    assert.ok((await applyWith(az, tmp, desired)).outcome.ok);
    const hub = await makeProviders(az, desired.azure).iotHub();
    await hub.createEdgeDevice('someone-elses-device');
    await hub.createConfiguration({ id: 'someone-elses-config', content: desired.content, targetCondition: "tags.x='y'", priority: 1 });
    const providers = makeProviders(az, desired.azure);
    const log = makeProgressLog();
    // Hub and resource group were created by edgeml here: mark them pre-existing to check they are kept.
    const state = readState(tmp.state, 'wf');
    state.iotHub.created = false;
    state.resourceGroup.created = false;
    az.requests.clear();
    const result = await runDestroy({ azure: desired.azure, state, statePath: tmp.state, providers, progress: createProgress(log.stream) });
    assert.ok(result.ok, JSON.stringify(result.diagnostics));
    assert.equal(
      result.deleted.map((d) => d.kind),
      ['edge device', 'container registry'],
    );
    const deletes = az.requests.where({ method: 'DELETE' }).map((r) => r.path);
    assert.is(deletes.length, 2, deletes.join(', '));
    assert.ok(deletes[0].startsWith('/devices/edge-1'));
    assert.match(deletes[1], /registries\/edgemltestacr/i);
    assert.ok(az.device.exists('someone-elses-device'));
    assert.not.ok(az.device.exists('edge-1'));
    assert.ok(az.configurations.has('someone-elses-config'));
    assert.ok(az.arm.hubs.size === 1 && az.arm.groups.size === 1);
    assert.throws(() => statSync(tmp.state));
  });
});

test('on a device edgeml did not create, destroy removes the modules it deployed and keeps the runtime', async () => {
  await withFixture(async (az, tmp) => {
    const desired = makeDesired();
    assert.ok((await applyWith(az, tmp, desired)).outcome.ok);
    // As if the device had existed before apply (e.g. a Data Box Edge): apply records the modules, not the device.
    const state = readState(tmp.state, 'wf');
    const modules = Object.keys(az.device.moduleTwin('edge-1', '$edgeAgent').desired.modules).sort();
    assert.ok(modules.length > 0);
    Object.assign(state, {
      device: { ...state.device, created: false },
      iotHub: { ...state.iotHub, created: false },
      resourceGroup: { ...state.resourceGroup, created: false },
      registry: { ...state.registry, created: false },
    });
    assert.equal(state.deviceModules, undefined, 'apply recorded none: it created this device');
    state.deviceModules = { device: 'edge-1', modules };
    const before = az.device.moduleTwin('edge-1', '$edgeAgent').desired;
    const result = await runDestroy({
      azure: desired.azure,
      state,
      statePath: tmp.state,
      providers: makeProviders(az, desired.azure),
      progress: createProgress(makeProgressLog().stream),
    });
    assert.ok(result.ok, JSON.stringify(result.diagnostics));
    assert.equal(
      result.deleted.map((d) => d.kind),
      ['modules on edge device'],
    );
    assert.ok(az.device.exists('edge-1'), 'the device stays');
    const agent = az.device.moduleTwin('edge-1', '$edgeAgent').desired;
    assert.equal(agent.modules, {});
    assert.equal(agent.systemModules, before.systemModules, 'edgeAgent and edgeHub keep their live settings');
    assert.is(agent.runtime.settings.registryCredentials, undefined, 'no registry secret stays on the device');
    assert.equal(az.device.moduleTwin('edge-1', '$edgeHub').desired.routes, {});
  });
});

test('destroy leaves an existing device alone when its deployment changed since apply, and says so', async () => {
  await withFixture(async (az, tmp) => {
    const desired = makeDesired();
    assert.ok((await applyWith(az, tmp, desired)).outcome.ok);
    const state = readState(tmp.state, 'wf');
    Object.assign(state, {
      device: { ...state.device, created: false },
      iotHub: { ...state.iotHub, created: false },
      resourceGroup: { ...state.resourceGroup, created: false },
      registry: { ...state.registry, created: false },
    });
    state.deviceModules = { device: 'edge-1', modules: ['a-module-someone-removed'] };
    const before = az.device.moduleTwin('edge-1', '$edgeAgent').desired;
    const result = await runDestroy({
      azure: desired.azure,
      state,
      statePath: tmp.state,
      providers: makeProviders(az, desired.azure),
      progress: createProgress(makeProgressLog().stream),
    });
    assert.ok(result.ok);
    assert.equal(result.deleted, []);
    assert.equal(
      result.diagnostics.map((d) => d.code),
      ['EML6010'],
    );
    assert.equal(az.device.moduleTwin('edge-1', '$edgeAgent').desired.modules, before.modules);
  });
});

test('no secret appears in progress output, diagnostics, plan text or the state file', async () => {
  await withFixture(async (az, tmp) => {
    const desired = makeDesired();
    const connectionFile = join(tmp.dir, 'device.conn');
    const first = await applyWith(az, tmp, desired, { connectionStringFile: connectionFile });
    assert.ok(first.outcome.ok);
    // A failing run too, so error paths are covered.
    az.device.setBehavior('edge-1', { delayMs: 10, agentStatus: { code: 500, description: 'image pull failed' } });
    const failing = await applyWith(
      az,
      tmp,
      makeDesired({ threshold: 0.7, detectorImage: 'edgemltestacr.azurecr.io/wf/detector:2.0-dddddddddddd-amd64' }),
      { timeoutMs: 200 },
    );
    assert.match(failing.log, /edgeAgent reports code 500: image pull failed/);
    assert.is(failing.outcome.ok, false);
    const plan = await computePlan(makeDesired({ threshold: 0.9 }), makeProviders(az, desired.azure), { [apiKeyEnv]: apiKeyValue });
    const hubKey = az.hubOwnerKey;
    const connection = readFileSync(connectionFile, 'utf8').trim();
    assert.is(statSync(connectionFile).mode & 0o777, 0o600);
    const deviceKey = /SharedAccessKey=([^;]+)$/.exec(connection)[1];
    const registryPassword = az.device.moduleTwin('edge-1', '$edgeAgent').desired.runtime.settings.registryCredentials.edgemltestacr
      .password;
    const everything = [
      first.log,
      first.stdout,
      failing.log,
      JSON.stringify(failing.outcome),
      renderPlanText(plan.plan),
      JSON.stringify(plan.plan),
      readFileSync(tmp.state, 'utf8'),
    ].join('\n');
    for (const [name, secret] of Object.entries({ hubKey, deviceKey, registryPassword, apiKeyValue, clientSecret: az.clientSecret })) {
      assert.ok(secret && secret.length > 8, name);
      assert.not.ok(everything.includes(secret), `${name} leaked`);
    }
    assert.match(renderPlanText(plan.plan), /twin\.threshold = 0\.7 -> 0\.9/);
  });
});

test('a secret missing from the environment stops apply before anything is created', async () => {
  await withFixture(async (az, tmp) => {
    const { outcome } = await applyWith(az, tmp, makeDesired(), { env: {} });
    assert.is(outcome.ok, false);
    assert.equal(
      outcome.diagnostics.map((d) => [d.code, d.message]),
      [['EML6003', `The deployment needs the secret '${apiKeyEnv}' but the environment variable '${apiKeyEnv}' is not set.`]],
    );
    assert.is(az.requests.length, 0);
  });
});

test.run();
