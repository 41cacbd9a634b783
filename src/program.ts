// The pipeline in one place, like TypeScript's Program: load → --set overrides → variables → schema → lower to IR →
// resolve referenced files (labels files into the IR) → freeze the IR → semantic checks → compare with the ONNX model
// → render. Each stage runs once per Program and is cached; compile, test, run, fetch, plan, apply, status, destroy,
// state recover and the golden tests all ask a Program for diagnostics, the IR, the rendered outputs or the desired
// deployment instead of assembling the stages themselves.
import { dirname, resolve } from 'node:path';
import { Reporter } from './diagnostics/report.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics/types.js';
import { runChecks } from './check/index.js';
import type { WorkflowIR } from './ir/types.js';
import { lowerSpec } from './ir/lower.js';
import { supportCheckDate } from './ir/platform-support.js';
import { loadSpecFile, type SpecDocument } from './parse/load-spec.js';
import { applySetOverrides } from './resolve/overrides.js';
import { resolveVariables } from './resolve/variables.js';
import { compareWithModel, resolveSpecFiles } from './resolve/files.js';
import { resolveMessageContracts } from './resolve/contracts.js';
import { deepFreeze } from './ir/freeze.js';
import { validateSpecSchema } from './schema/validate-spec.js';
import type { ModelInfo } from './model/model-info.js';
import type { DesiredDeployment } from './plan/desired.js';
import type { RenderedFile } from './render/types.js';

export interface LoadOptions {
  /** `--set path=value` overrides, applied before variables. */
  sets?: readonly string[];
  /** Environment for ${env:NAME}; defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Read the ONNX model and compare it with the spec (default true). */
  introspect?: boolean;
  /**
   * Folder holding the remote model's file (for introspection of azureml/url sources). Default: the spec's entry in
   * the model cache (model/cache.ts), when it is there and verified.
   */
  modelCacheDir?: string;
  /** How the ONNX model is read: with onnxruntime (default; proves it loads) or from its protobuf (fast). */
  modelReader?: 'onnxruntime' | 'header';
  /** Working folder for relative spec paths (default process.cwd()). */
  cwd?: string;
  /** The date support windows are judged against (YYYY-MM-DD); default: SOURCE_DATE_EPOCH from `env`, else the clock. */
  today?: string;
}

export interface LoadedWorkflow {
  /** Present only when there are no error diagnostics. */
  ir?: WorkflowIR;
  diagnostics: Diagnostic[];
  /** Spec texts by file name, for code frames. */
  sources: Map<string, string>;
  spec?: SpecDocument;
  /** What the ONNX model says, when it was read. */
  modelInfo?: ModelInfo;
}

/** What the checked spec renders to: every output file and the typed deployment plan and apply consume. */
export interface ProgramOutputs extends LoadedWorkflow {
  /** Sorted by path; empty when there are errors. */
  files: RenderedFile[];
  /** The deployment and images plan and apply consume; absent when there are errors. */
  desired?: DesiredDeployment;
}

export interface Program {
  readonly specPath: string;
  /** Load → checks, without reading the model (what fetch, status, destroy and recover need). Cached. */
  getCheckedWorkflow(): Promise<LoadedWorkflow>;
  /** getCheckedWorkflow, then the spec compared with the ONNX model (unless `introspect: false`). Cached. */
  getWorkflow(): Promise<LoadedWorkflow>;
  /** getWorkflow, then every renderer: the output files and the desired deployment. Cached. */
  getOutputs(): Promise<ProgramOutputs>;
}

/** A Program for one spec; nothing runs until a stage is asked for. */
export function createProgram(specPath: string, options: LoadOptions = {}): Program {
  let checked: Promise<CheckedWorkflow> | undefined;
  let workflow: Promise<LoadedWorkflow> | undefined;
  let outputs: Promise<ProgramOutputs> | undefined;
  const program: Program = {
    specPath,
    getCheckedWorkflow: async () => publicView(await (checked ??= checkWorkflow(specPath, options))),
    getWorkflow: () => (workflow ??= (checked ??= checkWorkflow(specPath, options)).then((c) => compareWorkflow(c, options))),
    getOutputs: () => (outputs ??= program.getWorkflow().then((w) => renderProgramOutputs(w))),
  };
  return program;
}

/** Loads, checks and (unless `introspect: false`) compares the spec with its model: `createProgram(...).getWorkflow()`. */
export async function loadWorkflow(specPath: string, options: LoadOptions = {}): Promise<LoadedWorkflow> {
  return createProgram(specPath, options).getWorkflow();
}

/** The checked stages' result, with what the model comparison needs. */
interface CheckedWorkflow extends LoadedWorkflow {
  reporter?: Reporter;
  modelIsLocal?: boolean;
  /** The IR even when later stages will withhold it (kept for the model comparison). */
  checkedIR?: WorkflowIR;
}

function publicView(c: CheckedWorkflow): LoadedWorkflow {
  const { reporter: _reporter, modelIsLocal: _local, checkedIR: _ir, ...view } = c;
  return view;
}

