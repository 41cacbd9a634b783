// What plan, apply, status, destroy and state recover share on the CLI side: load the spec, render the desired
// deployment the way compile does, locate the state file, open providers, and print diagnostics. CLI stage.
import type { CliIO } from './io.js';
import { painter, useColor } from './output.js';
import { formatDiagnostics, toJsonDiagnostics } from '../diagnostics/render.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/types.js';
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

/**
 * Loads the spec; with `render`, also renders it exactly as compile does and builds the desired deployment.
 * status and destroy only need the IR (no model introspection, no rendering).
 */
export async function loadSpec(specPath: string, options: CommonOptions, io: CliIO, render: boolean): Promise<LoadedSpec> {
  const { loadWorkflow } = await import('../program.js');
  const loaded = await loadWorkflow(specPath, { sets: options.set, env: io.env, cwd: io.cwd, introspect: render });
  const spec = loaded.spec;
  const locate = spec ? (path: SpecPath) => spec.locate(path) : undefined;
  if (!loaded.ir || !render) return { ir: loaded.ir, diagnostics: loaded.diagnostics, sources: loaded.sources, locate };
  const { loadRenderAssets } = await import('../emit/load-render-assets.js');
  const { desiredFromRender } = await import('../apply/desired-from-render.js');
  const result = desiredFromRender({ ir: loaded.ir, assets: loadRenderAssets(loaded.ir), model: loaded.modelInfo });
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...result.diagnostics]);
  return { ir: loaded.ir, desired: hasErrors(diagnostics) ? undefined : result.desired, diagnostics, sources: loaded.sources, locate };
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
export function printDiagnostics(io: CliIO, options: CommonOptions, diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>): void {
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
 * plan and apply both do it before rendering, because the scoring config, and so the image tag, depend on the model.
 */
export async function prefetchRemoteModel(specPath: string, options: { set?: string[] }, io: CliIO): Promise<{ diagnostic: Diagnostic; sources: ReadonlyMap<string, string> } | undefined> {
  const { loadWorkflow } = await import('../program.js');
  const plain = await loadWorkflow(specPath, { sets: options.set, env: io.env, cwd: io.cwd, introspect: false });
  if (!plain.ir) return undefined; // loadSpec reports the spec's problems
  const { prefetchSpecModel } = await import('../model/fetch-remote.js');
  const diagnostic = await prefetchSpecModel(plain.ir, { env: io.env, cwd: io.cwd });
  return diagnostic ? { diagnostic, sources: plain.sources } : undefined;
}
