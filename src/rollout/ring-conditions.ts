// Which devices each ring of a rollout reaches, as IoT Hub target conditions. Rings are cumulative: ring k's
// deployment targets the fleet's condition AND (ring 1's selector OR … OR ring k's). A percentage selects devices by a
// stable hash of the device id that edgeml writes into a device tag, so the same devices stay in the same ring
// across rollouts and a widened ring only adds devices. Rollout stage (pure).
import { createHash } from 'node:crypto';
import type { RolloutRingIR } from '../ir/types.js';

/** Device tag path edgeml manages: tags.edgeml.rolloutBucket, an integer 0..BUCKETS-1. */
export const BUCKET_TAG_PATH = 'tags.edgeml.rolloutBucket';
/** 1,000 buckets: rings can be set to a tenth of a percent. */
export const BUCKETS = 1000;

/** The device's bucket: the first four bytes of SHA-256(device id), modulo BUCKETS. */
export function bucketOf(deviceId: string): number {
  return createHash('sha256').update(deviceId, 'utf8').digest().readUInt32BE(0) % BUCKETS;
}

/** The tag patch that puts a device in its bucket (merged into the twin's tags). */
export function bucketTags(deviceId: string): Record<string, unknown> {
  return { edgeml: { rolloutBucket: bucketOf(deviceId) } };
}

/** True when the ring needs bucket tags on the devices. */
export function usesBuckets(ring: RolloutRingIR): boolean {
  return ring.percent !== undefined && ring.percent < 100;
}

/** One ring's own selector, or undefined when it selects every device of the fleet. */
export function ringSelector(ring: RolloutRingIR): string | undefined {
  const parts: string[] = [];
  if (ring.condition !== undefined && ring.condition.trim() !== '') parts.push(`(${ring.condition})`);
  if (usesBuckets(ring)) parts.push(`${BUCKET_TAG_PATH} < ${Math.round((ring.percent! * BUCKETS) / 100)}`);
  if (parts.length === 0) return undefined;
  return parts.join(' AND ');
}

/** The target condition of the new deployment while ring `index` (0-based) is the widest reached. */
export function ringTargetCondition(fleetCondition: string, rings: readonly RolloutRingIR[], index: number): string {
  const reached = rings.slice(0, index + 1);
  if (reached.some((ring) => ringSelector(ring) === undefined)) return fleetCondition;
  // Rings that are only a share merge into the widest share (bucket < 50 covers bucket < 10).
  const shares = reached.filter((ring) => ring.condition === undefined || ring.condition.trim() === '');
  const widest = shares.reduce<RolloutRingIR | undefined>(
    (w, ring) => (w === undefined || ring.percent! > w.percent! ? ring : w),
    undefined,
  );
  const selectors = reached.filter((ring) => !shares.includes(ring)).map((ring) => ringSelector(ring)!);
  if (widest) selectors.push(ringSelector(widest)!);
  const union = selectors.length === 1 ? selectors[0] : selectors.map((s) => `(${s})`).join(' OR ');
  return `(${fleetCondition}) AND (${union})`;
}

/** True when the ring reaches every device of the fleet (what the last ring must do). */
export function reachesWholeFleet(rings: readonly RolloutRingIR[], index: number): boolean {
  return rings.slice(0, index + 1).some((ring) => ringSelector(ring) === undefined);
}
