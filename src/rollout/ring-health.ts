// How the devices of a ring are doing with the new deployment, read from their $edgeAgent twins (the convergence
// predicate of iotedge-facts §7.2, per device): healthy when the agent acknowledged the deployment's desired version
// with code 200 and every module runs the desired image; failed when the agent reported another code (e.g. 500 for an
// image pull that failed) or a module failed, crash-loops (backoff), is unhealthy or dead. Rollout stage.
import { describeModuleProblem, moduleReports } from '../apply/convergence.js';
import type { IotHubProvider, QueriedTwin } from '../providers/types.js';
import type { RingHealth } from './gate.js';

const FAILING_STATES = new Set(['failed', 'backoff', 'unhealthy', 'dead']);
/** Failure lines kept for the report. */
const MAX_FAILURE_LINES = 5;

type Classification = { kind: 'healthy' } | { kind: 'failed'; reason: string } | { kind: 'pending' };

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function classifyAgent(agent: QueriedTwin): Classification {
  const desiredVersion = agent.desired.$version;
  const reported = record(agent.reported);
  const status = record(reported.lastDesiredStatus);
  if (reported.lastDesiredVersion !== desiredVersion || typeof status.code !== 'number') return { kind: 'pending' };
  if (status.code !== 200)
    return {
      kind: 'failed',
      reason: `edgeAgent reports code ${status.code}${status.description ? `: ${String(status.description)}` : ''}`,
    };
  const modules = moduleReports({
    deviceId: agent.deviceId,
    moduleId: '$edgeAgent',
    etag: agent.etag,
    desired: agent.desired,
    reported: agent.reported,
  });
  const failing = modules.find((m) => !m.ok && m.runtimeStatus !== undefined && FAILING_STATES.has(m.runtimeStatus));
  if (failing) return { kind: 'failed', reason: describeModuleProblem(failing) };
  return modules.every((m) => m.ok) ? { kind: 'healthy' } : { kind: 'pending' };
}

/** The $edgeAgent twins of the devices this configuration is applied to. */
export function appliedAgentsQuery(configurationId: string): string {
  return `SELECT * FROM devices.modules WHERE moduleId = '$edgeAgent' AND configurations.[[${configurationId}]].status = 'Applied'`;
}

export async function readRingHealth(
  hub: IotHubProvider,
  configurationId: string,
  targeted: number,
  metrics: Record<string, number | undefined>,
): Promise<RingHealth> {
  const agents = await hub.queryTwins(appliedAgentsQuery(configurationId), 1000);
  const health: RingHealth = { targeted, healthy: 0, failed: 0, metrics, failures: [] };
  for (const agent of agents) {
    const c = classifyAgent(agent);
    if (c.kind === 'healthy') health.healthy++;
    else if (c.kind === 'failed') {
      health.failed++;
      if (health.failures.length < MAX_FAILURE_LINES) health.failures.push(`${agent.deviceId}: ${c.reason}`);
    }
  }
  return health;
}
