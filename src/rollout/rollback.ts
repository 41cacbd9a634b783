// `edgeml rollback`: return the fleet to the last good revision (or a named one). When that revision's deployment is
// still live (a rollout halted or in progress above it), deleting the newer deployments hands every device back to
// it at once. Otherwise its recorded content is deployed again under its own content-hashed id, above the current
// one, and the newer deployments go only after it reached every targeted device, so no device is left without one.
// Rollout stage.
import type { DeploymentTargetIR } from '../ir/types.js';
import type { ConfigurationContent, ConfigurationInfo, IotHubProvider } from '../providers/types.js';
import { ownConfigurations } from '../plan/live.js';
import { nextPriority } from '../plan/create-plan.js';
import { realClock, type Clock } from '../apply/convergence.js';
import type { Progress } from '../apply/progress.js';
import type { ApplyState } from '../apply/state.js';
import { fleetMetrics } from '../apply/deploy-fleet.js';
import { rolloutError } from './errors.js';
import { nextRevisionNumber, readHistory, writeHistory, type Revision } from './history.js';

type FleetTarget = Extract<DeploymentTargetIR, { kind: 'fleet' }>;

export interface RollbackOptions {
  hub: IotHubProvider;
  target: FleetTarget;
  state: ApplyState;
  saveState(): void;
  historyFile: string;
  progress: Progress;
  /** Resolves the secret references of a recorded content (from the environment and the registry). */
  resolve(content: ConfigurationContent): Promise<ConfigurationContent>;
  /** The revision to return to; default: the newest good revision that is not the live one. */
  to?: number;
  timeoutMs: number;
  intervalMs: number;
  clock?: Clock;
}

export interface RollbackResult {
  revision: number;
  rolledBackTo: number;
  configurationId: string;
  /** True when the revision's deployment had to be created again. */
  recreated: boolean;
  deleted: string[];
}

/** The revision to return to: the named one, or the newest good one whose deployment is not the live top one. */
export function rollbackTarget(revisions: readonly Revision[], live: readonly ConfigurationInfo[], to?: number): Revision {
  if (to !== undefined) {
    const named = revisions.find((r) => r.revision === to);
    if (!named)
      throw rolloutError('unknownRevision', { revision: String(to), known: revisions.map((r) => r.revision).join(', ') || 'none' });
    return named;
  }
  const top = live[0]?.id;
  const good = revisions.findLast((r) => r.outcome === 'succeeded' && r.configurationId !== top);
  if (!good)
    throw rolloutError('noRevisionToRollBackTo', { reason: revisions.length ? 'no earlier revision succeeded' : 'the history is empty' });
  return good;
}

export async function runRollback(options: RollbackOptions): Promise<RollbackResult> {
  const { hub, target, progress } = options;
  const clock = options.clock ?? realClock;
  const history = readHistory(options.historyFile, options.state.workflow);
  const own = ownConfigurations(await hub.listConfigurations(), target.id);
  const goal = rollbackTarget(history.revisions, own, options.to);
  let kept = own.find((c) => c.id === goal.configurationId);
  let recreated = false;

  if (!kept) {
    if (!goal.content)
      throw rolloutError('noRevisionToRollBackTo', {
        reason: `revision ${goal.revision}'s content is no longer kept (only the newest revisions keep it)`,
      });
    const resolved = await options.resolve(goal.content);
    const priority = nextPriority(target.priority, { configurations: own });
    kept = await progress.step(`deployment ${goal.configurationId} (revision ${goal.revision})`, async (control) => {
      if (!options.state.configurations.includes(goal.configurationId)) options.state.configurations.push(goal.configurationId);
      options.saveState();
      const created = await hub.createConfiguration({
        id: goal.configurationId,
        content: resolved,
        targetCondition: target.targetCondition,
        priority,
        labels: target.labels,
        metrics: target.metrics,
      });
      control.done(`created at priority ${priority}`);
      return created;
    });
    recreated = true;
    await waitApplied(options, clock, goal.configurationId);
  } else if (kept.targetCondition !== target.targetCondition) {
    // A revision that stopped part-way: it goes back to the whole fleet before the others leave.
    const update = kept;
    kept = await progress.step(`deployment ${goal.configurationId}: whole fleet`, async () =>
      hub.updateConfiguration(update.id, update.etag, { targetCondition: target.targetCondition }),
    );
    await waitApplied(options, clock, goal.configurationId);
  }

  const deleted: string[] = [];
  for (const other of own.filter((c) => c.id !== goal.configurationId)) {
    await progress.step(`delete deployment ${other.id}`, async () => hub.deleteConfiguration(other.id, other.etag));
    deleted.push(other.id);
  }
  options.state.configurations = [goal.configurationId];
  options.state.lastAppliedContentHash = goal.contentHash;
  options.saveState();

  const now = new Date(clock.now()).toISOString();
  for (const r of history.revisions) {
    if (r.outcome === 'in-progress' || (r.outcome === 'halted' && deleted.includes(r.configurationId))) {
      r.outcome = 'rolled-back';
      r.reason = r.reason ?? `rolled back to revision ${goal.revision} by edgeml rollback`;
      r.endedAt = r.endedAt ?? now;
    }
  }
  const revision: Revision = {
    revision: nextRevisionNumber(history),
    kind: 'rollback',
    configurationId: goal.configurationId,
    contentHash: goal.contentHash,
    ...(goal.content ? { content: goal.content } : {}),
    startedAt: now,
    endedAt: new Date(clock.now()).toISOString(),
    rings: 0,
    ringsPassed: 0,
    outcome: 'succeeded',
    rolledBackTo: goal.revision,
  };
  history.revisions.push(revision);
  writeHistory(options.historyFile, history);
  return { revision: revision.revision, rolledBackTo: goal.revision, configurationId: goal.configurationId, recreated, deleted };
}

/** Waits until the deployment is applied to every device it targets (the newer ones stay until then). */
async function waitApplied(options: RollbackOptions, clock: Clock, id: string): Promise<void> {
  const deadline = clock.now() + options.timeoutMs;
  await options.progress.step(`deployment ${id} applied to targeted devices`, async (control) => {
    for (;;) {
      const config = await options.hub.getConfiguration(id);
      const m = config ? fleetMetrics(config) : { targeted: 0, applied: 0, succeeded: 0, failed: 0 };
      control.update(`${m.applied}/${m.targeted} devices`);
      if (m.applied >= m.targeted) {
        control.done(`${m.applied}/${m.targeted} devices`);
        return;
      }
      if (clock.now() + options.intervalMs > deadline) {
        throw rolloutError('rollbackNotApplied', {
          configuration: id,
          applied: m.applied,
          targeted: m.targeted,
          seconds: Math.round(options.timeoutMs / 1000),
        });
      }
      await clock.sleep(options.intervalMs);
    }
  });
}
