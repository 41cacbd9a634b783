// Narrow provider interfaces used by plan/apply/status/destroy: Azure Resource Manager (resource group, IoT hub,
// container registry) and the IoT Hub service (edge devices, deployments, twins). Apply stage.
// Providers return plain data and throw ProviderError; they never render and never log secret values.

// ---------------------------------------------------------------------------------------------------------------
// Secrets and errors

/**
 * A secret value read from Azure (hub connection string, registry password). Printing, JSON-serialising or
 * `util.inspect`-ing it shows `(sensitive)`; only `reveal()` gives the value, to hand it straight to an SDK or a
 * child process environment.
 */
export class SecretValue {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '(sensitive)';
  }
  toJSON(): string {
    return '(sensitive)';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'SecretValue((sensitive))';
  }
}

/**
 * The one error type providers throw. `code` is Azure's error code when Azure gave one (e.g. 'DeviceNotFound',
 * 'ConfigurationAlreadyExists', 'ResourceGroupNotFound', 'IotHubUnauthorizedAccess'), a sign-in failure's name
 * ('AuthenticationError', 'CredentialUnavailableError'), or a local one: for socket errors 'ConnectionReset',
 * 'ConnectionRefused', 'Timeout', 'HostNotFound', 'NetworkUnreachable', 'TlsCertificateInvalid'; for a bare HTTP
 * status e.g. 'ServiceUnavailable'; else 'Unknown'. The message never contains keys, tokens or passwords.
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  /** Azure's error code, or a local code when the service gave none. */
  readonly code: string;
  /** HTTP status, when there was a response. */
  readonly status: number | undefined;
  /** True when the same request may succeed later (429, 5xx, connection reset, timeout). */
  readonly retryable: boolean;
  /** What was being done, e.g. 'iothub.createConfiguration'. */
  readonly operation: string;

  constructor(init: { code: string; status?: number; message: string; retryable?: boolean; operation: string }) {
    super(init.message);
    this.code = init.code;
    this.status = init.status;
    this.retryable = init.retryable ?? false;
    this.operation = init.operation;
  }
}

export function isProviderError(value: unknown, code?: string): value is ProviderError {
  return value instanceof ProviderError && (code === undefined || value.code === code);
}

// ---------------------------------------------------------------------------------------------------------------
// Request counting (for the benchmark and for "a second ensure makes zero writes")

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE' | 'HEAD';

/** Counts REST calls a provider made, including retries and long-running-operation polls. */
export interface RequestStats {
  readonly total: number;
  readonly byMethod: Readonly<Partial<Record<HttpMethod, number>>>;
  /** Number of PUT/POST/PATCH/DELETE calls. */
  readonly writes: number;
  /** Number of retried attempts (a request counted again). */
  readonly retries: number;
  record(method: string): void;
  recordRetry(): void;
  reset(): void;
}

const writeMethods = new Set(['PUT', 'POST', 'PATCH', 'DELETE']);

