// Opens the Azure providers for a workflow's Azure settings: ARM on DefaultAzureCredential, and the IoT Hub service
// with the hub's iothubowner connection string (from EDGEML_IOTHUB_CONNECTION_STRING, else fetched through ARM).
// The SDK modules are imported only here, lazily, so commands that never reach Azure never load them. Apply stage.
import type { AzureIR } from '../ir/types.js';
import type { Providers } from '../plan/live.js';
import { SecretValue, createRequestStats, type IotHubProvider, type RequestStats } from '../providers/types.js';
import { applyError } from './errors.js';

/** Overrides the hub owner connection string (e.g. when the caller may not list the hub's keys). */
export const HUB_CONNECTION_STRING_ENV = 'EDGEML_IOTHUB_CONNECTION_STRING';

export interface AzureProviderOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** One counter for ARM and IoT Hub calls (the benchmark reads it). */
  stats?: RequestStats;
  /** Long-running-operation poll interval, for tests. */
  pollIntervalMs?: number;
}

export interface AzureProviders extends Providers {
  stats: RequestStats;
}

export async function createAzureProviders(azure: AzureIR, options: AzureProviderOptions): Promise<AzureProviders> {
  const subscriptionId = azure.subscription ?? options.env.AZURE_SUBSCRIPTION_ID;
  if (!subscriptionId) throw applyError('subscriptionMissing', undefined);
  const stats = options.stats ?? createRequestStats();
  const { createArmProvider } = await import('../providers/azure/arm.js');
  const arm = createArmProvider({
    subscriptionId,
    endpoint: azure.endpoints?.resourceManager,
    authorityHost: azure.endpoints?.authority ?? options.env.AZURE_AUTHORITY_HOST,
    stats,
    pollIntervalMs: options.pollIntervalMs,
  });
  let hub: Promise<IotHubProvider> | undefined;
  async function openHub(): Promise<IotHubProvider> {
    const given = options.env[HUB_CONNECTION_STRING_ENV];
    const connectionString = given
      ? new SecretValue(given)
      : await arm.getIotHubOwnerConnectionString(azure.resourceGroup, azure.iotHub.name);
    const { createIotHubProvider } = await import('../providers/azure/iothub.js');
    return createIotHubProvider({ connectionString, stats });
  }
  return {
    arm,
    stats,
    iotHub: () => (hub ??= openHub()),
  };
}
