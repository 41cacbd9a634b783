// The pipeline in one place: load → --set overrides → variables → schema → lower to IR → semantic checks →
// resolve referenced files → compare with the ONNX model. Commands ask it for the IR and diagnostics.
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
import { resolveSpecFiles } from './resolve/files.js';
import { validateSpecSchema } from './schema/validate-spec.js';
import type { ModelInfo } from './model/model-info.js';

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

export async function loadWorkflow(specPath: string, options: LoadOptions = {}): Promise<LoadedWorkflow> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const absolute = resolve(cwd, specPath);
  const loaded = loadSpecFile(absolute, specPath);
  const sources = new Map<string, string>();
  if (loaded.text !== undefined) sources.set(specPath, loaded.text);
  const finish = (diagnostics: Diagnostic[], extra: Partial<LoadedWorkflow> = {}): LoadedWorkflow => ({
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
  let ir: WorkflowIR;
  try {
    ir = lowerSpec(data as Record<string, unknown> as never, specPath, dirname(absolute));
  } catch (error) {
    if (schemaValid) throw error;
    return finish(reporter.diagnostics, { spec });
  }
  const today = options.today ?? supportCheckDate(env);
  const checkInput = { ir, data: data as Record<string, unknown>, text: spec.text, file: specPath, locate: spec.locate, today };
  reporter.add(...runChecks(checkInput, undefined, { tolerant: !schemaValid }));
  if (hasErrors(reporter.diagnostics)) return finish(reporter.diagnostics, { spec });

  const introspect = options.introspect ?? true;
  const modelCacheDir = options.modelCacheDir ?? (introspect ? await defaultModelCacheDir(ir, env, cwd) : undefined);
  const resolved = await resolveSpecFiles(ir, spec, reporter, { introspect, modelCacheDir, modelReader: options.modelReader });
  if (hasErrors(reporter.diagnostics)) return finish(reporter.diagnostics, { spec, modelInfo: resolved.modelInfo });
  return finish(reporter.diagnostics, { ir, spec, modelInfo: resolved.modelInfo });
}

/** The verified cache entry of a remote model (`edgeml fetch` puts it there); undefined for local models. */
async function defaultModelCacheDir(ir: WorkflowIR, env: Readonly<Record<string, string | undefined>>, cwd: string): Promise<string | undefined> {
  const { isRemoteSource, modelCacheRoot, verifiedCacheDir } = await import('./model/cache.js');
  if (!isRemoteSource(ir.model.source)) return undefined;
  return verifiedCacheDir(ir, modelCacheRoot(ir.specDir, env, cwd));
}
