// `edgeml apply` for a fleet with azure.fleet.rollout: the new content-hashed deployment goes out ring by ring at a
// priority above the current one, each ring judged by its health gate; the previous deployment stays at its lower
// priority, on its full target condition, until the last ring passes, so no device is ever without a deployment and
// removing the new one returns every device to the previous content at once (rollback). Every step is recorded in
// the history before and after it happens: a re-run after an interruption resumes from the recorded ring.
// Rollout stage: the hub provider does the I/O; this file decides the order and the verdicts.
import type { DeploymentTargetIR, RolloutIR } from '../ir/types.js';
import type { ConfigurationContent, ConfigurationInfo, IotHubProvider } from '../providers/types.js';
import { ownConfigurations } from '../plan/live.js';
import { nextPriority } from '../plan/create-plan.js';
import { realClock, type Clock } from '../apply/convergence.js';
import type { Progress } from '../apply/progress.js';
import type { ApplyState } from '../apply/state.js';
import { ApplyError } from '../apply/errors.js';
import { rolloutError } from './errors.js';
import { evaluateGate, type GateVerdict, type RingHealth } from './gate.js';
import { activeRevision, nextRevisionNumber, readHistory, writeHistory, type Revision, type RolloutHistory } from './history.js';
import { readRingHealth } from './ring-health.js';
import { bucketOf, bucketTags, ringTargetCondition, usesBuckets } from './ring-conditions.js';

export type RolloutFleetTarget = Extract<DeploymentTargetIR, { kind: 'fleet' }> & { rollout: RolloutIR };

export interface RolloutOptions {
  hub: IotHubProvider;
  target: RolloutFleetTarget;
  configurationId: string;
  contentHash: string;
  /** With secret references: recorded in the history. */
  rendered: ConfigurationContent;
  /** With secrets resolved: sent to IoT Hub. Never recorded or printed. */
  resolved: ConfigurationContent;
  state: ApplyState;
  saveState(): void;
  historyFile: string;
  progress: Progress;
  intervalMs: number;
  clock?: Clock;
  /** Called with each ring's report as it is judged (for --json and tests). */
  onRing?(report: RingReport): void;
}

export interface RingReport {
  ring: string;
  index: number;
  targetCondition: string;
  health: RingHealth;
  verdict: GateVerdict;
  elapsedMs: number;
}

