// Reads what is live in Azure for one workflow, through the providers only (no writes): the resource group, hub
// and registry, then either the edge device and its $edgeAgent/$edgeHub/module twins or the hub's configurations
// that belong to this workflow's fleet deployment. Plan stage.
import type {
  ArmProvider,
  ConfigurationInfo,
  DeviceInfo,
  IotHubInfo,
  IotHubProvider,
  ModuleTwin,
  RegistryInfo,
  ResourceGroupInfo,
} from '../providers/types.js';
import type { AzureIR } from '../ir/types.js';
import { modelFromContent, modelFromTwins, modulesWithTwinSections, type DeploymentModel } from './deployment-model.js';
import type { DesiredDeployment } from './desired.js';
import { parseConfigurationId } from '../render/manifest/content-hash.js';

/** The providers plan, apply, status and destroy use. The IoT Hub one is opened lazily: it needs the hub. */
export interface Providers {
  arm: ArmProvider;
  /** Opens (once) the IoT Hub service provider for the hub the spec names. */
  iotHub(): Promise<IotHubProvider>;
}

export interface LiveState {
  resourceGroup?: ResourceGroupInfo;
  hub?: IotHubInfo;
  /** Only read when edgeml manages the registry (registry.kind 'create'). */
  registry?: RegistryInfo;
  /** Single-device target: the device identity, if it exists. */
  device?: DeviceInfo;
  agentTwin?: ModuleTwin;
  hubTwin?: ModuleTwin;
  /** Fleet target: this workflow's configurations (id `<base>-<hash>`), highest priority first. */
  configurations: ConfigurationInfo[];
  /** What the device or fleet currently runs, as far as edgeml deployed it; undefined when nothing is. */
  model?: DeploymentModel;
}

/** The registry name edgeml manages, or undefined when the spec uses an existing or anonymous registry. */
export function managedRegistryName(azure: AzureIR): string | undefined {
  return azure.registry.kind === 'create' ? azure.registry.name : undefined;
}

/** True for configuration ids compile names for this base id: `<base>-<12 hex of the content hash>`. */
export function isOwnConfigurationId(baseId: string, id: string): boolean {
  return parseConfigurationId(id)?.baseId === baseId.toLowerCase();
}

/** This workflow's configurations on the hub, highest priority (then newest) first. */
export function ownConfigurations(all: readonly ConfigurationInfo[], baseId: string): ConfigurationInfo[] {
  return all
    .filter((c) => isOwnConfigurationId(baseId, c.id))
    .sort((a, b) => b.priority - a.priority || b.createdTimeUtc.localeCompare(a.createdTimeUtc));
}

/**
 * What one device has been told to run: its $edgeAgent and $edgeHub twins and the twins of the modules whose
 * twin the content sets, as a model (undefined when the device has no deployment yet).
 */
export async function readDeviceDeployment(
  hub: IotHubProvider,
  deviceId: string,
  content: DesiredDeployment['content'],
): Promise<{ agentTwin?: ModuleTwin; hubTwin?: ModuleTwin; model?: DeploymentModel }> {
  const agentTwin = await hub.getModuleTwin(deviceId, '$edgeAgent');
  const hubTwin = await hub.getModuleTwin(deviceId, '$edgeHub');
  const twins = new Map<string, ModuleTwin['desired']>();
  // Only the module twins the content sets are compared; reading others would cost calls for nothing.
  for (const moduleId of modulesWithTwinSections(content)) {
    const twin = await hub.getModuleTwin(deviceId, moduleId);
    if (twin) twins.set(moduleId, twin.desired);
  }
  const agentDesired = agentTwin?.desired ?? {};
  const deployed = Object.keys(agentDesired).some((k) => !k.startsWith('$'));
  return { agentTwin, hubTwin, model: deployed ? modelFromTwins(agentDesired, hubTwin?.desired, twins) : undefined };
}

export async function readLive(desired: DesiredDeployment, providers: Providers): Promise<LiveState> {
  const { azure } = desired;
  const live: LiveState = { configurations: [] };
  live.resourceGroup = await providers.arm.getResourceGroup(azure.resourceGroup);
  if (!live.resourceGroup) return live;
  const registryName = managedRegistryName(azure);
  if (registryName) live.registry = await providers.arm.getRegistry(azure.resourceGroup, registryName);
  live.hub = await providers.arm.getIotHub(azure.resourceGroup, azure.iotHub.name);
  if (!live.hub) return live;

  const hub = await providers.iotHub();
  const target = azure.deployment;
  if (target.kind === 'device') {
    live.device = await hub.getDevice(target.deviceId);
    if (!live.device) return live;
    Object.assign(live, await readDeviceDeployment(hub, target.deviceId, desired.content));
  } else {
    live.configurations = ownConfigurations(await hub.listConfigurations(), target.id);
    const current = live.configurations[0];
    live.model = current ? modelFromContent(current.content) : undefined;
  }
  return live;
}
