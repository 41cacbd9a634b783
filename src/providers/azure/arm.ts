// ArmProvider on the real Azure SDKs: resource groups (@azure/arm-resources), IoT hubs (@azure/arm-iothub) and
// container registries (@azure/arm-containerregistry), signed in with DefaultAzureCredential. Apply stage.
// Import this module lazily (await import) so commands that never touch Azure never load the SDKs.
import { ResourceManagementClient } from '@azure/arm-resources';
import { IotHubClient } from '@azure/arm-iothub';
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import { DefaultAzureCredential } from '@azure/identity';
import type { TokenCredential } from '@azure/core-auth';
import {
  ProviderError,
  SecretValue,
  createRequestStats,
  type ArmProvider,
  type AzureArmOptions,
  type IotHubInfo,
  type IotHubSettings,
  type RegistryCredentials,
  type RegistryInfo,
  type RegistrySettings,
  type ResourceGroupInfo,
} from '../types.js';
import type { RetryClock } from '../retry.js';
import { createRedactor, isNotFound, toProviderError, type Redactor } from './errors.js';
import { installRetryAndCounting } from './arm-pipeline.js';

export const publicCloudEndpoint = 'https://management.azure.com';

/** How long to wait for a resource whose create answer was lost to finish provisioning (hubs take minutes). */
const adoptTimeoutMs = 15 * 60 * 1000;

/** AAD hosts MSAL knows; any other authority (Azure Stack, ADFS, a test server) must skip instance discovery. */
const knownAuthorityHosts = new Set([
  'login.microsoftonline.com',
  'login.chinacloudapi.cn',
  'login.microsoftonline.us',
  'login.partner.microsoftonline.cn',
]);

export interface ArmProviderOptions extends AzureArmOptions {
  /** Use this credential instead of DefaultAzureCredential (e.g. a pre-built one from the CLI). */
  credential?: TokenCredential;
  /** For tests of the retry policy. */
  clock?: RetryClock;
}

export function createDefaultCredential(authorityHost?: string): TokenCredential {
  const host = authorityHost ?? process.env.AZURE_AUTHORITY_HOST;
  const custom = host !== undefined && host !== '' && !knownAuthorityHosts.has(safeHostname(host));
  return new DefaultAzureCredential({ authorityHost: host || undefined, disableInstanceDiscovery: custom });
}

