// IotHubProvider on the real IoT Hub service SDK (azure-iothub Registry): edge device identities, deployments on
// one device (applyConfigurationContent), at-scale/layered configurations, device and module twins. Apply stage.
// Every call goes through providers/retry.ts and is counted; the owner key never appears in errors or logs.
import https from 'node:https';
import type { Socket } from 'node:net';
import iothub from 'azure-iothub';
import type { Registry as RegistryType, Configuration } from 'azure-iothub';
import {
  ProviderError,
  SecretValue,
  createRequestStats,
  type ConfigurationInfo,
  type ConfigurationSpec,
  type ConfigurationUpdate,
  type DeviceInfo,
  type DeviceTwin,
  type IotHubOptions,
  type IotHubProvider,
  type ModuleTwin,
  type QueriedTwin,
  type RequestStats,
} from '../types.js';
import {
  defaultRetryOptions,
  isRetryableStatus,
  isTransientNetworkError,
  parseRetryAfter,
  withRetry,
  withTimeout,
  type RetryClock,
} from '../retry.js';
import { createRedactor, statusOf, toProviderError, type Redactor } from './errors.js';

const { Registry, ConnectionString } = iothub;

/** What edgeml writes as a configuration's schemaVersion (what `az iot edge deployment create` sends). */
const configurationSchemaVersion = '2.0';

export interface IotHubProviderOptions extends IotHubOptions {
  /** For tests of the retry policy. */
  clock?: RetryClock;
}

interface SdkError {
  response?: { statusCode?: number; headers?: Record<string, string | string[] | undefined> };
}

/**
 * The SDK's private REST client. Used to send If-Match on configuration delete (Registry cannot) and to give its
 * HTTP layer our agent (Http.setOptions reads `http.agent`).
 */
interface RestApiClientLike {
  executeApiCall(method: string, path: string, headers: Record<string, string> | null, body: unknown, done: (err?: Error) => void): void;
  setOptions?(options: { http: { agent: https.Agent } }): void;
}

/**
 * Keep-alive HTTPS agent whose sockets are destroyed after `idleMs` without data. azure-iothub offers no request
 * timeout, and an abandoned request on a hung connection would keep the CLI process alive.
 */
class IdleTimeoutAgent extends https.Agent {
  constructor(private readonly idleMs: number) {
    super({ keepAlive: true });
  }
  override createConnection(...args: Parameters<https.Agent['createConnection']>): ReturnType<https.Agent['createConnection']> {
    const socket = super.createConnection(...args) as Socket | undefined;
    socket?.setTimeout(this.idleMs, () => {
      socket.destroy(Object.assign(new Error(`No data from the IoT hub for ${this.idleMs} ms.`), { code: 'ETIMEDOUT' }));
    });
    return socket;
  }
}

