// `edgeml run --attach MODULE`: instead of starting the module, write the variables IoT Edge would give it (the
// run's EdgeHubConnectionString and CA file, its spec env, for a capture module its config) to an env file the user
// loads in a debugger; and, at the end of any run, the local edgeHub's refusals and drops as diagnostics.
// Local stage. The env file's folder is stable per spec (a launch configuration can name it) and the file is
// removed when the run ends: its key is valid for that run only.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { bindMessages } from '../../diagnostics/report.js';
import type { runMessages } from '../../diagnostics/codes/run.js';
import type { ModuleIR, WorkflowIR } from '../../ir/types.js';
import type { ModelInfo } from '../../model/model-info.js';
import { prepareCaptureModule } from '../capture-module.js';
import { prepareTelemetryModule } from '../telemetry-module.js';
import type { BusStats } from '../message-bus.js';
import type { RunningScoringModule } from '../scoring-module.js';
import { ModuleStartError } from '../scoring-module.js';
import { DEFAULT_EDGE_HUB_LIMITS, type EdgeHubStats } from './edge-hub.js';
import { attachVariables, removeAttachEnvFile, writeAttachEnvFile, type RunEdgeHub } from './run-hub.js';

export interface AttachInfo {
  module: string;
  envFile: string;
  /** Every variable in the env file (the connection string's key is a per-run key, not a secret of the user). */
  variables: Record<string, string>;
  /** Secret variables of the spec the user must export, by name. */
  secrets: string[];
  /** How to start it, when edgeml knows (its own modules). */
  command?: string;
  cleanup(): Promise<void>;
}

/** The folder of attach env files: `$TMPDIR/edgeml-attach/<workflow name>/`. */
export function attachDirectory(ir: WorkflowIR): string {
  return join(tmpdir(), 'edgeml-attach', ir.name);
}

export async function attachModule(options: {
  ir: WorkflowIR;
  module: ModuleIR;
  edgeHub: RunEdgeHub;
  scoring: readonly RunningScoringModule[];
  env: Readonly<Record<string, string | undefined>>;
  runtimeDir: string;
  modelInfo?: ModelInfo;
}): Promise<AttachInfo> {
  const { ir, module, edgeHub } = options;
  const dir = attachDirectory(ir);
  let extra: Record<string, string> = {};
  let command: string | undefined;
  if (module.kind === 'image-capture') {
    const target = options.scoring.find((s) => s.name === module.capture!.scoringModule);
    if (!target) throw new ModuleStartError(`it sends frames to '${module.capture!.scoringModule}', which does not run locally.`);
    const prepared = await prepareCaptureModule({
      ir,
      module,
      scoringBaseUrl: target.baseUrl,
      env: options.env,
      workDir: dir,
      runtimeDir: options.runtimeDir,
      edgeHubEnv: edgeHub.hostEnv(module.name),
    });
    extra = { EDGEML_CONFIG: prepared.configPath, EDGEML_VIEW_HOST: '127.0.0.1' };
    command = `node --inspect ${join(options.runtimeDir, 'capture', 'main.js')}`;
  } else if (module.kind === 'scoring') {
    const prepared = await prepareTelemetryModule({
      ir,
      module,
      modelInfo: options.modelInfo,
      env: options.env,
      workDir: dir,
      runtimeDir: options.runtimeDir,
      edgeHubEnv: edgeHub.hostEnv(module.name),
    });
    extra = { EDGEML_CONFIG: prepared.configPath };
    command = `node --inspect ${join(options.runtimeDir, 'telemetry', 'main.js')}`;
  }
  const attach = attachVariables(module, edgeHub, extra);
  const envFile = await writeAttachEnvFile(dir, module.name, attach);
  return {
    module: module.name,
    envFile,
    variables: attach.variables,
    secrets: attach.secrets,
    ...(command ? { command } : {}),
    cleanup: () => removeAttachEnvFile(envFile),
  };
}

/**
 * Refusals and dropped input messages as warnings; messages still waiting for an input count as unread, and so do
 * the dropped ones of a module that did not run (`notRunning`): for those, "not read" says it better than "dropped".
 */
export function reportEdgeHubStats(
  stats: EdgeHubStats,
  busStats: BusStats,
  m: ReturnType<typeof bindMessages<typeof runMessages>>,
  notRunning: ReadonlySet<string> = new Set(),
): void {
  const refusals = new Map<string, { module: string; reason: string; count: number }>();
  for (const failure of stats.authFailures) {
    const key = `${failure.module ?? '?'}\n${failure.reason}`;
    const entry = refusals.get(key) ?? { module: failure.module ?? '(unknown)', reason: failure.reason, count: 0 };
    entry.count++;
    refusals.set(key, entry);
  }
  for (const refusal of refusals.values()) m.edgeHubRefused(refusal);
  for (const [key, count] of Object.entries(stats.dropped)) {
    const [module, input] = key.split('/') as [string, string];
    if (notRunning.has(module)) busStats.unread[key] = (busStats.unread[key] ?? 0) + count;
    else m.inputsDropped({ module, input, count, limit: DEFAULT_EDGE_HUB_LIMITS.maxQueuedPerInput });
  }
  for (const [key, count] of Object.entries(stats.queued)) busStats.unread[key] = (busStats.unread[key] ?? 0) + count;
}
