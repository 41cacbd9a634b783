// `edgeml state recover` without the CLI: rebuilds the state file from what is live in Azure, for when the file was
// lost or damaged. A resource counts as edgeml's only if it carries edgeml's ownership tags for this workflow
// (ownership-tags.ts); fleet deployments are found by their content-hashed ids. Reads only. Apply stage.
import type { AzureIR } from '../ir/types.js';
import type { Providers } from '../plan/live.js';
import { ownConfigurations } from '../plan/live.js';
import { liveModuleNames } from './device-modules.js';
import { isTaggedFor } from './ownership-tags.js';
import { emptyState, type ApplyState, type ResourceRecord } from './state.js';

export interface RecoveredItem {
  kind: 'resource group' | 'IoT hub' | 'container registry' | 'edge device' | 'deployment' | 'modules on edge device';
  name: string;
  /** True when edgeml created it (destroy will delete it); false when it only uses it. */
  created: boolean;
}

export interface RecoverOptions {
  workflow: string;
  azure: AzureIR;
  /** The module names the spec deploys: on a device edgeml did not create, these are what destroy removes. */
  moduleNames: readonly string[];
  providers: Providers;
  /** The serial of the file being replaced, so a saved plan made against it is refused afterwards. */
  previousSerial?: number;
}

export async function recoverState(options: RecoverOptions): Promise<{ state: ApplyState; found: RecoveredItem[] }> {
  const { azure, workflow, providers } = options;
  const state: ApplyState = { ...emptyState(workflow), serial: options.previousSerial ?? 0 };
  if (azure.subscription) state.subscription = azure.subscription;
  const found: RecoveredItem[] = [];
  const record = (kind: RecoveredItem['kind'], info: { name: string; id?: string; tags: Record<string, unknown> }): ResourceRecord => {
    const created = isTaggedFor(info.tags, workflow);
    found.push({ kind, name: info.name, created });
    return { name: info.name, ...(info.id ? { id: info.id } : {}), created };
  };

  const group = await providers.arm.getResourceGroup(azure.resourceGroup);
  if (!group) return { state, found };
  state.resourceGroup = record('resource group', { ...group, name: azure.resourceGroup });
  if (azure.registry.kind === 'create') {
    const registry = await providers.arm.getRegistry(azure.resourceGroup, azure.registry.name);
    if (registry) state.registry = record('container registry', { ...registry, name: azure.registry.name });
  }
  const hubInfo = await providers.arm.getIotHub(azure.resourceGroup, azure.iotHub.name);
  if (!hubInfo) return { state, found };
  state.iotHub = record('IoT hub', { ...hubInfo, name: azure.iotHub.name });

  const hub = await providers.iotHub();
  const target = azure.deployment;
  if (target.kind === 'fleet') {
    for (const configuration of ownConfigurations(await hub.listConfigurations(), target.id)) {
      state.configurations.push(configuration.id);
      found.push({ kind: 'deployment', name: configuration.id, created: true });
    }
    return { state, found };
  }
  const device = await hub.getDevice(target.deviceId);
  if (!device) return { state, found };
  const twin = await hub.getDeviceTwin(target.deviceId);
  state.device = record('edge device', { name: target.deviceId, id: target.deviceId, tags: twin?.tags ?? {} });
  if (!state.device.created) {
    // On a device edgeml did not create, destroy removes the modules edgeml deployed: those of the spec, if the device
    // runs exactly modules the spec names (anything else means someone else's deployment, which is left alone).
    const agent = await hub.getModuleTwin(target.deviceId, '$edgeAgent');
    const live = agent ? liveModuleNames(agent.desired) : [];
    if (live.length > 0 && live.every((name) => options.moduleNames.includes(name))) {
      state.deviceModules = { device: target.deviceId, modules: live };
      found.push({ kind: 'modules on edge device', name: `${target.deviceId} (${live.join(', ')})`, created: true });
    }
  }
  return { state, found };
}