export function createIotHubProvider(options: IotHubProviderOptions): IotHubProvider {
  const secret = options.connectionString.reveal();
  const parsed = parseConnectionString(secret);
  const redactor = createRedactor([parsed.SharedAccessKey]);
  const stats: RequestStats = options.stats ?? createRequestStats();
  let registry: RegistryType;
  try {
    registry = Registry.fromConnectionString(secret);
  } catch (error) {
    throw toProviderError(error, 'iothub.connect', redactor);
  }
  const hostName = parsed.HostName;
  // cast: the SDK keeps its REST client private and declares no type for it; we only hook its pipeline.
  const restClient = (registry as unknown as { _restApiClient?: RestApiClientLike })._restApiClient;
  restClient?.setOptions?.({
    http: { agent: new IdleTimeoutAgent(options.retry?.attemptTimeoutMs ?? defaultRetryOptions.attemptTimeoutMs) },
  });
  const send = createSender(stats, redactor, options);

  async function getOrUndefined<T>(operation: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await send(operation, 'GET', run);
    } catch (error) {
      if ((error as ProviderError).status === 404) return undefined;
      throw error;
    }
  }

  const provider: IotHubProvider = {
    stats,
    hostName,

    async getDevice(deviceId) {
      const result = await getOrUndefined('iothub.getDevice', () => registry.get(deviceId));
      return result && toDeviceInfo(result.responseBody);
    },

    async createEdgeDevice(deviceId) {
      const description = { deviceId, status: 'enabled' as const, capabilities: { iotEdge: true } };
      try {
        const result = await send('iothub.createEdgeDevice', 'PUT', () => registry.create(description));
        return toDeviceInfo(result.responseBody);
      } catch (error) {
        // A reset after the hub created the device makes the retry see 409: that device is ours if it is an edge device.
        if (isRetriedConflict(error)) {
          const existing = await provider.getDevice(deviceId);
          if (existing?.edge) return existing;
        }
        throw error;
      }
    },

    async deleteDevice(deviceId) {
      await getOrUndefinedWrite('iothub.deleteDevice', 'DELETE', () => registry.delete(deviceId));
    },

    async getDeviceConnectionString(deviceId) {
      const result = await send('iothub.getDevice', 'GET', () => registry.get(deviceId));
      const key = (result.responseBody as { authentication?: { symmetricKey?: { primaryKey?: string } } }).authentication?.symmetricKey
        ?.primaryKey;
      if (!key) {
        throw new ProviderError({
          code: 'NoSymmetricKey',
          message: `iothub.getDeviceConnectionString failed: device '${deviceId}' has no symmetric key.`,
          operation: 'iothub.getDeviceConnectionString',
        });
      }
      redactor.add(key);
      return new SecretValue(`HostName=${hostName};DeviceId=${deviceId};SharedAccessKey=${key}`);
    },

    async getDeviceTwin(deviceId) {
      const result = await getOrUndefined('iothub.getDeviceTwin', () => registry.getTwin(deviceId));
      return result && toDeviceTwin(deviceId, result.responseBody);
    },

    async updateDeviceTags(deviceId, tags) {
      const current = await send('iothub.getDeviceTwin', 'GET', () => registry.getTwin(deviceId));
      const etag = (current.responseBody as { etag?: string }).etag ?? '*';
      const result = await send('iothub.updateDeviceTags', 'PATCH', () => registry.updateTwin(deviceId, { tags }, etag));
      return toDeviceTwin(deviceId, result.responseBody);
    },

    async getModuleTwin(deviceId, moduleId) {
      const result = await getOrUndefined('iothub.getModuleTwin', () => registry.getModuleTwin(deviceId, moduleId));
      return result && toModuleTwin(deviceId, moduleId, result.responseBody);
    },

    async queryTwins(sql, pageSize = 100) {
      const query = registry.createQuery(sql, pageSize);
      const rows: QueriedTwin[] = [];
      // Each page is one request; a retried page resends the same continuation token.
      for (let token: string | undefined; ; ) {
        const page = await send('iothub.queryTwins', 'POST', () => query.next(token as string));
        rows.push(...((page.result ?? []) as unknown[]).map(toQueriedTwin));
        token = query.continuationToken ?? undefined;
        if (!query.hasMoreResults || !token) return rows;
      }
    },

    async countEdgeDevices(targetCondition) {
      const query = registry.createQuery(edgeDeviceCountQuery(targetCondition), 1);
      const page = await send('iothub.countEdgeDevices', 'POST', () => query.next());
      const row = ((page.result ?? []) as { devices?: unknown }[])[0];
      return typeof row?.devices === 'number' ? row.devices : 0;
    },

    async applyContentOnDevice(deviceId, content) {
      await send('iothub.applyContentOnDevice', 'POST', () => registry.applyConfigurationContentOnDevice(deviceId, content));
    },

    async listConfigurations() {
      const result = await send('iothub.listConfigurations', 'GET', () => registry.getConfigurations());
      return (result.responseBody ?? []).map(toConfigurationInfo);
    },

    async getConfiguration(id) {
      const result = await getOrUndefined('iothub.getConfiguration', () => registry.getConfiguration(id));
      return result && toConfigurationInfo(result.responseBody);
    },

    async createConfiguration(spec: ConfigurationSpec) {
      const body: Configuration = {
        id: spec.id,
        schemaVersion: configurationSchemaVersion,
        labels: spec.labels ?? {},
        content: spec.content as Configuration['content'],
        targetCondition: spec.targetCondition,
        priority: spec.priority,
        metrics: { queries: spec.metrics ?? {} },
      };
      try {
        const result = await send('iothub.createConfiguration', 'PUT', () => registry.addConfiguration(body));
        return toConfigurationInfo(result.responseBody as Configuration);
      } catch (error) {
        // Same reasoning as createEdgeDevice: after a retried create, an identical existing configuration is ours.
        if (isRetriedConflict(error)) {
          const existing = await provider.getConfiguration(spec.id);
          if (existing && stableStringify(existing.content) === stableStringify(spec.content)) return existing;
        }
        throw error;
      }
    },

    async updateConfiguration(id, etag, update: ConfigurationUpdate) {
      const current = await send('iothub.getConfiguration', 'GET', () => registry.getConfiguration(id));
      const existing = current.responseBody;
      const next: Configuration = {
        ...existing,
        etag,
        targetCondition: update.targetCondition ?? existing.targetCondition,
        priority: update.priority ?? existing.priority,
        labels: update.labels ?? existing.labels,
        metrics: update.metrics ? { queries: update.metrics } : existing.metrics,
      };
      const result = await send('iothub.updateConfiguration', 'PUT', () => registry.updateConfiguration(next));
      return toConfigurationInfo(result.responseBody as Configuration);
    },

    async deleteConfiguration(id, etag) {
      const client = restClient;
      if (etag === undefined || !client) {
        await getOrUndefinedWrite('iothub.deleteConfiguration', 'DELETE', () => registry.removeConfiguration(id));
        return;
      }
      const path = `/configurations/${encodeURIComponent(id)}${iothub.versionQueryString()}`;
      const ifMatch = etag.startsWith('"') ? etag : `"${etag}"`;
      await getOrUndefinedWrite(
        'iothub.deleteConfiguration',
        'DELETE',
        () =>
          new Promise<void>((resolve, reject) =>
            client.executeApiCall('DELETE', path, { 'If-Match': ifMatch }, null, (err) => (err ? reject(err) : resolve())),
          ),
      );
    },
  };

  async function getOrUndefinedWrite(operation: string, method: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await send(operation, method, run);
    } catch (error) {
      if ((error as ProviderError).status !== 404) throw error;
    }
  }

  return provider;
}

