// `edgeml plan` without the CLI: read the live state, resolve what secrets can be resolved for comparison, and
// build the Plan. Reads only (a created registry's credentials are read through ARM listCredentials). Plan stage.
import { CREATED_REGISTRY_PASSWORD_ENV, CREATED_REGISTRY_USERNAME_ENV } from '../render/manifest/secrets.js';
import { createPlan, type PlanResult } from './create-plan.js';
import type { DesiredDeployment } from './desired.js';
import { readLive, type LiveState, type Providers } from './live.js';
import { resolveContent, secretReferences } from './secrets.js';
import type { Plan } from './types.js';
import { ProviderError } from '../providers/types.js';
import { planRollout } from '../rollout/plan-rings.js';

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

/**
 * `lastAppliedContentHash` (from the state) lets the plan tell drift from a changed spec. Apply asks without `reach`
 * (how many devices a fleet's condition matches now): it informs the reader and is no decision apply carries out.
 */
export async function computePlan(
  desired: DesiredDeployment,
  providers: Providers,
  env: Env,
  lastAppliedContentHash?: string,
  options: { reach?: boolean } = {},
): Promise<PlanResult & { live: LiveState }> {
  const live = await readLive(desired, providers);
  // Secrets that cannot be resolved stay as references and show as "(known after apply)".
  const resolved = resolveContent(desired.content, { env: { ...env, ...(await registryEnv(desired, providers, live, env)) } });
  const result = createPlan(desired, resolved.content, live, lastAppliedContentHash);
  const reach = options.reach === false ? undefined : await fleetReach(desired, providers, live);
  const target = desired.azure.deployment;
  const rollout =
    options.reach !== false && target.kind === 'fleet' && target.rollout && reach?.rejected === undefined
      ? await planRollout(target.rollout, target.targetCondition, live.hub ? await providers.iotHub() : undefined)
      : undefined;
  return { ...result, plan: { ...result.plan, ...(reach ? { reach } : {}), ...(rollout ? { rollout } : {}) }, live };
}

/** For a fleet: how many IoT Edge devices its target condition selects now (asked only when the hub exists). */
async function fleetReach(desired: DesiredDeployment, providers: Providers, live: LiveState): Promise<Plan['reach']> {
  const target = desired.azure.deployment;
  if (target.kind !== 'fleet') return undefined;
  const condition = target.targetCondition;
  if (!live.hub) return { condition };
  if (condition.trim() === '') return { condition, edgeDevices: 0 };
  try {
    return { condition, edgeDevices: await (await providers.iotHub()).countEdgeDevices(condition) };
  } catch (error) {
    // The hub answers 400 for a condition its query language cannot parse: a spec mistake, not an outage.
    if (error instanceof ProviderError && error.status === 400) return { condition, rejected: error.message };
    throw error;
  }
}
