// Test helper for apply suites: a hand-written DesiredDeployment (what the renderers would produce for a small
// workflow: two modules, a route, a module twin, registry credentials and one env secret as references) and the
// real Azure providers pointed at the fixture servers with fast retries.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createArmProvider } from '../../dist/providers/azure/arm.js';
import { createIotHubProvider } from '../../dist/providers/azure/iothub.js';
import { createRequestStats } from '../../dist/providers/types.js';
import { configurationId, hashConfigurationContent } from '../../dist/render/manifest/content-hash.js';

export const registryAddress = 'edgemltestacr.azurecr.io';
export const apiKeyEnv = 'DETECTOR_API_KEY';
export const apiKeyValue = 'api-key-Zq7xW2pL9mN4vB8c';

/** The deployment content edgeml would render; `${NAME}` marks secrets. */
export function makeContent({
  detectorImage = `${registryAddress}/wf/detector:1.0-aaaaaaaaaaaa-amd64`,
  threshold = 0.5,
  extraRoute = false,
} = {}) {
  const routes = { toCloud: { route: 'FROM /messages/modules/capture/outputs/* INTO $upstream', priority: 0, timeToLiveSecs: 7200 } };
  if (extraRoute) routes.all = { route: 'FROM /messages/* INTO $upstream', priority: 5, timeToLiveSecs: 7200 };
  return {
    modulesContent: {
      $edgeAgent: {
        'properties.desired': {
          schemaVersion: '1.1',
          runtime: {
            type: 'docker',
            settings: {
              minDockerVersion: 'v1.25',
              loggingOptions: '',
              registryCredentials: {
                edgemltestacr: {
                  username: '${EDGEML_REGISTRY_USERNAME}',
                  password: '${EDGEML_REGISTRY_PASSWORD}',
                  address: registryAddress,
                },
              },
            },
          },
          systemModules: {
            edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5', createOptions: '{}' } },
            edgeHub: {
              type: 'docker',
              status: 'running',
              restartPolicy: 'always',
              startupOrder: 0,
              settings: {
                image: 'mcr.microsoft.com/azureiotedge-hub:1.5',
                createOptions:
                  '{"HostConfig":{"PortBindings":{"443/tcp":[{"HostPort":"443"}],"5671/tcp":[{"HostPort":"5671"}],"8883/tcp":[{"HostPort":"8883"}]}}}',
              },
            },
          },
          modules: {
            detector: {
              version: '1.0',
              type: 'docker',
              status: 'running',
              restartPolicy: 'always',
              startupOrder: 1,
              settings: { image: detectorImage, createOptions: '{"ExposedPorts":{"80/tcp":{}}}' },
              env: { API_KEY: { value: '${' + apiKeyEnv + '}' }, LOG_LEVEL: { value: 'info' } },
            },
            capture: {
              version: '1.0',
              type: 'docker',
              status: 'running',
              restartPolicy: 'always',
              startupOrder: 2,
              settings: { image: `${registryAddress}/wf/capture:1.0-bbbbbbbbbbbb-amd64`, createOptions: '{}' },
            },
          },
        },
      },
      $edgeHub: { 'properties.desired': { schemaVersion: '1.1', routes, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } } },
      detector: { 'properties.desired': { threshold } },
    },
  };
}

export function makeAzure({ fleet = false, rg = 'edgeml-test-rg', hub = 'edgeml-test-hub', deviceCreate = true, armUrl } = {}) {
  return {
    subscription: undefined,
    resourceGroup: rg,
    location: 'westeurope',
    createResourceGroup: true,
    iotHub: { name: hub, sku: 'S1', units: 1, create: true },
    registry: { kind: 'create', name: 'edgemltestacr', sku: 'Basic', address: registryAddress },
    deployment: fleet
      ? {
          kind: 'fleet',
          id: 'wf-fleet',
          targetCondition: "tags.role='camera'",
          priority: 10,
          layered: false,
          labels: { app: 'wf' },
          metrics: {},
        }
      : { kind: 'device', deviceId: 'edge-1', create: deviceCreate },
    ...(armUrl ? { endpoints: { resourceManager: armUrl } } : {}),
  };
}

export function makeDesired(options = {}) {
  const content = makeContent(options);
  const azure = makeAzure(options);
  const desired = { workflow: 'wf', azure, platform: 'amd64', content, contentHash: hashConfigurationContent(content), images: [] };
  if (azure.deployment.kind === 'fleet') desired.configurationId = configurationId(azure.deployment.id, content);
  return desired;
}

const fastRetry = { baseDelayMs: 5, maxDelayMs: 20, maxTotalMs: 5000, attemptTimeoutMs: 5000 };

/** Real ARM and IoT Hub providers against the fixtures, sharing one request counter. */
export function makeProviders(az, azure) {
  const stats = createRequestStats();
  const arm = createArmProvider({
    subscriptionId: az.subscriptionId,
    endpoint: az.armUrl,
    authorityHost: az.authorityHost,
    stats,
    pollIntervalMs: 5,
    retry: fastRetry,
  });
  let hub;
  return {
    arm,
    stats,
    iotHub: () =>
      (hub ??= arm
        .getIotHubOwnerConnectionString(azure.resourceGroup, azure.iotHub.name)
        .then((connectionString) => createIotHubProvider({ connectionString, stats, retry: fastRetry }))),
  };
}

/** A progress sink that keeps every line (for "no secret in any log" checks). */
export function makeProgressLog() {
  const lines = [];
  return { lines, stream: { write: (t) => lines.push(t), isTTY: false } };
}

export function tempDir(prefix = 'edgeml-apply-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, state: join(dir, '.edgeml', 'state', 'wf.json'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes that change something: PUT/PATCH/DELETE and POSTs other than key reads and token requests. */
export function mutatingRequests(requests) {
  return requests.filter((r) => {
    if (r.method === 'GET' || r.method === 'HEAD') return false;
    if (r.method === 'POST' && /(listkeys|listcredentials|oauth2|token)/i.test(r.path)) return false;
    return true;
  });
}
