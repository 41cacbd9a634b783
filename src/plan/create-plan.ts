// Builds the typed Plan from the desired deployment and the live state: resources to create, the configuration
// swap for fleets, and the module / route / settings diff. Plan stage; pure.
import type { DeploymentTargetIR } from '../ir/types.js';
import type { ConfigurationContent, ConfigurationInfo, ConfigurationUpdate } from '../providers/types.js';
import { stableJsonMinified as stableJson } from '../render/stable-json.js';
import { configurationId } from '../render/manifest/content-hash.js';
import { modelFromContent } from './deployment-model.js';
import type { DesiredDeployment } from './desired.js';
import { diffDeployment } from './diff.js';
import { managedRegistryName, type LiveState } from './live.js';
import type { Plan, ResourceChange } from './types.js';

/** A resource the spec needs but must not create; plan and apply stop on these. */
export interface MissingResource {
  kind: 'resource group' | 'IoT hub' | 'edge device';
  name: string;
}

export interface PlanResult {
  plan: Plan;
  missing: MissingResource[];
}

function resourceChanges(desired: DesiredDeployment, live: LiveState, missing: MissingResource[]): ResourceChange[] {
  const { azure } = desired;
  const changes: ResourceChange[] = [];
  if (!live.resourceGroup) {
    if (azure.createResourceGroup) changes.push({ kind: 'resource-group', name: azure.resourceGroup, action: 'create' });
    else missing.push({ kind: 'resource group', name: azure.resourceGroup });
  }
  const registryName = managedRegistryName(azure);
  if (registryName && !live.registry) changes.push({ kind: 'registry', name: registryName, action: 'create' });
  if (!live.hub) {
    if (azure.iotHub.create) changes.push({ kind: 'iot-hub', name: azure.iotHub.name, action: 'create' });
    else missing.push({ kind: 'IoT hub', name: azure.iotHub.name });
  }
  const target = azure.deployment;
  if (target.kind === 'device' && !live.device) {
    if (target.create) changes.push({ kind: 'edge-device', name: target.deviceId, action: 'create' });
    else missing.push({ kind: 'edge device', name: target.deviceId });
  }
  if (target.kind === 'fleet') {
    const id = desired.configurationId ?? configurationId(target.id, desired.content);
    const current = live.configurations[0];
    const existing = live.configurations.find((c) => c.id === id);
    if (existing) {
      const update = configurationUpdate(
        existing,
        live.configurations.filter((c) => c.id !== id),
        target,
      );
      const fields = Object.keys(update).sort();
      if (fields.length > 0) changes.push({ kind: 'configuration', name: id, action: 'update', reason: `updates ${fields.join(', ')}` });
    } else {
      const priority = nextPriority(target.priority, live);
      const reason = current ? `replaces ${current.id}; priority ${priority}` : `priority ${priority}`;
      changes.push({ kind: 'configuration', name: id, action: 'create', reason });
    }
    for (const old of live.configurations) {
      if (old.id !== id) changes.push({ kind: 'configuration', name: old.id, action: 'delete', reason: `superseded by ${id}` });
    }
  }
  return changes;
}

type FleetTarget = Extract<DeploymentTargetIR, { kind: 'fleet' }>;

/**
 * What must change in place on an existing configuration with this content: its priority when an older one
 * outranks it, and target condition, labels or metrics when the spec changed them (IoT Hub allows exactly these).
 */
export function configurationUpdate(
  current: ConfigurationInfo,
  older: readonly ConfigurationInfo[],
  target: FleetTarget,
): ConfigurationUpdate {
  const update: ConfigurationUpdate = {};
  if (older.some((c) => c.priority >= current.priority)) update.priority = nextPriority(target.priority, { configurations: [...older] });
  if (current.targetCondition !== target.targetCondition) update.targetCondition = target.targetCondition;
  if (stableJson(current.labels) !== stableJson(target.labels)) update.labels = target.labels;
  if (stableJson(current.metricQueries) !== stableJson(target.metrics)) update.metrics = target.metrics;
  return update;
}

/** A new configuration must outrank the ones it replaces so devices switch over without a gap. */
export function nextPriority(specPriority: number, live: Pick<LiveState, 'configurations'>): number {
  const highest = Math.max(-1, ...live.configurations.map((c) => c.priority));
  return Math.max(specPriority, highest + 1);
}

/**
 * `resolved` is the desired content with secrets resolved as far as possible: it is what gets compared, so a
 * rotated registry password shows as a (sensitive) change and unchanged secrets as no change.
 */
export function createPlan(
  desired: DesiredDeployment,
  resolved: ConfigurationContent,
  live: LiveState,
  lastAppliedContentHash?: string,
): PlanResult {
  const missing: MissingResource[] = [];
  const resources = resourceChanges(desired, live, missing);
  const diff = diffDeployment({
    desired: modelFromContent(resolved),
    desiredRendered: modelFromContent(desired.content),
    live: live.model,
  });
  const target = desired.azure.deployment;
  const count = (action: string) =>
    resources.filter((r) => r.action === action).length +
    diff.modules.filter((m) => m.action === action).length +
    diff.routes.filter((r) => r.action === action).length +
    (diff.settings?.action === action ? 1 : 0);
  const plan: Plan = {
    workflow: desired.workflow,
    target: target.kind,
    targetName: target.kind === 'device' ? target.deviceId : target.id,
    resources,
    modules: diff.modules,
    routes: diff.routes,
    summary: { add: count('create'), change: count('update'), destroy: count('delete') },
    drift:
      lastAppliedContentHash === desired.contentHash &&
      live.model !== undefined &&
      diff.modules.length + diff.routes.length + (diff.settings ? 1 : 0) > 0,
  };
  if (diff.settings) plan.settings = diff.settings;
  return { plan, missing };
}
