// A simulated fleet for rollout scenarios (tests and bench/rollout.mjs): N IoT Edge devices tagged role=camera in the
// IoT Hub fixture, the real providers, and apply with azure.fleet.rollout. Must run in a process that trusts the
// fixture certificate (see test/fixtures/azure/tls.mjs runTrusted).
import { startAzureFixtures } from '../fixtures/azure/index.mjs';
import { runApply } from '../../dist/apply/apply.js';
import { createProgress } from '../../dist/apply/progress.js';
import { bucketOf } from '../../dist/rollout/ring-conditions.js';
import { apiKeyEnv, apiKeyValue, makeDesired, makeProgressLog, makeProviders, mutatingRequests, tempDir } from '../apply/_scenario.mjs';

/** canary 10% → half 50% → all, rolled back on failure. Gates wait `waitSeconds` for silent devices. */
export function threeRings({ onFailure = 'rollback', waitSeconds = 2, maxFailedPercent = 10 } = {}) {
  return {
    onFailure,
    rings: [
      { name: 'canary', percent: 10, gate: { minDevices: 3, maxFailedPercent: 0, waitSeconds, metrics: {} } },
      { name: 'half', percent: 50, gate: { minDevices: 20, maxFailedPercent, waitSeconds, metrics: {} } },
      { name: 'all', gate: { minDevices: 50, maxFailedPercent, waitSeconds, metrics: {} } },
    ],
  };
}

/** The desired deployment of content version `version` (its detector image tag) with this rollout. */
export function desiredVersion(version, rollout) {
  const desired = makeDesired({ fleet: true, detectorImage: `edgemltestacr.azurecr.io/wf/detector:${version}` });
  desired.azure.deployment.rollout = rollout;
  return desired;
}

/** Devices whose bucket puts them first in a ring of `percent` (what ring-conditions.ts decides). */
export const withinPercent = (id, percent) => bucketOf(id) < Math.round(percent * 10);

export async function startFleet({ devices = 100, delayMs = 5 } = {}) {
  const az = await startAzureFixtures({ deviceBehavior: { delayMs } });
  Object.assign(process.env, az.env);
  const tmp = tempDir('edgeml-rollout-');
  const seed = desiredVersion('v0', threeRings());
  const providers = makeProviders(az, seed.azure);
  await providers.arm.ensureResourceGroup(seed.azure.resourceGroup, 'westeurope');
  await providers.arm.ensureIotHub(seed.azure.resourceGroup, seed.azure.iotHub.name, { location: 'westeurope', sku: 'S1', units: 1 });
  const hub = await providers.iotHub();
  const ids = Array.from({ length: devices }, (_, i) => `cam-${String(i + 1).padStart(3, '0')}`);
  for (const id of ids) {
    await hub.createEdgeDevice(id);
    await hub.updateDeviceTags(id, { role: 'camera' });
  }
  await hub.createEdgeDevice('not-a-camera');
  return {
    az,
    hub,
    ids,
    tmp,
    /** The detector image a device has been told to run (its $edgeAgent desired properties). */
    image: (id) => az.device.moduleTwin(id, '$edgeAgent').desired.modules?.detector?.settings?.image,
    ownDeployments: () => [...az.configurations.keys()].filter((id) => id.startsWith('wf-fleet-')).sort(),
    async apply(desired, extra = {}) {
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
        timeoutMs: 10_000,
        pollIntervalMs: 20,
        ...extra,
      });
      return { outcome, log: log.lines.join('') };
    },
    /** Hub REST calls and the mutating ones (twin queries are POSTs that change nothing) since `clear()`. */
    calls: () => {
      const hubCalls = az.requests.where({ server: 'hub' });
      return { rest: hubCalls.length, mutating: mutatingRequests(hubCalls).filter((r) => r.path !== '/devices/query').length };
    },
    async close() {
      await az.close();
      tmp.cleanup();
    },
  };
}
