// What `edgeml plan` shows of a rollout: each ring's target condition and how many IoT Edge devices it reaches now,
// with its gate. Share-only rings are counted from the fleet's device ids with the same hash apply writes into the
// tags (so the count is right before any tag exists); rings with a condition are counted by the hub. Reads only.
import type { RolloutGateIR, RolloutIR } from '../ir/types.js';
import type { IotHubProvider } from '../providers/types.js';
import { bucketOf, BUCKETS, ringTargetCondition } from './ring-conditions.js';

export interface PlannedRing {
  name: string;
  percent?: number;
  condition?: string;
  /** The new deployment's target condition while this ring is the widest reached. */
  targetCondition: string;
  /** IoT Edge devices the ring reaches now (cumulative); undefined before the hub exists. */
  devices?: number;
  gate: RolloutGateIR;
}

export interface PlannedRollout {
  onFailure: RolloutIR['onFailure'];
  rings: PlannedRing[];
}

export async function planRollout(rollout: RolloutIR, fleetCondition: string, hub: IotHubProvider | undefined): Promise<PlannedRollout> {
  const rings: PlannedRing[] = rollout.rings.map((ring, index) => ({
    name: ring.name,
    ...(ring.percent !== undefined ? { percent: ring.percent } : {}),
    ...(ring.condition !== undefined ? { condition: ring.condition } : {}),
    targetCondition: ringTargetCondition(fleetCondition, rollout.rings, index),
    gate: ring.gate,
  }));
  if (!hub) return { onFailure: rollout.onFailure, rings };
  const fleet = await hub.queryTwins(`SELECT deviceId FROM devices WHERE capabilities.iotEdge = true AND (${fleetCondition})`, 1000);
  const widestShare = (index: number) =>
    Math.max(...rollout.rings.slice(0, index + 1).map((r) => (r.condition === undefined ? (r.percent ?? 100) : 0)));
  for (const [index, ring] of rings.entries()) {
    const conditional = rollout.rings.slice(0, index + 1).some((r) => r.condition !== undefined);
    if (ring.targetCondition === fleetCondition) ring.devices = fleet.length;
    else if (!conditional) {
      const limit = Math.round((widestShare(index) * BUCKETS) / 100);
      ring.devices = fleet.filter((d) => bucketOf(d.deviceId) < limit).length;
    } else ring.devices = await hub.countEdgeDevices(ring.targetCondition);
  }
  return { onFailure: rollout.onFailure, rings };
}
