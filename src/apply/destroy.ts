// `edgeml destroy` without the CLI: deletes exactly what the state says edgeml created, in reverse order of creation
// (configurations, device identity, registry, hub, resource group), updating the state after each deletion so an
// interrupted destroy resumes; clears the state at the end. Anything not recorded as created is never touched.
// Apply stage.
import type { Diagnostic } from '../diagnostics/types.js';
import type { AzureIR } from '../ir/types.js';
import type { Providers } from '../plan/live.js';
import { toDiagnostic } from './errors.js';
import type { Progress } from './progress.js';
import { deleteState, writeState, type ApplyState, type ResourceRecord } from './state.js';

export interface DestroyItem {
  kind: 'deployment' | 'edge device' | 'container registry' | 'IoT hub' | 'resource group';
  name: string;
}

const isOurs = (record: ResourceRecord | undefined): record is ResourceRecord => record?.created === true || record?.creating === true;

/** What destroy would delete, in the order it deletes. */
export function destroyList(state: ApplyState): DestroyItem[] {
  const items: DestroyItem[] = state.configurations.map((id) => ({ kind: 'deployment' as const, name: id }));
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

export async function runDestroy(options: DestroyOptions): Promise<{ ok: boolean; deleted: DestroyItem[]; diagnostics: Diagnostic[] }> {
  const { azure, state, providers, progress } = options;
  const save = () => writeState(options.statePath, state);
  const deleted: DestroyItem[] = [];
  const resourceGroup = state.resourceGroup?.name ?? azure.resourceGroup;
  try {
    const needsHub = state.configurations.length > 0 || isOurs(state.device);
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
    return { ok: true, deleted, diagnostics: [] };
  } catch (error) {
    return { ok: false, deleted, diagnostics: [toDiagnostic(error)] };
  }
}
