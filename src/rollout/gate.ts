// A ring's health gate: pass, fail or keep waiting, from how the ring's devices are doing now. Modelled on the abort
// criteria of Greengrass deployments and hawkBit's error thresholds: the failure limit applies once minDevices have
// reported; devices still silent when the wait is over count as failed. Rollout stage (pure).
import type { RolloutGateIR } from '../ir/types.js';

export interface RingHealth {
  /** Devices the ring's target condition reaches now. */
  targeted: number;
  /** Running the new deployment as desired. */
  healthy: number;
  /** Reported a failed deployment or a module that failed, crash-loops or is unhealthy. */
  failed: number;
  /** Custom metric results of the deployment, by name (device counts). */
  metrics: Record<string, number | undefined>;
  /** One line per failed device (first few), for the report. */
  failures: string[];
}

export type GateVerdict = { verdict: 'wait'; detail: string } | { verdict: 'pass'; detail: string } | { verdict: 'fail'; reason: string };

const percent = (part: number, whole: number): number => (whole === 0 ? 0 : (part * 100) / whole);
const fmt = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(1));

function metricProblems(gate: RolloutGateIR, health: RingHealth): string[] {
  const problems: string[] = [];
  for (const [name, limit] of Object.entries(gate.metrics)) {
    const count = health.metrics[name];
    if (count === undefined) continue; // IoT Hub has not computed it yet
    if (limit.maxDevices !== undefined && count > limit.maxDevices)
      problems.push(`custom metric '${name}' counts ${count} devices, the gate allows ${limit.maxDevices}`);
    const share = percent(count, health.targeted);
    if (limit.maxPercent !== undefined && share > limit.maxPercent)
      problems.push(`custom metric '${name}' counts ${fmt(share)}% of the ring, the gate allows ${fmt(limit.maxPercent)}%`);
  }
  return problems;
}

/** The verdict after `elapsedMs` of waiting for this ring. */
export function evaluateGate(gate: RolloutGateIR, health: RingHealth, elapsedMs: number): GateVerdict {
  const { targeted, healthy, failed } = health;
  const reported = healthy + failed;
  const silent = Math.max(0, targeted - reported);
  const status = `${healthy} healthy, ${failed} failed, ${silent} not reported of ${targeted}`;
  const enoughReported = reported >= gate.minDevices;
  const failedShare = percent(failed, targeted);
  if (enoughReported && failedShare > gate.maxFailedPercent) {
    return {
      verdict: 'fail',
      reason: `${failed} of ${targeted} devices (${fmt(failedShare)}%) failed; the gate allows ${fmt(gate.maxFailedPercent)}%`,
    };
  }
  const problems = enoughReported ? metricProblems(gate, health) : [];
  if (problems.length > 0) return { verdict: 'fail', reason: problems.join('; ') };
  if (targeted > 0 && silent === 0 && enoughReported) return { verdict: 'pass', detail: status };
  if (elapsedMs < gate.waitSeconds * 1000) return { verdict: 'wait', detail: status };

  // Out of time: judge with what reported, counting the silent devices as failed.
  if (targeted < gate.minDevices) {
    return {
      verdict: 'fail',
      reason: `the ring reaches ${targeted} device${targeted === 1 ? '' : 's'} but the gate needs ${gate.minDevices} to report`,
    };
  }
  if (!enoughReported) {
    return {
      verdict: 'fail',
      reason: `only ${reported} of ${targeted} devices reported within ${gate.waitSeconds}s; the gate needs ${gate.minDevices}`,
    };
  }
  const failingShare = percent(failed + silent, targeted);
  if (failingShare > gate.maxFailedPercent) {
    return {
      verdict: 'fail',
      reason: `${failed} failed and ${silent} did not report within ${gate.waitSeconds}s (${fmt(failingShare)}% of ${targeted}); the gate allows ${fmt(gate.maxFailedPercent)}%`,
    };
  }
  return { verdict: 'pass', detail: status };
}
