// `edgeml destroy` without the CLI: deletes exactly what the state says edgeml created, in reverse order of creation
// (configurations, the modules it deployed to an existing device, device identity, registry, hub, resource group),
// updating the state after each deletion so an interrupted destroy resumes; clears the state at the end. Anything not
// recorded as created is never touched. Apply stage.
import type { Diagnostic } from '../diagnostics/types.js';
import type { AzureIR } from '../ir/types.js';
import type { Providers } from '../plan/live.js';
import type { IotHubProvider } from '../providers/types.js';
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

    for (const id of [...state.configurations]) {
      await progress.step(`delete deployment ${id}`, async () => {
        await hub?.deleteConfiguration(id);
      });
      state.configurations = state.configurations.filter((c) => c !== id);
      save();
      deleted.push({ kind: 'deployment', name: id });
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