// ---------------------------------------------------------------------------------------------------------------

type Sender = <T>(operation: string, method: string, run: () => Promise<T>) => Promise<T>;

/** One REST call: counted per attempt, retried on throttling / server errors / resets, errors made safe. */
function createSender(stats: RequestStats, redactor: Redactor, options: IotHubProviderOptions): Sender {
  const timeoutMs = options.retry?.attemptTimeoutMs ?? defaultRetryOptions.attemptTimeoutMs;
  return async (operation, method, run) => {
    let attempts = 0;
    try {
      return await withRetry(
        () => {
          attempts += 1;
          stats.record(method);
          return withTimeout(run(), timeoutMs);
        },
        {
          options: options.retry,
          clock: options.clock,
          classify(outcome) {
            if (outcome.ok) return { retry: false };
            const status = statusOf(outcome.error);
            if (status === undefined) return { retry: isTransientNetworkError(outcome.error) };
            if (!isRetryableStatus(status)) return { retry: false };
            const headers = (outcome.error as SdkError).response?.headers ?? {};
            return { retry: true, retryAfterMs: parseRetryAfter((name) => headerValue(headers[name])) };
          },
          onRetry: () => stats.recordRetry(),
        },
      );
    } catch (error) {
      const providerError = toProviderError(error, operation, redactor);
      attemptsBehind.set(providerError, attempts);
      throw providerError;
    }
  };
}

