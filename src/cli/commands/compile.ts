// `edgeml compile <spec> [--out DIR] [--check] [--set path=value...] [--json]` (CLI stage): load and check the spec,
// render every artifact in memory, then write the output folder atomically, or with --check compare it byte for byte.
//
// Test seam: EDGEML_TEST_EMIT_PAUSE_AFTER=<n|half> makes the writer stop after n (or half of the) files in its temp
// folder, print "edgeml: test pause after <n> files in <temp folder>" to stderr and wait 60 s, so a test can kill the
// process mid-write (test/compile/kill.test.mjs). It only delays the write; it never changes what is written.
import { join, resolve } from 'node:path';
import type { CliIO } from '../io.js';
import { ExitCode } from '../io.js';
import { painter, useColor } from '../output.js';
import { formatCompileSummary, summarizeCompile } from '../compile-summary.js';
import { createProgram } from '../../program.js';
import { formatDiagnostics, toJsonDiagnostics } from '../../diagnostics/render.js';
import { Reporter, bindMessages } from '../../diagnostics/report.js';
import { compileMessages } from '../../diagnostics/codes/render.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../../diagnostics/types.js';
import { SCRIPT_STATE_FILES } from '../../render/scripts/index.js';
import type { RenderedFile } from '../../render/types.js';
import type { WorkflowIR } from '../../ir/types.js';
import { specInputPaths } from '../../emit/load-render-assets.js';
import { checkRenderedPaths, writeOutput, type WriteOutputOptions } from '../../emit/write-output.js';
import { readTree } from '../../emit/read-tree.js';
import { compareOutput, describeDifference, type OutputDifference } from '../../emit/compare-output.js';

export interface CompileOptions {
  out?: string;
  check?: boolean;
  set?: string[];
  json?: boolean;
  /** false with --no-color. */
  color?: boolean;
}

export const PAUSE_ENV = 'EDGEML_TEST_EMIT_PAUSE_AFTER';
const SHOWN_DIFFERENCES = 10;

/** Default output folder for a workflow, relative to the working directory. */
export function defaultOutDir(name: string): string {
  return `generated/${name}`;
}

export interface CompiledWorkflow {
  name?: string;
  /** The checked IR, when loading succeeded (tests use it to find the spec's secrets). */
  ir?: WorkflowIR;
  files: RenderedFile[];
  diagnostics: Diagnostic[];
  sources: ReadonlyMap<string, string>;
}

/** Asks the Program for the spec's outputs, in memory; `files` is empty when there are errors. Used by the golden tests too. */
export async function compileInMemory(
  specPath: string,
  options: { sets?: readonly string[]; env?: CliIO['env']; cwd: string },
): Promise<CompiledWorkflow> {
  // Compile needs only the model's signature: read it from the protobuf instead of starting onnxruntime
  // (validate and test load the model with onnxruntime; test/model/onnx-signature.test.mjs keeps both in agreement).
  const program = createProgram(specPath, { sets: options.sets, env: options.env, cwd: options.cwd, modelReader: 'header' });
  const outputs = await program.getOutputs();
  if (!outputs.ir) return { files: [], diagnostics: outputs.diagnostics, sources: outputs.sources };
  const ir = outputs.ir;
  const reporter = new Reporter(ir.specFile);
  if (!hasErrors(outputs.diagnostics)) checkRenderedPaths(outputs.files, reporter);
  const diagnostics = sortDiagnostics([...outputs.diagnostics, ...reporter.diagnostics]);
  return { name: ir.name, ir, files: hasErrors(diagnostics) ? [] : outputs.files, diagnostics, sources: outputs.sources };
}

function pauseOptions(io: CliIO, fileCount: number): WriteOutputOptions {
  const setting = io.env[PAUSE_ENV];
  if (!setting) return {};
  const after = setting === 'half' ? Math.max(1, Math.floor(fileCount / 2)) : Number(setting);
  if (!Number.isInteger(after) || after < 1) return {};
  return {
    pauseAfterFiles: after,
    onPause: async (tempDir) => {
      io.stderr.write(`edgeml: test pause after ${after} files in ${tempDir}\n`);
      await new Promise((done) => setTimeout(done, 60_000));
    },
  };
}

