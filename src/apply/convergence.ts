// The convergence predicate of iotedge-facts §7.2, evaluated on the $edgeAgent and $edgeHub module twins of one
// device, plus the per-module report shared by apply (what is not running yet, and why) and status. Apply stage.
import type { ModuleTwin, TwinProperties } from '../providers/types.js';

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export interface ModuleReport {
  name: string;
  system: boolean;
  desiredStatus?: string;
  runtimeStatus?: string;
  desiredImage?: string;
  reportedImage?: string;
  exitCode?: number;
  statusDescription?: string;
  restartCount?: number;
  lastStartTimeUtc?: string;
  /** True when the module runs the desired image in the desired status. */
  ok: boolean;
  /** Why it is not ok, as a predicate: 'is failed, desired running', 'runs image x, desired y'. */
  reason?: string;
}

export interface TwinAck {
  desiredVersion?: number;
  lastDesiredVersion?: number;
  code?: number;
  description?: string;
  ok: boolean;
}

export interface ConvergenceReport {
  converged: boolean;
  agent: TwinAck;
  hub: TwinAck;
  modules: ModuleReport[];
  /** One line per unmet condition, for people. */
  problems: string[];
  /** edgeAgent refused this deployment version outright (400/412): waiting longer cannot help. */
  rejected: boolean;
}

function ack(twin: ModuleTwin | undefined): TwinAck {
  const desiredVersion = num(twin?.desired.$version);
  const reported: TwinProperties = twin?.reported ?? {};
  const status = obj(reported.lastDesiredStatus);
  const result: TwinAck = {
    desiredVersion,
    lastDesiredVersion: num(reported.lastDesiredVersion),
    code: num(status.code),
    description: str(status.description),
    ok: false,
  };
  result.ok = desiredVersion !== undefined && result.lastDesiredVersion === desiredVersion && result.code === 200;
  return result;
}

function moduleReport(name: string, system: boolean, desired: Json, reported: Json | undefined): ModuleReport {
  const r = obj(reported);
  const report: ModuleReport = {
    name,
    system,
    // edgeAgent has no status field: it always runs.
    desiredStatus: str(desired.status) ?? (name === 'edgeAgent' ? 'running' : undefined),
    desiredImage: str(obj(desired.settings).image),
    runtimeStatus: str(r.runtimeStatus),
    reportedImage: str(obj(r.settings).image),
    exitCode: num(r.exitCode),
    statusDescription: str(r.statusDescription),
    restartCount: num(r.restartCount),
    lastStartTimeUtc: str(r.lastStartTimeUtc),
    ok: false,
  };
  if (!reported) report.reason = 'is not reported yet (not created on the device)';
  else if (report.runtimeStatus !== report.desiredStatus)
    report.reason = `is ${report.runtimeStatus ?? 'unknown'}, desired ${report.desiredStatus ?? 'unknown'}`;
  else if (report.reportedImage !== report.desiredImage)
    report.reason = `runs image ${report.reportedImage ?? 'unknown'}, desired ${report.desiredImage ?? 'unknown'}`;
  else report.ok = true;
  return report;
}

/** Per-module reports from what the agent was told (desired) and what it says (reported). */
export function moduleReports(agentTwin: ModuleTwin | undefined): ModuleReport[] {
  const desired = obj(agentTwin?.desired);
  const reported = obj(agentTwin?.reported);
  const reports: ModuleReport[] = [];
  for (const [group, system] of [
    ['systemModules', true],
    ['modules', false],
  ] as const) {
    const desiredGroup = obj(desired[group]);
    const reportedGroup = obj(reported[group]);
    for (const name of Object.keys(desiredGroup).sort()) {
      reports.push(
        moduleReport(name, system, obj(desiredGroup[name]), reportedGroup[name] === undefined ? undefined : obj(reportedGroup[name])),
      );
    }
  }
  return reports;
}

/** Why a module is not ok, with what the agent reports: status, exit code, restarts, description. */
export function describeModuleProblem(m: ModuleReport): string {
  const details = [
    m.exitCode !== undefined ? `exit code ${m.exitCode}` : undefined,
    m.restartCount !== undefined ? `restarts ${m.restartCount}` : undefined,
  ].filter(Boolean);
  const suffix = details.length ? ` (${details.join(', ')})` : '';
  const description = m.statusDescription ? `: ${m.statusDescription}` : '';
  return `module '${m.name}' ${m.reason}${suffix}${description}`;
}

const rejectionCodes = new Set([400, 412]);

export function evaluateConvergence(agentTwin: ModuleTwin | undefined, hubTwin: ModuleTwin | undefined): ConvergenceReport {
  const agent = ack(agentTwin);
  const hub = ack(hubTwin);
  const problems: string[] = [];
  if (!agent.ok) {
    problems.push(
      agent.lastDesiredVersion !== agent.desiredVersion
        ? `edgeAgent has not processed desired version ${agent.desiredVersion ?? '?'} yet (last ${agent.lastDesiredVersion ?? 'none'})`
        : `edgeAgent reports code ${agent.code ?? '?'}${agent.description ? `: ${agent.description}` : ''}`,
    );
  }
  // Module reports are compared with the version the agent processed; before that they describe the old deployment.
  const modules = moduleReports(agentTwin);
  for (const m of modules) if (!m.ok && (m.name !== 'edgeAgent' || agent.ok)) problems.push(describeModuleProblem(m));
  if (!hub.ok) {
    problems.push(
      hub.lastDesiredVersion !== hub.desiredVersion
        ? `edgeHub has not processed desired version ${hub.desiredVersion ?? '?'} yet (last ${hub.lastDesiredVersion ?? 'none'})`
        : `edgeHub reports code ${hub.code ?? '?'}${hub.description ? `: ${hub.description}` : ''}`,
    );
  }
  const rejected = agent.lastDesiredVersion === agent.desiredVersion && agent.code !== undefined && rejectionCodes.has(agent.code);
  return { converged: problems.length === 0 && agent.ok && hub.ok, agent, hub, modules, problems, rejected };
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
  clock?: Clock;
  /** Called after each evaluation (for progress display). */
  onPoll?(report: ConvergenceReport): void;
}

/** Polls until converged, rejected or timed out; returns the last report. */
export async function waitForConvergence(
  read: () => Promise<{ agent: ModuleTwin | undefined; hub: ModuleTwin | undefined }>,
  options: WaitOptions,
): Promise<ConvergenceReport & { timedOut: boolean }> {
  const clock = options.clock ?? realClock;
  const deadline = clock.now() + options.timeoutMs;
  for (;;) {
    const twins = await read();
    const report = evaluateConvergence(twins.agent, twins.hub);
    options.onPoll?.(report);
    if (report.converged || report.rejected) return { ...report, timedOut: false };
    if (clock.now() + options.intervalMs > deadline) return { ...report, timedOut: true };
    await clock.sleep(options.intervalMs);
  }
}