/** Creates an ArmProvider. No request is made until a method is called. */
export function createArmProvider(options: ArmProviderOptions): ArmProvider {
  if (!options.subscriptionId) {
    throw new ProviderError({
      code: 'SubscriptionMissing',
      message: 'No Azure subscription id: set azure.subscription or AZURE_SUBSCRIPTION_ID.',
      operation: 'arm.connect',
    });
  }
  const endpoint = (options.endpoint ?? publicCloudEndpoint).replace(/\/+$/, '');
  const credential = options.credential ?? createDefaultCredential(options.authorityHost);
  const stats = options.stats ?? createRequestStats();
  const redactor = createRedactor([process.env.AZURE_CLIENT_SECRET]);
  const clientOptions = { endpoint, credentialScopes: [`${endpoint}/.default`] };

  const resources = new ResourceManagementClient(credential, options.subscriptionId, { ...clientOptions, $host: endpoint });
  const iothub = new IotHubClient(credential, options.subscriptionId, { ...clientOptions, $host: endpoint });
  const acr = new ContainerRegistryManagementClient(credential, options.subscriptionId, {
    endpoint,
    credentials: { scopes: [`${endpoint}/.default`] },
  });
  for (const pipeline of [resources.pipeline, iothub.pipeline, acr.pipeline]) {
    installRetryAndCounting(pipeline, { stats, retry: options.retry, clock: options.clock });
  }
  const lro = options.pollIntervalMs !== undefined ? { updateIntervalInMs: options.pollIntervalMs } : {};

  /**
   * Runs a create. If the first PUT's answer was lost, the retried PUT meets our own operation still running and
   * gets 409: then wait for that resource to finish provisioning and adopt it, instead of failing the apply.
   */
  async function createOrAdopt<T>(
    create: () => Promise<T>,
    get: () => Promise<T | undefined>,
    stateOf: (r: T) => string | undefined,
    operation: string,
  ): Promise<T> {
    const retriesBefore = stats.retries;
    try {
      return await create();
    } catch (error) {
      const failure = toProviderError(error, operation, redactor);
      if (failure.status !== 409 || stats.retries === retriesBefore) throw failure;
      const deadline = Date.now() + adoptTimeoutMs;
      for (;;) {
        const found = await get();
        const state = found && stateOf(found);
        if (found && (state === undefined || state === 'Succeeded')) return found;
        if (!found || state === 'Failed' || state === 'Canceled' || Date.now() > deadline) throw failure;
        await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 5000));
      }
    }
  }

  const provider: ArmProvider = {
    stats,

    async getResourceGroup(name) {
      const group = await orUndefined(() => resources.resourceGroups.get(name), 'arm.getResourceGroup', redactor);
      return group && toResourceGroupInfo(group, false);
    },

    async ensureResourceGroup(name, location, tags = {}) {
      const existing = await provider.getResourceGroup(name);
      if (existing) return existing;
      const group = await call(
        () => resources.resourceGroups.createOrUpdate(name, { location, tags }),
        'arm.createResourceGroup',
        redactor,
      );
      return toResourceGroupInfo(group, true);
    },

    async deleteResourceGroup(name) {
      await ignoreNotFound(() => resources.resourceGroups.beginDeleteAndWait(name, lro), 'arm.deleteResourceGroup', redactor);
    },

    async getIotHub(resourceGroup, name) {
      const hub = await orUndefined(() => iothub.iotHubResource.get(resourceGroup, name), 'arm.getIotHub', redactor);
      return hub && toIotHubInfo(hub, false);
    },

    async ensureIotHub(resourceGroup, name, settings: IotHubSettings) {
      const existing = await provider.getIotHub(resourceGroup, name);
      if (existing) return existing;
      const description = {
        location: settings.location,
        sku: { name: settings.sku, capacity: settings.units },
        tags: settings.tags ?? {},
        properties: {},
      };
      const hub = await createOrAdopt(
        () => iothub.iotHubResource.beginCreateOrUpdateAndWait(resourceGroup, name, description, lro),
        () => orUndefined(() => iothub.iotHubResource.get(resourceGroup, name), 'arm.getIotHub', redactor),
        (found) => found.properties?.provisioningState,
        'arm.createIotHub',
      );
      return toIotHubInfo(hub, true);
    },

    async deleteIotHub(resourceGroup, name) {
      await ignoreNotFound(() => iothub.iotHubResource.beginDeleteAndWait(resourceGroup, name, lro), 'arm.deleteIotHub', redactor);
    },

    async getIotHubOwnerConnectionString(resourceGroup, name) {
      const operation = 'arm.getIotHubOwnerConnectionString';
      const hub = await provider.getIotHub(resourceGroup, name);
      if (!hub)
        throw new ProviderError({
          code: 'ResourceNotFound',
          status: 404,
          message: `${operation} failed: IoT hub '${name}' was not found in resource group '${resourceGroup}'.`,
          operation,
        });
      const rule = await call(() => iothub.iotHubResource.getKeysForKeyName(resourceGroup, name, 'iothubowner'), operation, redactor);
      if (!rule.primaryKey)
        throw new ProviderError({
          code: 'KeyNameNotFound',
          message: `${operation} failed: the 'iothubowner' policy of '${name}' has no key.`,
          operation,
        });
      redactor.add(rule.primaryKey);
      redactor.add(rule.secondaryKey);
      return new SecretValue(`HostName=${hub.hostName};SharedAccessKeyName=iothubowner;SharedAccessKey=${rule.primaryKey}`);
    },

    async getRegistry(resourceGroup, name) {
      const registry = await orUndefined(() => acr.registries.get(resourceGroup, name), 'arm.getRegistry', redactor);
      return registry && toRegistryInfo(registry, false);
    },

    async ensureRegistry(resourceGroup, name, settings: RegistrySettings) {
      const existing = await provider.getRegistry(resourceGroup, name);
      if (existing) return existing;
      const body = {
        location: settings.location,
        sku: { name: settings.sku },
        adminUserEnabled: settings.adminUserEnabled ?? true,
        tags: settings.tags ?? {},
      };
      const registry = await createOrAdopt(
        () => acr.registries.create(resourceGroup, name, body, lro).pollUntilDone(),
        () => orUndefined(() => acr.registries.get(resourceGroup, name), 'arm.getRegistry', redactor),
        (found) => found.provisioningState,
        'arm.createRegistry',
      );
      return toRegistryInfo(registry, true);
    },

    async deleteRegistry(resourceGroup, name) {
      await ignoreNotFound(() => acr.registries.delete(resourceGroup, name, lro).pollUntilDone(), 'arm.deleteRegistry', redactor);
    },

    async getRegistryCredentials(resourceGroup, name): Promise<RegistryCredentials> {
      const operation = 'arm.getRegistryCredentials';
      const result = await call(() => acr.registries.listCredentials(resourceGroup, name), operation, redactor);
      for (const p of result.passwords ?? []) redactor.add(p.value);
      const password = result.passwords?.find((p) => p.value)?.value;
      if (!result.username || !password) {
        throw new ProviderError({
          code: 'AdminUserDisabled',
          message: `${operation} failed: registry '${name}' has no admin credentials; enable its admin user.`,
          operation,
        });
      }
      return { username: result.username, password: new SecretValue(password) };
    },
  };
  return provider;
}

