// `edgeml destroy` without the CLI: deletes exactly what the state says edgeml created, in reverse order of creation
// (configurations, the modules it deployed to an existing device, device identity, registry, hub, resource group),
// updating the state after each deletion so an interrupted destroy resumes; clears the state at the end. Anything not
// recorded as created is never touched. Apply stage.
import type { Diagnostic } from '../diagnostics/types.js';
import type { AzureIR } from '../ir/types.js';
import type { Providers } from '../plan/live.js';
import type { IotHubProvider, TwinProperties } from '../providers/types.js';
import { ownConfigurations } from '../plan/live.js';
import { fleetMetrics } from './deploy-fleet.js';
import { liveModuleNames, systemOnlyContent } from './device-modules.js';
import { applyDiagnostic, toDiagnostic } from './errors.js';
import type { Progress } from './progress.js';
import { deleteState, writeState, type ApplyState, type ResourceRecord } from './state.js';

export interface DestroyItem {
  kind: 'deployment' | 'modules on edge device' | 'edge device' | 'container registry' | 'IoT hub' | 'resource group';
  name: string;
}

const isOurs = (record: ResourceRecord | undefined): record is ResourceRecord => record?.created === true || record?.creating === true;

/** What destroy would delete, in the order it deletes. */
export function destroyList(state: ApplyState): DestroyItem[] {
  const items: DestroyItem[] = state.configurations.map((id) => ({ kind: 'deployment' as const, name: id }));
  const removal = modulesToRemove(state);
  if (removal) items.push({ kind: 'modules on edge device', name: `${removal.device} (${removal.modules.join(', ')})` });
  if (isOurs(state.device)) items.push({ kind: 'edge device', name: state.device.name });
  if (isOurs(state.registry)) items.push({ kind: 'container registry', name: state.registry.name });
  if (isOurs(state.iotHub)) items.push({ kind: 'IoT hub', name: state.iotHub.name });
  if (isOurs(state.resourceGroup)) items.push({ kind: 'resource group', name: state.resourceGroup.name });
  return items;
}

export interface DestroyOptions {
  azure: AzureIR;
  state: ApplyState;
  statePath: string;
  providers: Providers;
  progress: Progress;
  /** Fleets: how long the runtime-only deployment may take to reach the devices (default 300 s), polled every intervalMs. */
  waitMs?: number;
  intervalMs?: number;
}

const DEFAULT_TEARDOWN_WAIT_MS = 300_000;

/** The runtime-only deployment destroy puts above a fleet's own (also what 06-teardown.sh names it). */
export const teardownId = (fleetId: string): string => `${fleetId}-teardown`;

/**
 * Creates (or finds) `<id>-teardown`: the runtime of the fleet's newest deployment and no modules, on the fleet's
 * target condition above every deployment of the workflow; waits until it is applied where it targets. Devices that
 * stay offline keep their modules until they reconnect; that is a warning, not a failure.
 */
