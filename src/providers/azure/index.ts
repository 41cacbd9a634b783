// Builds the Azure providers for one workflow from its IR (subscription, endpoint overrides) and the environment.
// Apply stage. Import lazily: this pulls in the Azure SDKs.
import type { AzureIR } from '../../ir/types.js';
import { ProviderError, createRequestStats, type ArmProvider, type IotHubProvider, type RequestStats, type RetryOptions, type SecretValue } from '../types.js';
import { createArmProvider, publicCloudEndpoint } from './arm.js';
import { createIotHubProvider } from './iothub.js';

export { createArmProvider } from './arm.js';
export { createIotHubProvider } from './iothub.js';

export interface AzureConnection {
  subscriptionId: string;
  /** Resource Manager endpoint actually used. */
  endpoint: string;
  arm: ArmProvider;
  /** Connects to an IoT hub's service API; shares the request counter with `arm`. */
  iotHub(connectionString: SecretValue): IotHubProvider;
  stats: RequestStats;
}

export interface ConnectOptions {
  env?: NodeJS.ProcessEnv;
  retry?: RetryOptions;
  stats?: RequestStats;
  pollIntervalMs?: number;
}

/**
 * Subscription: `azure.subscription`, else AZURE_SUBSCRIPTION_ID. Endpoints: `azure.endpoints.resourceManager` /
 * `.authority`, else AZURE_RESOURCE_MANAGER_ENDPOINT / AZURE_AUTHORITY_HOST, else the public cloud.
 */
export function connectAzure(azure: AzureIR, options: ConnectOptions = {}): AzureConnection {
  const env = options.env ?? process.env;
  const subscriptionId = azure.subscription ?? env.AZURE_SUBSCRIPTION_ID;
  if (!subscriptionId) {
    throw new ProviderError({
      code: 'SubscriptionMissing',
      message: 'No Azure subscription: set azure.subscription in the spec or AZURE_SUBSCRIPTION_ID.',
      operation: 'azure.connect',
    });
  }
  const endpoint = azure.endpoints?.resourceManager ?? env.AZURE_RESOURCE_MANAGER_ENDPOINT ?? publicCloudEndpoint;
  const stats = options.stats ?? createRequestStats();
  const arm = createArmProvider({
    subscriptionId,
    endpoint,
    authorityHost: azure.endpoints?.authority ?? env.AZURE_AUTHORITY_HOST,
    retry: options.retry,
    stats,
    pollIntervalMs: options.pollIntervalMs,
  });
  return {
    subscriptionId,
    endpoint,
    arm,
    stats,
    iotHub: (connectionString) => createIotHubProvider({ connectionString, retry: options.retry, stats }),
  };
}
