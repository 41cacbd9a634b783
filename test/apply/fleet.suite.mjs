// Fleet deployments against the Azure fixtures (run through fleet.test.mjs): content-hashed configurations, a
// swap where every targeted device always has a deployment applied, re-apply without writes, layered priority.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startAzureFixtures } from '../fixtures/azure/index.mjs';
import { runApply } from '../../dist/apply/apply.js';
import { readState } from '../../dist/apply/state.js';
import { runDestroy } from '../../dist/apply/destroy.js';
import { readStatus, renderStatusText } from '../../dist/apply/status.js';
import { createProgress } from '../../dist/apply/progress.js';
import { computePlan } from '../../dist/plan/compute-plan.js';
import { renderPlanText } from '../../dist/plan/render-text.js';
import { toLayeredContent } from '../../dist/render/manifest/fleet.js';
import { configurationId, hashConfigurationContent } from '../../dist/render/manifest/content-hash.js';
import { apiKeyEnv, apiKeyValue, makeDesired, makeProgressLog, makeProviders, mutatingRequests, tempDir } from './_scenario.mjs';

const devices = ['cam-1', 'cam-2', 'cam-3'];

async function withFleet(fn) {
  const az = await startAzureFixtures({ deviceBehavior: { delayMs: 15 } });
  Object.assign(process.env, az.env);
  const tmp = tempDir('edgeml-fleet-');
  try {
    const desired = makeDesired({ fleet: true });
    const providers = makeProviders(az, desired.azure);
    await providers.arm.ensureResourceGroup(desired.azure.resourceGroup, 'westeurope');
    await providers.arm.ensureIotHub(desired.azure.resourceGroup, desired.azure.iotHub.name, {
      location: 'westeurope',
      sku: 'S1',
      units: 1,
    });
    const hub = await providers.iotHub();
    for (const id of devices) {
      await hub.createEdgeDevice(id);
      await hub.updateDeviceTags(id, { role: 'camera' });
    }
    await hub.createEdgeDevice('other-device');
    await fn(az, tmp);
  } finally {
    await az.close();
    tmp.cleanup();
  }
}

async function applyFleet(az, tmp, desired, extra = {}) {
  const log = makeProgressLog();
  const outcome = await runApply({
    desired,
    providers: makeProviders(az, desired.azure),
    docker: async () => {
      throw new Error('no docker');
    },
    statePath: tmp.state,
    env: { [apiKeyEnv]: apiKeyValue },
    progress: createProgress(log.stream),
    stdout: makeProgressLog().stream,
    timeoutMs: 3000,
    pollIntervalMs: 10,
    ...extra,
  });
  return { outcome, log: log.lines.join('') };
}

const ownIds = (az) => [...az.configurations.keys()].filter((id) => id.startsWith('wf-fleet-')).sort();

test('fleet apply creates <id>-<hash>, waits for the devices, and converges; re-apply writes nothing', async () => {
  await withFleet(async (az, tmp) => {
    const desired = makeDesired({ fleet: true });
    const { outcome, log } = await applyFleet(az, tmp, desired);
    assert.ok(outcome.ok, JSON.stringify(outcome.diagnostics) + log);
    assert.equal(ownIds(az), [desired.configurationId]);
    assert.match(desired.configurationId, /^wf-fleet-[0-9a-f]{12}$/);
    assert.equal(outcome.fleet.metrics, { targeted: 3, applied: 3, succeeded: 3, failed: 0 });
    assert.equal(readState(tmp.state, 'wf').configurations, [desired.configurationId]);
    for (const id of devices) assert.is(az.device.moduleTwin(id, '$edgeAgent').desired.modules.detector.env.API_KEY.value, apiKeyValue);
    assert.is(az.device.moduleTwin('other-device', '$edgeAgent').desired.modules, undefined);

    const status = await readStatus(desired.azure, makeProviders(az, desired.azure));
    assert.equal(status.configurations, [
      { id: desired.configurationId, priority: 10, metrics: { targeted: 3, applied: 3, succeeded: 3, failed: 0 } },
    ]);
    assert.match(renderStatusText(status), new RegExp(`^${desired.configurationId}\\s+10\\s+3\\s+3\\s+3\\s+0$`, 'm'));

    az.requests.clear();
    const again = await applyFleet(az, tmp, desired);
    assert.ok(again.outcome.ok);
    assert.equal(
      mutatingRequests(az.requests).map((r) => `${r.method} ${r.path}`),
      [],
    );
  });
});