export interface RolloutResult {
  outcome: 'succeeded' | 'unchanged' | 'rolled-back' | 'halted';
  revision?: number;
  rings: RingReport[];
  /** Superseded deployments deleted after the last ring passed. */
  retired: string[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

export async function runRollout(options: RolloutOptions): Promise<RolloutResult> {
  const { hub, target, configurationId: id, progress } = options;
  const clock = options.clock ?? realClock;
  const rings = target.rollout.rings;
  const history = readHistory(options.historyFile, options.state.workflow);
  const saveHistory = () => writeHistory(options.historyFile, history);

  const own = ownConfigurations(await hub.listConfigurations(), target.id);
  let current = own.find((c) => c.id === id);
  const previous = own.filter((c) => c.id !== id);
  let revision = activeRevision(history);
  const latest = history.revisions.at(-1);
  if (!revision && latest?.outcome === 'halted' && latest.configurationId === id && current) {
    // Applying the spec of a halted rollout again re-judges the ring it stopped at, with a fresh wait.
    revision = latest;
    revision.outcome = 'in-progress';
    revision.reason = undefined;
    revision.endedAt = undefined;
    revision.ringStartedAt = undefined;
    saveHistory();
  }
  if (revision && revision.configurationId !== id)
    throw rolloutError('otherRolloutInProgress', { revision: revision.revision, configuration: revision.configurationId });

  // Already everywhere: nothing to roll out (an interrupted retire of the older ones is finished below).
  if (!revision && current && current.targetCondition === target.targetCondition) {
    const retired = await retire(options, previous);
    return { outcome: 'unchanged', rings: [], retired };
  }

  if (!revision) {
    revision = {
      revision: nextRevisionNumber(history),
      kind: 'rollout',
      configurationId: id,
      contentHash: options.contentHash,
      content: options.rendered,
      startedAt: iso(clock.now()),
      rings: rings.length,
      ringsPassed: 0,
      outcome: 'in-progress',
    };
    history.revisions.push(revision);
    saveHistory();
  } else {
    progress.note(`Resuming revision ${revision.revision} at ring ${(revision.ringIndex ?? 0) + 1} of ${rings.length}.`);
  }

  if (rings.some(usesBuckets)) await assignBuckets(hub, target.targetCondition, progress);

  const reports: RingReport[] = [];
  for (let index = revision.ringIndex ?? 0; index < rings.length; index++) {
    const ring = rings[index];
    const condition = ringTargetCondition(target.targetCondition, rings, index);
    if (revision.ringIndex !== index || !revision.ringStartedAt) {
      revision.ringIndex = index;
      revision.ringName = ring.name;
      revision.ringStartedAt = iso(clock.now());
      saveHistory();
    }
    current = await widen(options, current, previous, condition, index);
    const startedAt = Date.parse(revision.ringStartedAt!);
    const report = await judgeRing(options, clock, index, condition, startedAt);
    reports.push(report);
    options.onRing?.(report);
    if (report.verdict.verdict === 'fail')
      await onGateFailure(options, history, revision, previous, current, ring.name, report.verdict.reason, reports);
    revision.ringsPassed = index + 1;
    revision.ringIndex = index + 1;
    revision.ringStartedAt = undefined;
    saveHistory();
  }

  // Every ring passed: the new deployment reaches the whole fleet; the superseded ones go.
  const retired = await retire(options, previous);
  revision.outcome = 'succeeded';
  revision.endedAt = iso(clock.now());
  revision.ringIndex = undefined;
  for (const other of history.revisions) if (other !== revision && other.outcome === 'in-progress') other.outcome = 'superseded';
  options.state.lastAppliedContentHash = options.contentHash;
  options.saveState();
  saveHistory();
  return { outcome: 'succeeded', revision: revision.revision, rings: reports, retired };
}

/** Writes each fleet device's rollout bucket into its tags where it is missing or wrong (once per device). */
async function assignBuckets(hub: IotHubProvider, fleetCondition: string, progress: Progress): Promise<void> {
  await progress.step("rollout buckets on the fleet's devices", async (control) => {
    const devices = await hub.queryTwins(`SELECT * FROM devices WHERE capabilities.iotEdge = true AND (${fleetCondition})`, 1000);
    let written = 0;
    for (const device of devices) {
      const tags = device.tags as { edgeml?: { rolloutBucket?: unknown } };
      if (tags.edgeml?.rolloutBucket === bucketOf(device.deviceId)) continue;
      await hub.updateDeviceTags(device.deviceId, bucketTags(device.deviceId));
      written++;
      control.update(`${written} tagged`);
    }
    control.done(written ? `${written} of ${devices.length} devices tagged` : `${devices.length} devices, all tagged`);
  });
}

/** Creates the new deployment for this ring, or widens it; it always outranks the previous deployments. */
async function widen(
  options: RolloutOptions,
  current: ConfigurationInfo | undefined,
  previous: ConfigurationInfo[],
  condition: string,
  index: number,
): Promise<ConfigurationInfo> {
  const { hub, target } = options;
  const ring = target.rollout.rings[index];
  return options.progress.step(
    `ring ${index + 1}/${target.rollout.rings.length} '${ring.name}': deployment ${options.configurationId}`,
    async (control) => {
      const priority = nextPriority(target.priority, { configurations: previous });
      if (!current) {
        if (!options.state.configurations.includes(options.configurationId)) options.state.configurations.push(options.configurationId);
        options.saveState();
        const created = await hub.createConfiguration({
          id: options.configurationId,
          content: options.resolved,
          targetCondition: condition,
          priority,
          labels: target.labels,
          metrics: target.metrics,
        });
        control.done(`created at priority ${priority}`);
        return created;
      }
      const update: { targetCondition?: string; priority?: number } = {};
      if (current.targetCondition !== condition) update.targetCondition = condition;
      if (current.priority < priority) update.priority = priority;
      if (Object.keys(update).length === 0) {
        control.done('already reaches the ring');
        return current;
      }
      const updated = await hub.updateConfiguration(options.configurationId, current.etag, update);
      control.done(update.targetCondition ? 'widened' : `priority ${priority}`);
      return updated;
    },
  );
}

async function judgeRing(options: RolloutOptions, clock: Clock, index: number, condition: string, startedAt: number): Promise<RingReport> {
  const { hub, target, configurationId: id } = options;
  const ring = target.rollout.rings[index];
  const gated = Object.keys(ring.gate.metrics).length > 0;
  return options.progress.step(`ring ${index + 1}/${target.rollout.rings.length} '${ring.name}': health gate`, async (control) => {
    const targeted = await hub.countEdgeDevices(condition);
    for (;;) {
      const metrics: Record<string, number | undefined> = {};
      if (gated) {
        const config = await hub.getConfiguration(id);
        for (const name of Object.keys(ring.gate.metrics)) metrics[name] = config?.metricResults[name];
      }
      const health = await readRingHealth(hub, id, targeted, metrics);
      const elapsedMs = Math.max(0, clock.now() - startedAt);
      const verdict = evaluateGate(ring.gate, health, elapsedMs);
      const report: RingReport = { ring: ring.name, index, targetCondition: condition, health, verdict, elapsedMs };
      if (verdict.verdict === 'pass') {
        control.done(`passed: ${verdict.detail}`);
        return report;
      }
      if (verdict.verdict === 'fail') {
        control.done(`FAILED: ${verdict.reason}`);
        for (const line of health.failures) options.progress.note(`  ${line}`);
        return report;
      }
      control.update(`${verdict.detail} (${Math.round(elapsedMs / 1000)}s of ${ring.gate.waitSeconds}s)`);
      await clock.sleep(options.intervalMs);
    }
  });
}

async function onGateFailure(
  options: RolloutOptions,
  history: RolloutHistory,
  revision: Revision,
  previous: ConfigurationInfo[],
  current: ConfigurationInfo,
  ringName: string,
  reason: string,
  reports: RingReport[],
): Promise<never> {
  const clock = options.clock ?? realClock;
  const rollBack = options.target.rollout.onFailure === 'rollback' && previous.length > 0;
  if (rollBack) {
    // The previous deployment never left its devices' hub-side assignment: deleting the new one hands them back.
    await options.progress.step(`roll back: delete deployment ${current.id}`, async () => {
      await options.hub.deleteConfiguration(current.id, current.etag);
    });
    options.state.configurations = options.state.configurations.filter((c) => c !== current.id);
    options.saveState();
  }
  revision.outcome = rollBack ? 'rolled-back' : 'halted';
  revision.reason = `ring '${ringName}': ${reason}`;
  revision.endedAt = iso(clock.now());
  writeHistory(options.historyFile, history);
  const previousName = previous.map((c) => c.id).join(', ');
  if (rollBack)
    throw new RolloutFailure(
      'rolled-back',
      revision.revision,
      reports,
      rolloutError('gateFailedRolledBack', { revision: revision.revision, ring: ringName, reason, previous: previousName }),
    );
  if (previous.length === 0)
    throw new RolloutFailure('halted', revision.revision, reports, rolloutError('firstRolloutHalted', { ring: ringName, reason }));
  throw new RolloutFailure(
    'halted',
    revision.revision,
    reports,
    rolloutError('gateFailedHalted', { revision: revision.revision, ring: ringName, reason }),
  );
}

/** A rollout that stopped at a gate; carries the diagnostic and the ring reports gathered so far. */
export class RolloutFailure extends ApplyError {
  constructor(
    readonly outcome: 'rolled-back' | 'halted',
    readonly revision: number,
    readonly rings: RingReport[],
    error: ApplyError,
  ) {
    super(error.diagnostic);
  }
}

async function retire(options: RolloutOptions, previous: ConfigurationInfo[]): Promise<string[]> {
  const retired: string[] = [];
  for (const old of previous) {
    await options.progress.step(`retire superseded deployment ${old.id}`, async () => {
      await options.hub.deleteConfiguration(old.id, old.etag);
    });
    retired.push(old.id);
    options.state.configurations = options.state.configurations.filter((c) => c !== old.id);
    options.saveState();
  }
  return retired;
}
