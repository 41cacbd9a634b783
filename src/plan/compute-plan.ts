// `edgeml plan` without the CLI: read the live state, resolve what secrets can be resolved for comparison, and
// build the Plan. Reads only (a created registry's credentials are read through ARM listCredentials). Plan stage.
import { CREATED_REGISTRY_PASSWORD_ENV, CREATED_REGISTRY_USERNAME_ENV } from '../render/manifest/secrets.js';
import { createPlan, type PlanResult } from './create-plan.js';
import type { DesiredDeployment } from './desired.js';
import { readLive, type LiveState, type Providers } from './live.js';
import { resolveContent, secretReferences } from './secrets.js';

type Env = Readonly<Record<string, string | undefined>>;

/** A created registry's admin credentials, when the content needs them, the registry exists and env lacks them. */
async function registryEnv(desired: DesiredDeployment, providers: Providers, live: LiveState, env: Env): Promise<Record<string, string>> {
  const registry = desired.azure.registry;
  if (registry.kind !== 'create' || !live.registry) return {};
  if (!secretReferences(desired.content).includes(CREATED_REGISTRY_PASSWORD_ENV)) return {};
  if (env[CREATED_REGISTRY_USERNAME_ENV] && env[CREATED_REGISTRY_PASSWORD_ENV]) return {};
  const credentials = await providers.arm.getRegistryCredentials(desired.azure.resourceGroup, registry.name);
  return { [CREATED_REGISTRY_USERNAME_ENV]: credentials.username, [CREATED_REGISTRY_PASSWORD_ENV]: credentials.password.reveal() };
}

/** `lastAppliedContentHash` (from the state) lets the plan tell drift from a changed spec. */
export async function computePlan(desired: DesiredDeployment, providers: Providers, env: Env, lastAppliedContentHash?: string): Promise<PlanResult & { live: LiveState }> {
  const live = await readLive(desired, providers);
  // Secrets that cannot be resolved stay as references and show as "(known after apply)".
  const resolved = resolveContent(desired.content, { env: { ...env, ...(await registryEnv(desired, providers, live, env)) } });
  return { ...createPlan(desired, resolved.content, live, lastAppliedContentHash), live };
}