async function takeModulesOffFleet(
  hub: IotHubProvider,
  fleet: Extract<AzureIR['deployment'], { kind: 'fleet' }>,
  state: ApplyState,
  save: () => void,
  progress: Progress,
  waitMs: number,
  intervalMs: number,
  warnings: Diagnostic[],
): Promise<void> {
  const id = teardownId(fleet.id);
  const own = ownConfigurations(await hub.listConfigurations(), fleet.id);
  const newest = own.find((c) => c.id !== id);
  if (!newest) return;
  await progress.step(`take the modules off the fleet's devices (deployment ${id})`, async (control) => {
    if (!(await hub.getConfiguration(id))) {
      const agent = (newest.content.modulesContent?.$edgeAgent?.['properties.desired'] ?? {}) as TwinProperties;
      const edgeHub = newest.content.modulesContent?.$edgeHub?.['properties.desired'] as TwinProperties | undefined;
      if (!state.configurations.includes(id)) state.configurations.push(id);
      save();
      const priority = Math.max(fleet.priority, ...own.map((c) => c.priority)) + 1;
      await hub.createConfiguration({
        id,
        content: systemOnlyContent(agent, edgeHub),
        targetCondition: fleet.targetCondition,
        priority,
        labels: { ...fleet.labels, 'edgeml-teardown': 'true' },
        metrics: {},
      });
    }
    const deadline = Date.now() + waitMs;
    for (;;) {
      const config = await hub.getConfiguration(id);
      const m = config ? fleetMetrics(config) : { targeted: 0, applied: 0, succeeded: 0, failed: 0 };
      control.update(`${m.applied}/${m.targeted} devices`);
      if (m.applied >= m.targeted) return control.done(`${m.applied}/${m.targeted} devices run the runtime only`);
      if (Date.now() + intervalMs > deadline) {
        warnings.push(applyDiagnostic('fleetModulesLeft', { id, applied: m.applied, targeted: m.targeted }));
        return control.done(`${m.applied}/${m.targeted} devices; the others get it when they reconnect`);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  });
}

/** The modules edgeml deployed to a device it did not create (a device it created is deleted instead). */
function modulesToRemove(state: ApplyState): ApplyState['deviceModules'] {
  return state.deviceModules && !isOurs(state.device) && state.deviceModules.modules.length > 0 ? state.deviceModules : undefined;
}

/**
 * Replaces the device's deployment with its system modules only, if it still runs exactly the modules edgeml
 * deployed; a deployment someone changed since is left alone ('changed').
 */
async function removeDeployedModules(
  hub: IotHubProvider,
  removal: NonNullable<ApplyState['deviceModules']>,
): Promise<'removed' | 'changed' | 'gone'> {
  const agent = await hub.getModuleTwin(removal.device, '$edgeAgent');
  if (!agent) return 'gone';
  const live = liveModuleNames(agent.desired);
  if (live.length === 0) return 'gone';
  if (live.join('\n') !== [...removal.modules].sort().join('\n')) return 'changed';
  const edgeHub = await hub.getModuleTwin(removal.device, '$edgeHub');
  await hub.applyContentOnDevice(removal.device, systemOnlyContent(agent.desired, edgeHub?.desired));
  return 'removed';
}

export async function runDestroy(options: DestroyOptions): Promise<{ ok: boolean; deleted: DestroyItem[]; diagnostics: Diagnostic[] }> {
  const { azure, state, providers, progress } = options;
  const save = () => writeState(options.statePath, state);
  const deleted: DestroyItem[] = [];
  const warnings: Diagnostic[] = [];
  const resourceGroup = state.resourceGroup?.name ?? azure.resourceGroup;
  try {
    const removal = modulesToRemove(state);
    const needsHub = state.configurations.length > 0 || isOurs(state.device) || removal !== undefined;
    const hubName = state.iotHub?.name ?? azure.iotHub.name;
    // Device and configurations live in the hub: if the hub is gone, so are they.
    const hubExists = needsHub && (await providers.arm.getIotHub(resourceGroup, hubName)) !== undefined;
    const hub = hubExists ? await providers.iotHub() : undefined;

    // Deleting a deployment leaves its modules running on the devices: a runtime-only deployment above it takes them
    // off first (as 06-teardown.sh does), and goes last; an interrupted destroy finds it recorded and deletes it.
    const fleet = azure.deployment.kind === 'fleet' ? azure.deployment : undefined;
    if (fleet && hub && state.configurations.some((id) => id !== teardownId(fleet.id))) {
      await takeModulesOffFleet(
        hub,
        fleet,
        state,
        save,
        progress,
        options.waitMs ?? DEFAULT_TEARDOWN_WAIT_MS,
        options.intervalMs ?? 5000,
        warnings,
      );
    }
    const ordered = [...state.configurations].sort(
      (a, b) => Number(a === teardownId(fleet?.id ?? '')) - Number(b === teardownId(fleet?.id ?? '')),
    );
    for (const id of ordered) {
      await progress.step(`delete deployment ${id}`, async () => {
        await hub?.deleteConfiguration(id);
      });
      state.configurations = state.configurations.filter((c) => c !== id);
      save();
      // The runtime-only deployment is part of deleting the fleet's own, not something apply created.
      if (id !== teardownId(fleet?.id ?? '')) deleted.push({ kind: 'deployment', name: id });
    }
    if (removal) {
      const outcome = await progress.step(`remove modules from edge device ${removal.device}`, async (control) => {
        const result = hub ? await removeDeployedModules(hub, removal) : 'gone';
        control.done({ removed: 'removed', changed: 'left in place: changed since apply', gone: 'nothing deployed' }[result]);
        return result;
      });
      if (outcome === 'changed')
        warnings.push(applyDiagnostic('deviceDeploymentChanged', { device: removal.device, modules: removal.modules.join(', ') }));
      state.deviceModules = undefined;
      save();
      if (outcome === 'removed')
        deleted.push({ kind: 'modules on edge device', name: `${removal.device} (${removal.modules.join(', ')})` });
    }
    if (isOurs(state.device)) {
      const name = state.device.name;
      await progress.step(`delete edge device ${name}`, async () => {
        await hub?.deleteDevice(name);
      });
      state.device = undefined;
      save();
      deleted.push({ kind: 'edge device', name });
    }
    const armSteps: [DestroyItem['kind'], 'registry' | 'iotHub' | 'resourceGroup', (name: string) => Promise<void>][] = [
      ['container registry', 'registry', (name) => providers.arm.deleteRegistry(resourceGroup, name)],
      ['IoT hub', 'iotHub', (name) => providers.arm.deleteIotHub(resourceGroup, name)],
      ['resource group', 'resourceGroup', (name) => providers.arm.deleteResourceGroup(name)],
    ];
    for (const [kind, key, remove] of armSteps) {
      const record = state[key];
      if (!isOurs(record)) continue;
      await progress.step(`delete ${kind} ${record.name}`, () => remove(record.name));
      state[key] = undefined;
      save();
      deleted.push({ kind, name: record.name });
    }
    deleteState(options.statePath);
    return { ok: true, deleted, diagnostics: warnings };
  } catch (error) {
    return { ok: false, deleted, diagnostics: [...warnings, toDiagnostic(error)] };
  }
}
