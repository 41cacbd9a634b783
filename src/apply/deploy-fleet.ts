// Apply steps for a fleet: IoT Hub never changes a configuration's content, so a new content becomes a new
// configuration `<id>-<hash>` created with a priority above the old ones; once its system metrics show it applied
// to every targeted device the old ones are deleted, so no device is ever without a deployment. Apply stage.
import type { DeploymentTargetIR } from '../ir/types.js';
import { ownConfigurations } from '../plan/live.js';
import { configurationUpdate, nextPriority } from '../plan/create-plan.js';
import type { ConfigurationContent, ConfigurationInfo, IotHubProvider } from '../providers/types.js';
import { realClock, type Clock } from './convergence.js';
import { applyError } from './errors.js';
import type { Progress } from './progress.js';
import type { ApplyState } from './state.js';

type FleetTarget = Extract<DeploymentTargetIR, { kind: 'fleet' }>;

export interface FleetOptions {
  hub: IotHubProvider;
  target: FleetTarget;
  configurationId: string;
  /** With secrets resolved. Never printed. */
  resolved: ConfigurationContent;
  state: ApplyState;
  saveState(): void;
  progress: Progress;
  timeoutMs: number;
  intervalMs: number;
  clock?: Clock;
}

export interface FleetMetrics {
  targeted: number;
  applied: number;
  succeeded: number;
  failed: number;
}

export function fleetMetrics(config: ConfigurationInfo): FleetMetrics {
  const m = config.systemMetrics;
  return {
    targeted: m.targetedCount ?? 0,
    applied: m.appliedCount ?? 0,
    succeeded: m.reportedSuccessfulCount ?? 0,
    failed: m.reportedFailedCount ?? 0,
  };
}

/** Creates (or re-ranks) the configuration for this content. Returns it and the older ones it replaces. */
async function ensureConfiguration(
  options: FleetOptions,
): Promise<{ current: ConfigurationInfo; older: ConfigurationInfo[]; created: boolean }> {
  const { hub, target, configurationId: id, state } = options;
  return options.progress.step(`deployment ${id}`, async (control) => {
    const own = ownConfigurations(await hub.listConfigurations(), target.id);
    const older = own.filter((c) => c.id !== id);
    let current = own.find((c) => c.id === id);
    if (!current) {
      const priority = nextPriority(target.priority, { configurations: older });
      if (!state.configurations.includes(id)) state.configurations.push(id);
      options.saveState();
      current = await hub.createConfiguration({
        id,
        content: options.resolved,
        targetCondition: target.targetCondition,
        priority,
        labels: target.labels,
        metrics: target.metrics,
      });
      control.done(`created at priority ${priority}`);
      return { current, older, created: true };
    }
    // Same content already there (a re-run, or a rollback to an older spec): fix what may change in place.
    const update = configurationUpdate(current, older, target);
    if (Object.keys(update).length > 0) {
      current = await hub.updateConfiguration(id, current.etag, update);
      control.done(`updated ${Object.keys(update).sort().join(', ')}`);
    } else {
      control.done('exists, unchanged');
    }
    return { current, older, created: false };
  });
}

async function pollMetrics(
  options: FleetOptions,
  deadline: number,
  done: (m: FleetMetrics) => boolean,
  onPoll: (m: FleetMetrics) => void,
): Promise<{ metrics: FleetMetrics; ok: boolean }> {
  const clock = options.clock ?? realClock;
  for (;;) {
    const config = await options.hub.getConfiguration(options.configurationId);
    const metrics = config ? fleetMetrics(config) : { targeted: 0, applied: 0, succeeded: 0, failed: 0 };
    onPoll(metrics);
    if (done(metrics)) return { metrics, ok: true };
    if (clock.now() + options.intervalMs > deadline) return { metrics, ok: false };
    await clock.sleep(options.intervalMs);
  }
}

export interface FleetResult {
  converged: boolean;
  metrics: FleetMetrics;
  created: boolean;
  deleted: string[];
}

export async function deployToFleet(options: FleetOptions): Promise<FleetResult> {
  const { hub, progress, state } = options;
  // One --timeout for the whole rollout: reaching the devices and their modules running.
  const deadline = (options.clock ?? realClock).now() + options.timeoutMs;
  const { older, created } = await ensureConfiguration(options);

  // Wait until every targeted device has taken the new configuration before removing the old one.
  const applied = await progress.step(`deployment applied to targeted devices`, async (control) => {
    const result = await pollMetrics(
      options,
      deadline,
      (m) => m.applied >= m.targeted,
      (m) => control.update(`${m.applied}/${m.targeted} devices`),
    );
    if (!result.ok)
      throw applyError('fleetNotApplied', {
        id: options.configurationId,
        applied: result.metrics.applied,
        targeted: result.metrics.targeted,
      });
    control.done(`${result.metrics.applied}/${result.metrics.targeted} devices`);
    return result.metrics;
  });

  const deleted: string[] = [];
  for (const old of older) {
    await progress.step(`remove superseded deployment ${old.id}`, async () => {
      await hub.deleteConfiguration(old.id, old.etag);
    });
    deleted.push(old.id);
    state.configurations = state.configurations.filter((id) => id !== old.id);
    options.saveState();
  }

  let metrics = applied;
  let converged = false;
  try {
    await progress.step('modules running on targeted devices', async (control) => {
      const result = await pollMetrics(
        options,
        deadline,
        (m) => m.failed === 0 && m.succeeded >= m.targeted,
        (m) => control.update(`${m.succeeded}/${m.targeted} reporting success, ${m.failed} failed`),
      );
      metrics = result.metrics;
      converged = result.ok;
      if (!result.ok) throw new Error('not converged');
      control.done(`${metrics.succeeded}/${metrics.targeted} devices report success`);
    });
  } catch {
    // Reported by the caller with the metrics.
  }
  return { converged, metrics, created, deleted };
}