export default async function compile(args: string[], options: CompileOptions, io: CliIO): Promise<number> {
  const specPath = args[0];
  if (!specPath) {
    io.stderr.write('edgeml compile: missing <spec> argument.\n');
    return ExitCode.usage;
  }
  const paint = painter(useColor(io, 'stderr', options.color === false));
  const compiled = await compileInMemory(specPath, { sets: options.set, env: io.env, cwd: io.cwd });
  const out = options.out ?? (compiled.name ? defaultOutDir(compiled.name) : undefined);

  const finish = (code: number, diagnostics: Diagnostic[], extra: Record<string, unknown> = {}, text = ''): number => {
    if (options.json) {
      const json = { ok: code === ExitCode.ok, out, ...extra, diagnostics: toJsonDiagnostics(diagnostics, compiled.sources) };
      io.stdout.write(JSON.stringify(json, null, 2) + '\n');
    } else {
      if (diagnostics.length > 0) io.stderr.write(formatDiagnostics(diagnostics, compiled.sources, paint));
      if (text) io.stdout.write(text);
    }
    return code;
  };

  if (hasErrors(compiled.diagnostics) || out === undefined) return finish(ExitCode.failed, compiled.diagnostics);

  if (options.check) {
    const differences = compareOutput(compiled.files, await readTree(resolve(io.cwd, out)), SCRIPT_STATE_FILES);
    if (differences.length === 0) {
      return finish(ExitCode.ok, compiled.diagnostics, { differences: [] }, `${out} is up to date (${compiled.files.length} files).\n`);
    }
    const reporter = new Reporter();
    bindMessages(reporter, 'compile', compileMessages).outputOutOfDate({
      out,
      count: differences.length,
      first: describeDifference(differences[0]),
    });
    return finish(ExitCode.failed, [...compiled.diagnostics, ...reporter.diagnostics], { differences }, listDifferences(differences));
  }

  // Never replace a folder holding the spec or a file it names (e.g. --out pointing at the model folder).
  const inputs = compiled.ir ? specInputPaths(compiled.ir).map((p) => join(compiled.ir!.specDir, ...p.split('/'))) : [];
  const written = await writeOutput(out, compiled.files, io.cwd, {
    protectedPaths: [resolve(io.cwd, specPath), ...inputs],
    // What step 1 recorded it created: step 6 needs it after any number of recompiles.
    preservePaths: SCRIPT_STATE_FILES,
    skipUnchanged: true,
    ...pauseOptions(io, compiled.files.length),
  });
  const diagnostics = [...compiled.diagnostics, ...written.diagnostics];
  if (hasErrors(written.diagnostics)) return finish(ExitCode.failed, diagnostics);
  const headline = written.unchanged
    ? `${out} is up to date (${compiled.files.length} files); nothing written.\n`
    : `Wrote ${written.written} files to ${out}.\n`;
  // Also when nothing changed: a first run on a fresh clone finds the committed goldens, and must still show what they are.
  const summary = compiled.ir
    ? summarizeCompile(
        compiled.ir,
        compiled.files.map((f) => f.path),
        specPath,
        out,
      )
    : undefined;
  const text = headline + (summary ? formatCompileSummary(summary) : '');
  return finish(
    ExitCode.ok,
    diagnostics,
    { files: compiled.files.map((f) => f.path), written: written.written, ...(summary ? { summary } : {}) },
    text,
  );
}

function listDifferences(differences: readonly OutputDifference[]): string {
  const shown = differences.slice(0, SHOWN_DIFFERENCES).map((d) => `  ${describeDifference(d)}\n`);
  const more = differences.length > SHOWN_DIFFERENCES ? `  ... and ${differences.length - SHOWN_DIFFERENCES} more\n` : '';
  return shown.join('') + more;
}