// ---------------------------------------------------------------------------------------------------------------

async function call<T>(run: () => Promise<T>, operation: string, redactor: Redactor): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toProviderError(error, operation, redactor);
  }
}

async function orUndefined<T>(run: () => Promise<T>, operation: string, redactor: Redactor): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw toProviderError(error, operation, redactor);
  }
}

async function ignoreNotFound(run: () => Promise<unknown>, operation: string, redactor: Redactor): Promise<void> {
  await orUndefined(run, operation, redactor);
}

function toResourceGroupInfo(
  group: { id?: string; name?: string; location: string; tags?: Record<string, string> },
  created: boolean,
): ResourceGroupInfo {
  return { id: group.id ?? '', name: group.name ?? '', location: group.location, tags: { ...(group.tags ?? {}) }, created };
}

function toIotHubInfo(
  hub: {
    id?: string;
    name?: string;
    location: string;
    tags?: Record<string, string>;
    sku: { name: string; capacity?: number };
    properties?: { hostName?: string };
  },
  created: boolean,
): IotHubInfo {
  return {
    id: hub.id ?? '',
    name: hub.name ?? '',
    location: hub.location,
    hostName: hub.properties?.hostName ?? '',
    sku: { name: hub.sku.name, capacity: hub.sku.capacity ?? 1 },
    tags: { ...(hub.tags ?? {}) },
    created,
  };
}

function toRegistryInfo(
  registry: {
    id?: string;
    name?: string;
    location: string;
    tags?: Record<string, string>;
    sku: { name: string };
    loginServer?: string;
    adminUserEnabled?: boolean;
  },
  created: boolean,
): RegistryInfo {
  return {
    id: registry.id ?? '',
    name: registry.name ?? '',
    location: registry.location,
    loginServer: registry.loginServer ?? '',
    sku: registry.sku.name,
    adminUserEnabled: registry.adminUserEnabled ?? false,
    tags: { ...(registry.tags ?? {}) },
    created,
  };
}

function safeHostname(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return url.toLowerCase();
  }
}