// How many attempts a failed call made: a 409 after more than one attempt may be our own earlier attempt's success.
const attemptsBehind = new WeakMap<ProviderError, number>();

function isRetriedConflict(error: unknown): boolean {
  return error instanceof ProviderError && error.status === 409 && (attemptsBehind.get(error) ?? 0) > 1;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseConnectionString(value: string): { HostName: string; SharedAccessKeyName?: string; SharedAccessKey?: string } {
  try {
    const cs = ConnectionString.parse(value);
    if (!cs.HostName) throw new Error('Missing HostName');
    return { HostName: cs.HostName, SharedAccessKeyName: cs.SharedAccessKeyName, SharedAccessKey: cs.SharedAccessKey };
  } catch (error) {
    // The parser's message can quote the string; report only which field is missing.
    const field = /Missing '?([A-Za-z]+)'?/i.exec(String((error as Error).message))?.[1];
    throw new ProviderError({
      code: 'InvalidConnectionString',
      message: `iothub.connect failed: the IoT Hub connection string is not valid${field ? ` (no ${field})` : ''}.`,
      operation: 'iothub.connect',
    });
  }
}

function toDeviceInfo(device: unknown): DeviceInfo {
  const d = device as {
    deviceId: string;
    capabilities?: { iotEdge?: boolean };
    status?: string;
    etag?: string;
    authentication?: { type?: string };
  };
  return {
    deviceId: d.deviceId,
    edge: d.capabilities?.iotEdge === true,
    status: d.status === 'disabled' ? 'disabled' : 'enabled',
    etag: d.etag ?? '',
    authentication: d.authentication?.type ?? 'sas',
  };
}

/** azure-iothub returns Twin class instances that reference the registry: copy out plain data only. */
function plain<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function toDeviceTwin(deviceId: string, twin: unknown): DeviceTwin {
  const t = twin as {
    etag?: string;
    tags?: Record<string, unknown>;
    properties?: { desired?: Record<string, unknown>; reported?: Record<string, unknown> };
  };
  return {
    deviceId,
    etag: t.etag ?? '',
    tags: plain(t.tags ?? {}),
    desired: plain(t.properties?.desired ?? {}),
    reported: plain(t.properties?.reported ?? {}),
  };
}

function toModuleTwin(deviceId: string, moduleId: string, twin: unknown): ModuleTwin {
  const t = toDeviceTwin(deviceId, twin);
  return { deviceId, moduleId, etag: t.etag, desired: t.desired, reported: t.reported };
}

function toQueriedTwin(row: unknown): QueriedTwin {
  const r = row as { deviceId: string; moduleId?: string; configurations?: Record<string, { status: string }> };
  const twin = toDeviceTwin(r.deviceId, row);
  return { ...twin, ...(r.moduleId ? { moduleId: r.moduleId } : {}), configurations: plain(r.configurations ?? {}) };
}

function toConfigurationInfo(config: Configuration): ConfigurationInfo {
  return {
    id: config.id,
    schemaVersion: config.schemaVersion,
    content: plain(config.content ?? {}) as ConfigurationInfo['content'],
    targetCondition: config.targetCondition ?? '',
    priority: config.priority ?? 0,
    labels: { ...(config.labels ?? {}) },
    metricQueries: { ...(config.metrics?.queries ?? {}) },
    metricResults: { ...(config.metrics?.results ?? {}) },
    systemMetrics: { ...(config.systemMetrics?.results ?? {}) },
    createdTimeUtc: config.createdTimeUtc ?? '',
    lastUpdatedTimeUtc: config.lastUpdatedTimeUtc ?? '',
    etag: config.etag ?? '',
  };
}

/** JSON with sorted keys, to compare configuration content regardless of key order. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The IoT Hub query counting the IoT Edge devices a target condition selects (an empty condition selects none). */
export function edgeDeviceCountQuery(targetCondition: string): string {
  return `SELECT COUNT() AS devices FROM devices WHERE capabilities.iotEdge = true AND (${targetCondition})`;
}