async function checkWorkflow(specPath: string, options: LoadOptions): Promise<CheckedWorkflow> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const absolute = resolve(cwd, specPath);
  const loaded = loadSpecFile(absolute, specPath);
  const sources = new Map<string, string>();
  if (loaded.text !== undefined) sources.set(specPath, loaded.text);
  const finish = (diagnostics: Diagnostic[], extra: Partial<CheckedWorkflow> = {}): CheckedWorkflow => ({
    diagnostics: sortDiagnostics(diagnostics),
    sources,
    ...extra,
  });
  if (!loaded.spec) return finish(loaded.diagnostics);
  const spec = loaded.spec;

  const reporter = new Reporter(specPath);
  reporter.add(...loaded.diagnostics);
  let data = options.sets?.length ? applySetOverrides(spec.value, options.sets, reporter) : spec.value;
  data = resolveVariables(spec, data, env, reporter);
  if (hasErrors(reporter.diagnostics)) return finish(reporter.diagnostics, { spec });
  const schemaValid = validateSpecSchema(spec, data, reporter);

  // Semantic checks run even when the schema failed, so the user sees every mistake at once; on schema-invalid
  // data a check that trips over a malformed value is skipped rather than reported.
  let lowered: WorkflowIR;
  try {
    lowered = lowerSpec(isRecord(data) ? data : {}, specPath, dirname(absolute));
  } catch (error) {
    if (schemaValid) throw error;
    return finish(reporter.diagnostics, { spec });
  }
  // Files are resolved before the checks so that what they put into the IR (labels) is checked like inline values;
  // on schema-invalid data the IR may be malformed, so only the checks run, tolerantly.
  const resolved = schemaValid ? resolveSpecFiles(lowered, spec, reporter) : { ir: lowered, modelIsLocal: false };
  // Contracts are read before the checks, which check route conditions against them (part of resolving, before freezing).
  resolveMessageContracts(resolved.ir, spec, reporter);
  const ir = deepFreeze(resolved.ir);
  const today = options.today ?? supportCheckDate(env);
  const checkInput = { ir, data: isRecord(data) ? data : {}, text: spec.text, file: specPath, locate: spec.locate, today };
  reporter.add(...runChecks(checkInput, undefined, { tolerant: !schemaValid }));
  if (hasErrors(reporter.diagnostics)) return finish(reporter.diagnostics, { spec });
  return finish(reporter.diagnostics, { ir, spec, reporter, modelIsLocal: resolved.modelIsLocal, checkedIR: ir });
}

async function compareWorkflow(checked: CheckedWorkflow, options: LoadOptions): Promise<LoadedWorkflow> {
  const { reporter, checkedIR: ir, spec } = checked;
  if (!reporter || !ir || !spec) return publicView(checked);
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  // The model comparison reports into a copy, so the checked stage's cached diagnostics stay as they were.
  const compareReporter = new Reporter(ir.specFile);
  compareReporter.add(...reporter.diagnostics);
  const introspect = options.introspect ?? true;
  const modelCacheDir = options.modelCacheDir ?? (introspect ? await defaultModelCacheDir(ir, env, cwd) : undefined);
  const compared = await compareWithModel(
    ir,
    spec,
    compareReporter,
    { introspect, modelCacheDir, modelReader: options.modelReader },
    checked.modelIsLocal === true,
  );
  const diagnostics = sortDiagnostics(compareReporter.diagnostics);
  const modelInfo = compared.modelInfo;
  if (hasErrors(diagnostics)) return { diagnostics, sources: checked.sources, spec, ...(modelInfo ? { modelInfo } : {}) };
  return { ir, diagnostics, sources: checked.sources, spec, ...(modelInfo ? { modelInfo } : {}) };
}

async function renderProgramOutputs(workflow: LoadedWorkflow): Promise<ProgramOutputs> {
  const { ir, spec } = workflow;
  if (!ir) return { ...workflow, files: [] };
  const { loadRenderAssets } = await import('./emit/load-render-assets.js');
  const { renderWorkflow } = await import('./render/index.js');
  const { desiredFromRender } = await import('./apply/desired-from-render.js');
  const ctx = { ir, assets: loadRenderAssets(ir), model: workflow.modelInfo };
  const rendered = renderWorkflow(ctx, { locate: spec ? (path) => spec.locate(path) : undefined });
  const desired = desiredFromRender(ctx, rendered);
  const diagnostics = sortDiagnostics([...workflow.diagnostics, ...rendered.diagnostics, ...desired.diagnostics]);
  if (hasErrors(diagnostics)) return { ...workflow, diagnostics, files: [] };
  return { ...workflow, diagnostics, files: rendered.files, ...(desired.desired ? { desired: desired.desired } : {}) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The verified cache entry of a remote model (`edgeml fetch` puts it there); undefined for local models. */
async function defaultModelCacheDir(
  ir: WorkflowIR,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<string | undefined> {
  const { isRemoteSource, modelCacheRoot, verifiedCacheDir } = await import('./model/cache.js');
  if (!isRemoteSource(ir.model.source)) return undefined;
  return verifiedCacheDir(ir, modelCacheRoot(ir.specDir, env, cwd));
}
