// What plan, apply, status, destroy and state recover share on the CLI side: load the spec, render the desired
// deployment the way compile does, locate the state file, open providers, and print diagnostics. CLI stage.
import type { CliIO } from './io.js';
import { painter, useColor } from './output.js';
import { formatDiagnostics, toJsonDiagnostics } from '../diagnostics/render.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { LoadedWorkflow, Program } from '../program.js';
import type { SpecPath, Span, WorkflowIR } from '../ir/types.js';
import type { DesiredDeployment } from '../plan/desired.js';
import { createRequestStats, type RequestStats } from '../providers/types.js';
import { createAzureProviders, type AzureProviders } from '../apply/azure-providers.js';
import { toDiagnostic } from '../apply/errors.js';
import { statePath } from '../apply/state.js';

/** Test seam: poll interval for convergence and long-running operations, in ms (default 5 s / Azure's hint). */
export const POLL_INTERVAL_ENV = 'EDGEML_APPLY_POLL_MS';

export interface CommonOptions {
  set?: string[];
  json?: boolean;
  color?: boolean;
  state?: string;
}

export interface LoadedSpec {
  ir?: WorkflowIR;
  desired?: DesiredDeployment;
  diagnostics: Diagnostic[];
  /** Texts by file name for code frames; the state file's is added when a diagnostic points into it. */
  sources: Map<string, string>;
  /** Where a path of the spec is written, for diagnostics found while talking to Azure. */
  locate?: (path: SpecPath) => Span;
}

/** The Program for the spec a command names, with the command's --set values and the CLI's environment. */
export async function openProgram(
  specPath: string,
  options: { set?: readonly string[] },
  io: CliIO,
  load: { introspect?: boolean } = {},
): Promise<Program> {
  const { createProgram } = await import('../program.js');
  return createProgram(specPath, { sets: options.set, env: io.env, cwd: io.cwd, introspect: load.introspect });
}

/**
 * The spec through the Program: with `render`, also compared with its model and rendered exactly as compile does,
 * with the desired deployment. status, destroy and state recover only need the checked IR (no model, no render).
 */
export async function loadSpec(program: Program, render: boolean): Promise<LoadedSpec> {
  const loaded: LoadedWorkflow & { desired?: DesiredDeployment } = render ? await program.getOutputs() : await program.getCheckedWorkflow();
  const spec = loaded.spec;
  const locate = spec ? (path: SpecPath) => spec.locate(path) : undefined;
  const desired = loaded.desired;
  return { ir: loaded.ir, ...(desired ? { desired } : {}), diagnostics: loaded.diagnostics, sources: new Map(loaded.sources), locate };
}

export function stateFileFor(ir: WorkflowIR, specPath: string, options: CommonOptions, io: CliIO): string {
  return statePath(specPath, ir.name, options.state, io.cwd);
}

export function pollIntervalMs(io: CliIO, fallback: number): number {
  const value = Number(io.env[POLL_INTERVAL_ENV]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export async function openProviders(ir: WorkflowIR, io: CliIO, stats: RequestStats = createRequestStats()): Promise<AzureProviders> {
  const interval = io.env[POLL_INTERVAL_ENV] ? pollIntervalMs(io, 5000) : undefined;
  return createAzureProviders(ir.azure, { env: io.env, stats, pollIntervalMs: interval });
}

/** Prints diagnostics to stderr (or nothing with --json, where they go in the document). */
export function printDiagnostics(
  io: CliIO,
  options: CommonOptions,
  diagnostics: readonly Diagnostic[],
  sources: ReadonlyMap<string, string>,
): void {
  if (diagnostics.length === 0 || options.json) return;
  const paint = painter(useColor(io, 'stderr', options.color === false));
  io.stderr.write(formatDiagnostics(diagnostics, sources, paint));
}

export function jsonDiagnostics(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>): unknown[] {
  return toJsonDiagnostics(diagnostics, sources);
}

/** Runs `fn`, turning an ApplyError or ProviderError into a diagnostic (anything else is a bug and propagates). */
export async function guarded<T>(fn: () => Promise<T>): Promise<{ value?: T; diagnostic?: Diagnostic }> {
  try {
    return { value: await fn() };
  } catch (error) {
    return { diagnostic: toDiagnostic(error) };
  }
}

/**
 * Fetches the spec's remote model into the local cache (no Azure writes); returns the problem when that failed.
 * plan and apply both do it before rendering, because the scoring config, and so the image tag, depend on the model;
 * it uses the Program's checked stage, so the spec is loaded once.
 */
export async function prefetchRemoteModel(
  program: Program,
  io: CliIO,
): Promise<{ diagnostic: Diagnostic; sources: ReadonlyMap<string, string> } | undefined> {
  const checked = await program.getCheckedWorkflow();
  if (!checked.ir) return undefined; // loadSpec reports the spec's problems
  const { prefetchSpecModel } = await import('../model/fetch-remote.js');
  const diagnostic = await prefetchSpecModel(checked.ir, { env: io.env, cwd: io.cwd });
  return diagnostic ? { diagnostic, sources: checked.sources } : undefined;
}