export function createRequestStats(): RequestStats {
  let byMethod: Partial<Record<HttpMethod, number>> = {};
  let retries = 0;
  return {
    get total() {
      return Object.values(byMethod).reduce((n, c) => n + (c ?? 0), 0);
    },
    get byMethod() {
      return { ...byMethod };
    },
    get writes() {
      return Object.entries(byMethod).reduce((n, [m, c]) => n + (writeMethods.has(m) ? (c ?? 0) : 0), 0);
    },
    get retries() {
      return retries;
    },
    record(method: string) {
      const key = method.toUpperCase() as HttpMethod;
      byMethod[key] = (byMethod[key] ?? 0) + 1;
    },
    recordRetry() {
      retries += 1;
    },
    reset() {
      byMethod = {};
      retries = 0;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Retry policy (implemented in providers/retry.ts)

export interface RetryOptions {
  /** Attempts in total, including the first. Default 5. */
  maxAttempts?: number;
  /** First backoff delay in ms; doubles each attempt (with full jitter). Default 500. */
  baseDelayMs?: number;
  /** Largest single delay in ms (also caps an honoured Retry-After). Default 30 000. */
  maxDelayMs?: number;
  /** Give up when the next wait would end after this much time since the first attempt. Default 120 000. */
  maxTotalMs?: number;
  /** Per-attempt timeout in ms for the IoT Hub service calls. Default 60 000. */
  attemptTimeoutMs?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Azure Resource Manager

/** Connection settings shared by the Azure providers. */
export interface AzureArmOptions {
  subscriptionId: string;
  /** Resource Manager endpoint, e.g. 'https://management.chinacloudapi.cn' or a test server. Default public cloud. */
  endpoint?: string;
  /** AAD authority host for DefaultAzureCredential (also read from AZURE_AUTHORITY_HOST). */
  authorityHost?: string;
  retry?: RetryOptions;
  stats?: RequestStats;
  /** Long-running-operation poll interval in ms (tests use a few ms). Default: what Azure's Retry-After says. */
  pollIntervalMs?: number;
}

export interface ResourceGroupInfo {
  id: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  /** True when this call created it. */
  created: boolean;
}

export interface IotHubInfo {
  id: string;
  name: string;
  location: string;
  /** e.g. 'myhub.azure-devices.net' */
  hostName: string;
  sku: { name: string; capacity: number };
  tags: Record<string, string>;
  created: boolean;
}

export interface IotHubSettings {
  location: string;
  /** 'F1' | 'B1' | 'S1' | … */
  sku: string;
  units: number;
  tags?: Record<string, string>;
}

export interface RegistryInfo {
  id: string;
  name: string;
  location: string;
  /** e.g. 'myacr.azurecr.io' */
  loginServer: string;
  sku: string;
  adminUserEnabled: boolean;
  tags: Record<string, string>;
  created: boolean;
}

export interface RegistrySettings {
  location: string;
  sku: 'Basic' | 'Standard' | 'Premium';
  /** Admin user credentials are what IoT Edge devices pull with. Default true. */
  adminUserEnabled?: boolean;
  tags?: Record<string, string>;
}

export interface RegistryCredentials {
  username: string;
  password: SecretValue;
}

/**
 * Resource Manager operations. `get*` returns undefined when the resource (or its group) does not exist.
 * `ensure*` creates what is missing and returns the existing resource unchanged otherwise (no write), with
 * `created` telling which. `delete*` waits for completion and succeeds if the resource is already gone.
 */
export interface ArmProvider {
  readonly stats: RequestStats;

  getResourceGroup(name: string): Promise<ResourceGroupInfo | undefined>;
  ensureResourceGroup(name: string, location: string, tags?: Record<string, string>): Promise<ResourceGroupInfo>;
  deleteResourceGroup(name: string): Promise<void>;

  getIotHub(resourceGroup: string, name: string): Promise<IotHubInfo | undefined>;
  ensureIotHub(resourceGroup: string, name: string, settings: IotHubSettings): Promise<IotHubInfo>;
  deleteIotHub(resourceGroup: string, name: string): Promise<void>;
  /** The `iothubowner` policy's connection string. Throws ProviderError('KeyNameNotFound') when the policy is missing. */
  getIotHubOwnerConnectionString(resourceGroup: string, name: string): Promise<SecretValue>;

  getRegistry(resourceGroup: string, name: string): Promise<RegistryInfo | undefined>;
  ensureRegistry(resourceGroup: string, name: string, settings: RegistrySettings): Promise<RegistryInfo>;
  deleteRegistry(resourceGroup: string, name: string): Promise<void>;
  /** Admin user name and first password. Throws ProviderError('AdminUserDisabled') when the admin user is off. */
  getRegistryCredentials(resourceGroup: string, name: string): Promise<RegistryCredentials>;
}

// ---------------------------------------------------------------------------------------------------------------
// IoT Hub service

export interface IotHubOptions {
  /** `HostName=…;SharedAccessKeyName=…;SharedAccessKey=…` */
  connectionString: SecretValue;
  retry?: RetryOptions;
  stats?: RequestStats;
}

export interface DeviceInfo {
  deviceId: string;
  /** True for an IoT Edge device (capabilities.iotEdge). */
  edge: boolean;
  status: 'enabled' | 'disabled';
  etag: string;
  /** 'sas' | 'selfSigned' | 'certificateAuthority' | 'none' */
  authentication: string;
}

export type TwinProperties = Record<string, unknown> & { $version?: number };

export interface DeviceTwin {
  deviceId: string;
  etag: string;
  tags: Record<string, unknown>;
  desired: TwinProperties;
  reported: TwinProperties;
}

export interface ModuleTwin {
  deviceId: string;
  moduleId: string;
  etag: string;
  /** Desired properties including `$version`. */
  desired: TwinProperties;
  /** Reported properties including `$version`. */
  reported: TwinProperties;
}

/** One row of a twin query: a device twin, or a module twin when the query reads `devices.modules`. */
export interface QueriedTwin {
  deviceId: string;
  /** Set for module twins. */
  moduleId?: string;
  etag: string;
  tags: Record<string, unknown>;
  desired: TwinProperties;
  reported: TwinProperties;
  /** At-scale deployment status per configuration id, e.g. { 'app-1f3a': { status: 'Applied' } }. */
  configurations: Record<string, { status: string }>;
}

/** `{ modulesContent: { $edgeAgent: { 'properties.desired': … }, $edgeHub: …, <module>: … } }` */
export interface ConfigurationContent {
  modulesContent?: Record<string, Record<string, unknown>>;
  deviceContent?: Record<string, unknown>;
}

/** What edgeml sends to create an at-scale or layered deployment. Id lowercase; content immutable once created. */
export interface ConfigurationSpec {
  id: string;
  content: ConfigurationContent;
  targetCondition: string;
  priority: number;
  labels?: Record<string, string>;
  /** Custom metric queries by name (at most 5). */
  metrics?: Record<string, string>;
}

export interface ConfigurationInfo {
  id: string;
  schemaVersion: string;
  content: ConfigurationContent;
  targetCondition: string;
  priority: number;
  labels: Record<string, string>;
  metricQueries: Record<string, string>;
  metricResults: Record<string, number>;
  /** targetedCount, appliedCount, reportedSuccessfulCount, reportedFailedCount. */
  systemMetrics: Record<string, number>;
  createdTimeUtc: string;
  lastUpdatedTimeUtc: string;
  etag: string;
}

/** The mutable parts of a configuration (Azure refuses changes to id and content). */
export interface ConfigurationUpdate {
  targetCondition?: string;
  priority?: number;
  labels?: Record<string, string>;
  metrics?: Record<string, string>;
}

/**
 * IoT Hub service operations (registry, deployments, twins). `get*` returns undefined for a missing device,
 * module or configuration; other calls throw ProviderError with Azure's code (e.g. 'DeviceNotFound').
 */
export interface IotHubProvider {
  readonly stats: RequestStats;
  /** e.g. 'myhub.azure-devices.net' (not secret). */
  readonly hostName: string;

  getDevice(deviceId: string): Promise<DeviceInfo | undefined>;
  /** Creates an IoT Edge device with SAS keys; throws ProviderError('DeviceAlreadyExists') if it exists. */
  createEdgeDevice(deviceId: string): Promise<DeviceInfo>;
  /** Deletes the device; succeeds if it is already gone. */
  deleteDevice(deviceId: string): Promise<void>;
  /** The device's primary-key connection string (for the device's config.toml). */
  getDeviceConnectionString(deviceId: string): Promise<SecretValue>;

  getDeviceTwin(deviceId: string): Promise<DeviceTwin | undefined>;
  /** Merges tags into the device twin (used to target fleets). */
  updateDeviceTags(deviceId: string, tags: Record<string, unknown>): Promise<DeviceTwin>;
  getModuleTwin(deviceId: string, moduleId: string): Promise<ModuleTwin | undefined>;

  /**
   * Runs an IoT Hub query and returns every page, e.g. the $edgeAgent twins a fleet deployment was applied to:
   * `SELECT * FROM devices.modules WHERE moduleId = '$edgeAgent' AND configurations.[[id]].status = 'Applied'`.
   */
  queryTwins(query: string, pageSize?: number): Promise<QueriedTwin[]>;

  /**
   * How many IoT Edge devices a deployment's target condition matches now (what the hub reports as targeted once
   * the deployment exists): `SELECT COUNT() FROM devices WHERE capabilities.iotEdge = true AND (<condition>)`.
   */
  countEdgeDevices(targetCondition: string): Promise<number>;

  /** Sets the whole deployment of one edge device (what `az iot edge set-modules` does). */
  applyContentOnDevice(deviceId: string, content: ConfigurationContent): Promise<void>;

  listConfigurations(): Promise<ConfigurationInfo[]>;
  getConfiguration(id: string): Promise<ConfigurationInfo | undefined>;
  /** Creates a new configuration; throws ProviderError('ConfigurationAlreadyExists') when the id is taken. */
  createConfiguration(spec: ConfigurationSpec): Promise<ConfigurationInfo>;
  /** Changes priority / target / labels / metrics of an existing configuration, guarded by its etag. */
  updateConfiguration(id: string, etag: string, update: ConfigurationUpdate): Promise<ConfigurationInfo>;
  /** Deletes a configuration (with If-Match when etag is given); succeeds if it is already gone. */
  deleteConfiguration(id: string, etag?: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Azure ML model registry (download of registered model versions; implemented in providers/azure/ml.ts)

/** The workspace a model is registered in. */
export interface MlWorkspaceRef {
  resourceGroup: string;
  workspace: string;
}

export interface MlModelVersionInfo {
  /** ARM id of the model version. */
  id: string;
  name: string;
  version: string;
  /** Where the model's files are, e.g. `azureml://subscriptions/…/datastores/workspaceblobstore/paths/LocalUpload/…/model.onnx`. */
  modelUri: string;
  /** e.g. 'custom_model', 'mlflow_model'. */
  modelType?: string;
}

export interface MlDownloadResult {
  sizeBytes: number;
  sha256: string;
  /** The blob that was read, as `<account>/<container>/<path>` (no query string, no key). */
  blob: string;
}

export interface MlProviderOptions extends AzureArmOptions {
  /**
   * Base URL for the storage account instead of `https://<account>.blob.<endpoint suffix>`, e.g. a test server or a
   * private endpoint. The account name is appended as the first path segment (path-style, as Azurite does).
   */
  storageEndpoint?: string;
}

/**
 * Azure ML model versions through Azure Resource Manager, and their files through the workspace datastore.
 * Throws ProviderError with Azure's code, or 'ModelNotFound' (404 on the version), 'ModelFileNotFound' (the version
 * has no such file), 'DatastoreNotSupported' (not an Azure Blob datastore, or credentials edgeml cannot use).
 */
export interface MlModelProvider {
  readonly stats: RequestStats;
  getModelVersion(workspace: MlWorkspaceRef, name: string, version: string | number): Promise<MlModelVersionInfo>;
  /**
   * Streams `file` of the model version (the blob itself when the model is one file with that name, else
   * `<folder>/<file>`) into `destination`, creating or replacing it. The caller moves it into place.
   */
  download(workspace: MlWorkspaceRef, model: MlModelVersionInfo, file: string, destination: string): Promise<MlDownloadResult>;
}