test('a changed spec swaps deployments with no moment where a device has none applied', async () => {
  await withFleet(async (az, tmp) => {
    const v1 = makeDesired({ fleet: true });
    assert.ok((await applyFleet(az, tmp, v1)).outcome.ok);
    const v2 = makeDesired({ fleet: true, detectorImage: 'edgemltestacr.azurecr.io/wf/detector:2.0-eeeeeeeeeeee-amd64' });
    assert.is.not(v2.configurationId, v1.configurationId);

    const plan = await computePlan(v2, makeProviders(az, v2.azure), { [apiKeyEnv]: apiKeyValue });
    const text = renderPlanText(plan.plan);
    assert.match(text, new RegExp(`# deployment "${v2.configurationId}" will be created`));
    assert.match(text, new RegExp(`# deployment "${v1.configurationId}" will be destroyed`));
    assert.match(text, /# module "detector" will be updated in-place/);
    assert.match(text, /Plan: 1 to add, 1 to change, 1 to destroy\./);
    assert.equal(plan.plan.reach, { condition: "tags.role='camera'", edgeDevices: devices.length }, 'the untagged device is not counted');
    assert.match(text, new RegExp(`Target: tags\\.role='camera' matches ${devices.length} IoT Edge devices now\\.`));

    // Watch every device's applied configuration while the swap runs.
    const gaps = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        for (const id of devices) {
          const statuses = az.device.moduleTwin(id, '$edgeAgent').configurations ?? {};
          if (!Object.values(statuses).some((s) => s.status === 'Applied')) gaps.push(id);
        }
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const { outcome } = await applyFleet(az, tmp, v2);
    watching = false;
    await watcher;
    assert.ok(outcome.ok, JSON.stringify(outcome.diagnostics));
    assert.equal(gaps, []);
    assert.equal(ownIds(az), [v2.configurationId]);
    assert.ok(az.configurations.get(v2.configurationId).priority > 10);
    assert.equal(readState(tmp.state, 'wf').configurations, [v2.configurationId]);
    for (const id of devices) {
      assert.is(
        az.device.moduleTwin(id, '$edgeAgent').reported.modules.detector.settings.image,
        'edgemltestacr.azurecr.io/wf/detector:2.0-eeeeeeeeeeee-amd64',
      );
    }
  });
});

test('when the new deployment does not reach the devices in time the old one is kept', async () => {
  await withFleet(async (az, tmp) => {
    const v1 = makeDesired({ fleet: true });
    assert.ok((await applyFleet(az, tmp, v1)).outcome.ok);
    const v2 = makeDesired({ fleet: true, detectorImage: 'edgemltestacr.azurecr.io/wf/detector:3.0-ffffffffffff-amd64' });
    // The service never reports the new configuration's metrics (every read of it fails) until the timeout.
    az.faults.add({
      server: 'hub',
      method: 'GET',
      path: new RegExp(`/configurations/${v2.configurationId}`),
      kind: 'unavailable',
      times: 1000,
    });
    const { outcome } = await applyFleet(az, tmp, v2, { timeoutMs: 200 });
    assert.is(outcome.ok, false);
    assert.ok(ownIds(az).includes(v1.configurationId), 'the old deployment stays');
    az.faults.clear();
    const rerun = await applyFleet(az, tmp, v2);
    assert.ok(rerun.outcome.ok, JSON.stringify(rerun.outcome.diagnostics));
    assert.equal(ownIds(az), [v2.configurationId]);
  });
});

test('a swap stopped before the old deployment is removed finishes on the next run', async () => {
  await withFleet(async (az, tmp) => {
    const v1 = makeDesired({ fleet: true });
    assert.ok((await applyFleet(az, tmp, v1)).outcome.ok);
    const v2 = makeDesired({ fleet: true, detectorImage: 'edgemltestacr.azurecr.io/wf/detector:5.0-121212121212-amd64' });
    az.faults.add({ server: 'hub', method: 'DELETE', path: /configurations/, kind: 'unavailable', times: 50 });
    const stopped = await applyFleet(az, tmp, v2);
    assert.is(stopped.outcome.ok, false);
    assert.equal(ownIds(az), [v1.configurationId, v2.configurationId].sort());
    assert.equal(readState(tmp.state, 'wf').configurations.sort(), [v1.configurationId, v2.configurationId].sort());
    az.faults.clear();
    const rerun = await applyFleet(az, tmp, v2);
    assert.ok(rerun.outcome.ok, JSON.stringify(rerun.outcome.diagnostics));
    assert.equal(ownIds(az), [v2.configurationId]);
    assert.equal(readState(tmp.state, 'wf').configurations, [v2.configurationId]);
  });
});

test('plan says when the target condition matches no IoT Edge device', async () => {
  await withFleet(async (az) => {
    const desired = makeDesired({ fleet: true });
    desired.azure.deployment.targetCondition = "tags.role='kiosk'";
    const plan = await computePlan(desired, makeProviders(az, desired.azure), { [apiKeyEnv]: apiKeyValue });
    assert.equal(plan.plan.reach, { condition: "tags.role='kiosk'", edgeDevices: 0 });
    assert.match(renderPlanText(plan.plan), /Target: tags\.role='kiosk' matches 0 IoT Edge devices now\./);
  });
});

test('a changed target condition or label updates the same configuration in place (plan shows it)', async () => {
  await withFleet(async (az, tmp) => {
    const v1 = makeDesired({ fleet: true });
    assert.ok((await applyFleet(az, tmp, v1)).outcome.ok);
    const retargeted = makeDesired({ fleet: true });
    retargeted.azure.deployment = {
      ...retargeted.azure.deployment,
      targetCondition: "tags.role='camera' AND deviceId!='cam-3'",
      labels: { app: 'wf', stage: 'prod' },
    };
    assert.is(retargeted.configurationId, v1.configurationId, 'same content, same id');
    const plan = await computePlan(retargeted, makeProviders(az, retargeted.azure), { [apiKeyEnv]: apiKeyValue });
    assert.equal(plan.plan.resources, [
      { kind: 'configuration', name: v1.configurationId, action: 'update', reason: 'updates labels, targetCondition' },
    ]);
    assert.match(
      renderPlanText(plan.plan),
      /# deployment "wf-fleet-[0-9a-f]{12}" will be updated in-place\n {2}# \(updates labels, targetCondition\)/,
    );
    const { outcome } = await applyFleet(az, tmp, retargeted);
    assert.ok(outcome.ok, JSON.stringify(outcome.diagnostics));
    const stored = az.configurations.get(v1.configurationId);
    assert.is(stored.targetCondition, "tags.role='camera' AND deviceId!='cam-3'");
    assert.equal(stored.labels, { app: 'wf', stage: 'prod' });
    assert.equal(outcome.fleet.metrics.targeted, 2);
    az.requests.clear();
    assert.ok((await applyFleet(az, tmp, retargeted)).outcome.ok);
    assert.equal(mutatingRequests(az.requests), []);
  });
});

test('a failing device shows in the fleet metrics and apply fails', async () => {
  await withFleet(async (az, tmp) => {
    az.device.setBehavior('cam-2', { delayMs: 10, agentStatus: { code: 500, description: 'pull failed' } });
    const { outcome, log } = await applyFleet(az, tmp, makeDesired({ fleet: true }), { timeoutMs: 300 });
    assert.is(outcome.ok, false);
    assert.is(outcome.diagnostics[0].code, 'EML6301');
    assert.equal(outcome.fleet.metrics, { targeted: 3, applied: 3, succeeded: 2, failed: 1 });
    assert.match(log, /3 targeted, 3 applied, 2 report success, 1 report failure/);
  });
});

function layered(options) {
  const desired = makeDesired({ fleet: true, ...options });
  const content = { modulesContent: toLayeredContent(desired.content.modulesContent) };
  desired.azure.deployment = { ...desired.azure.deployment, layered: true, priority: 10 };
  return { ...desired, content, contentHash: hashConfigurationContent(content), configurationId: configurationId('wf-fleet', content) };
}

test('a layered deployment merges over the base and swaps without dropping the base modules', async () => {
  await withFleet(async (az, tmp) => {
    // Someone else's base deployment at priority 5.
    const base = makeDesired().content;
    base.modulesContent.$edgeAgent['properties.desired'].modules = {
      basemod: {
        version: '1.0',
        type: 'docker',
        status: 'running',
        restartPolicy: 'always',
        settings: { image: 'base/mod:1', createOptions: '{}' },
      },
    };
    delete base.modulesContent.detector;
    const hub = await makeProviders(az, makeDesired().azure).iotHub();
    await hub.createConfiguration({ id: 'site-base', content: base, targetCondition: "tags.role='camera'", priority: 5 });

    const v1 = layered();
    const first = await applyFleet(az, tmp, v1);
    assert.ok(first.outcome.ok, JSON.stringify(first.outcome.diagnostics));
    const modules = az.device.moduleTwin('cam-1', '$edgeAgent').desired.modules;
    assert.equal(Object.keys(modules).sort(), ['basemod', 'capture', 'detector']);

    const v2 = layered({ detectorImage: 'edgemltestacr.azurecr.io/wf/detector:4.0-abcabcabcabc-amd64' });
    const second = await applyFleet(az, tmp, v2);
    assert.ok(second.outcome.ok, JSON.stringify(second.outcome.diagnostics));
    assert.equal(ownIds(az), [v2.configurationId]);
    assert.ok(az.configurations.has('site-base'), "the base deployment is not edgeml's and stays");
    const after = az.device.moduleTwin('cam-1', '$edgeAgent').desired.modules;
    assert.equal(Object.keys(after).sort(), ['basemod', 'capture', 'detector']);
    assert.is(after.detector.settings.image, 'edgemltestacr.azurecr.io/wf/detector:4.0-abcabcabcabc-amd64');
  });
});

test("destroy takes the modules off the fleet's devices before deleting its deployments (a runtime-only deployment first)", async () => {
  await withFleet(async (az, tmp) => {
    const desired = makeDesired({ fleet: true });
    assert.ok((await applyFleet(az, tmp, desired)).outcome.ok);
    for (const id of devices) assert.ok(az.device.moduleTwin(id, '$edgeAgent').desired.modules.detector, `${id} runs the detector`);
    const state = readState(tmp.state, 'wf');
    const log = makeProgressLog();
    const result = await runDestroy({
      azure: desired.azure,
      state,
      statePath: tmp.state,
      providers: makeProviders(az, desired.azure),
      progress: createProgress(log.stream),
      intervalMs: 10,
      waitMs: 3000,
    });
    assert.ok(result.ok, JSON.stringify(result.diagnostics) + log.lines.join(''));
    assert.match(
      log.lines.join(''),
      /✓ take the modules off the fleet's devices \(deployment wf-fleet-teardown\): 3\/3 devices run the runtime only/,
    );
    // No deployment of the workflow is left, and the devices run edgeAgent and edgeHub only (no private registry secret either).
    assert.equal(
      [...az.configurations.keys()].filter((id) => id.startsWith('wf-fleet')),
      [],
    );
    for (const id of devices) {
      const agent = az.device.moduleTwin(id, '$edgeAgent').desired;
      assert.equal(agent.modules, {}, `${id} has no modules left`);
      assert.ok(agent.systemModules.edgeHub, `${id} keeps its runtime`);
      assert.is(agent.runtime.settings.registryCredentials, undefined);
    }
    assert.is(az.device.moduleTwin('other-device', '$edgeAgent').desired.modules, undefined, 'a device outside the fleet is untouched');
    assert.equal(
      result.deleted.filter((d) => d.kind === 'deployment').map((d) => d.name),
      [desired.configurationId],
      'the runtime-only deployment is a step, not a deletion',
    );
  });
});

test.run();
