// Apply steps that make sure the Azure resources exist: resource group, IoT hub, container registry (only what
// the spec lets edgeml create) and the edge device. Each creates only what is missing and records it in the state,
// with a "creating" mark first so a create interrupted by a kill is still known as edgeml's. Apply stage.
import { isProviderError, type DeviceInfo, type IotHubProvider } from '../providers/types.js';
import type { DesiredDeployment } from '../plan/desired.js';
import type { ResourceKind } from '../plan/types.js';
import type { Providers } from '../plan/live.js';
import { applyError } from './errors.js';
import { ownershipTags } from './ownership-tags.js';
import type { Progress } from './progress.js';
import { recordResource, type ApplyState, type ResourceRecord } from './state.js';

export interface EnsureContext {
  desired: DesiredDeployment;
  providers: Providers;
  state: ApplyState;
  saveState(): void;
  progress: Progress;
  /**
   * The plan being carried out: its resource creates, as `<kind>:<name>` (plan/types.ts ResourceKind). With it a
   * resource is created exactly when the plan says so, and one that appeared or vanished since is refused.
   */
  plannedCreates?: ReadonlySet<string>;
  /** Names the plan in refusals ('the plan' for one made by this apply). */
  planName?: string;
}

type RecordKey = 'resourceGroup' | 'iotHub' | 'registry' | 'device';

interface EnsureSpec<T extends { id?: string; created: boolean }> {
  title: string;
  key: RecordKey;
  planKind: ResourceKind;
  name: string;
  missingKind: string;
  mayCreate: boolean;
  get(): Promise<T | undefined>;
  create(): Promise<T>;
}

async function ensureOne<T extends { id?: string; created: boolean }>(ctx: EnsureContext, spec: EnsureSpec<T>): Promise<T> {
  return ctx.progress.step(spec.title, async (control) => {
    const existing = await spec.get();
    const planned = ctx.plannedCreates?.has(`${spec.planKind}:${spec.name}`);
    if (planned !== undefined && planned === (existing !== undefined)) {
      const what = `${spec.missingKind} '${spec.name}' ${existing ? 'exists now, but the plan creates it' : 'is gone, but the plan expects it to exist'}`;
      throw applyError('planLiveChanged', { file: ctx.planName ?? 'the plan', what });
    }
    if (existing) {
      ctx.state[spec.key] = recordResource(ctx.state[spec.key], { name: spec.name, id: existing.id, created: false });
      ctx.saveState();
      control.done(ctx.state[spec.key]!.created ? 'exists (created by edgeml)' : 'exists');
      return existing;
    }
    if (!spec.mayCreate) throw applyError('resourceMissing', { kind: spec.missingKind, name: spec.name });
    const intent: ResourceRecord = { name: spec.name, created: false, creating: true };
    ctx.state[spec.key] = intent;
    ctx.saveState();
    const created = await spec.create();
    ctx.state[spec.key] = recordResource(intent, { name: spec.name, id: created.id, created: true });
    ctx.saveState();
    control.done('created');
    return created;
  });
}

export async function ensureResources(ctx: EnsureContext): Promise<void> {
  const { azure, workflow } = ctx.desired;
  const { arm } = ctx.providers;
  const tags = ownershipTags(workflow);
  await ensureOne(ctx, {
    title: `resource group ${azure.resourceGroup}`,
    key: 'resourceGroup',
    planKind: 'resource-group',
    name: azure.resourceGroup,
    missingKind: 'resource group',
    mayCreate: azure.createResourceGroup,
    get: () => arm.getResourceGroup(azure.resourceGroup),
    create: () => arm.ensureResourceGroup(azure.resourceGroup, azure.location, tags),
  });
  await ensureOne(ctx, {
    title: `IoT hub ${azure.iotHub.name}`,
    key: 'iotHub',
    planKind: 'iot-hub',
    name: azure.iotHub.name,
    missingKind: 'IoT hub',
    mayCreate: azure.iotHub.create,
    get: () => arm.getIotHub(azure.resourceGroup, azure.iotHub.name),
    create: () =>
      arm.ensureIotHub(azure.resourceGroup, azure.iotHub.name, {
        location: azure.location,
        sku: azure.iotHub.sku,
        units: azure.iotHub.units,
        tags,
      }),
  });
  const registry = azure.registry;
  if (registry.kind === 'create') {
    await ensureOne(ctx, {
      title: `container registry ${registry.name}`,
      key: 'registry',
      planKind: 'registry',
      name: registry.name,
      missingKind: 'container registry',
      mayCreate: true,
      get: () => arm.getRegistry(azure.resourceGroup, registry.name),
      create: () =>
        arm.ensureRegistry(azure.resourceGroup, registry.name, {
          location: azure.location,
          sku: registry.sku,
          adminUserEnabled: true,
          tags,
        }),
    });
  }
}

/** Makes sure the single target device exists as an IoT Edge device. */
export async function ensureEdgeDevice(ctx: EnsureContext, hub: IotHubProvider, deviceId: string, mayCreate: boolean): Promise<DeviceInfo> {
  const device = await ensureOne<DeviceInfo & { id: string; created: boolean }>(ctx, {
    title: `edge device ${deviceId}`,
    key: 'device',
    planKind: 'edge-device',
    name: deviceId,
    missingKind: 'edge device',
    mayCreate,
    get: async () => {
      const found = await hub.getDevice(deviceId);
      return found && { ...found, id: found.deviceId, created: false };
    },
    create: async () => {
      try {
        const created = await hub.createEdgeDevice(deviceId);
        // Twin tags mark the device as edgeml's, so `edgeml state recover` finds it again.
        await hub.updateDeviceTags(deviceId, ownershipTags(ctx.desired.workflow));
        return { ...created, id: deviceId, created: true };
      } catch (error) {
        // Someone (or an earlier, killed apply) created it between our read and our create.
        if (!isProviderError(error, 'DeviceAlreadyExists')) throw error;
        const found = await hub.getDevice(deviceId);
        if (!found) throw error;
        await hub.updateDeviceTags(deviceId, ownershipTags(ctx.desired.workflow));
        return { ...found, id: deviceId, created: true };
      }
    },
  });
  if (!device.edge) throw applyError('deviceNotEdge', { deviceId });
  return device;
}
