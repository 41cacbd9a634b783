// `edgeml test <spec> [--image FILE...] [--json]`: scores the spec's sample images (or the given ones) with the
// real scoring code in-process, prints predictions and latency, and checks model.expect. Exit 0 ok, 1 any failure.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { bindMessages, Reporter } from '../../diagnostics/report.js';
import { formatDiagnostics, toJsonDiagnostics } from '../../diagnostics/render.js';
import { runMessages } from '../../diagnostics/codes/run.js';
import { hasErrors, type Diagnostic } from '../../diagnostics/types.js';
import type { ModuleIR, WorkflowIR } from '../../ir/types.js';
import { checkExpectations, describeExpectation } from '../../local/expectations.js';
import { formatTestTable, type ScoredImage } from '../../local/test-table.js';
import { locateSpecModel } from '../../model/introspect.js';
import { createScoringConfig, withLocalStageModels } from '../../model/scoring-config.js';
import { loadWorkflow } from '../../program.js';
import type { Scorer } from '../../runtime/scoring/scorer.js';
import { ExitCode, type CliIO } from '../io.js';
import { painter, useColor } from '../output.js';

export interface TestOptions {
  image?: string[];
  /** JSON-lines message files for a telemetry spec. */
  messages?: string[];
  set?: string[];
  json?: boolean;
  color?: boolean;
  /** Folder to write annotated copies of the images into. */
  annotate?: string;
}

/** The spec key each expectation failure points at. */
const EXPECT_KEYS = { expectLabel: 'label', expectScore: 'minScore', expectDetections: 'minDetections' } as const;

interface ImageToScore {
  shown: string;
  path: string;
}

export default async function test(args: string[], options: TestOptions, io: CliIO): Promise<number> {
  const specPath = args[0]!;
  const loaded = await loadWorkflow(specPath, { sets: options.set, env: io.env, cwd: io.cwd });
  const reporter = new Reporter(specPath);
  reporter.add(...loaded.diagnostics);
  const m = bindMessages(reporter, 'run', runMessages);
  const finish = (code: number, report?: object): number => {
    if (options.json) {
      io.stdout.write(
        JSON.stringify(
          { spec: specPath, ok: code === ExitCode.ok, ...report, diagnostics: toJsonDiagnostics(reporter.diagnostics, loaded.sources) },
          null,
          2,
        ) + '\n',
      );
    } else if (reporter.diagnostics.length > 0) {
      io.stderr.write(formatDiagnostics(reporter.diagnostics, loaded.sources, painter(useColor(io, 'stderr', options.color === false))));
    }
    return code;
  };
  const ir = loaded.ir;
  if (!ir) return finish(ExitCode.failed);
  if (ir.task === 'telemetry') return testTelemetry(ir, loaded, options, io, reporter, finish);

  const given = options.image ?? [];
  const images: ImageToScore[] =
    given.length > 0
      ? given.map((f) => ({ shown: f, path: resolve(io.cwd, f) }))
      : ir.model.samples.map((s) => ({ shown: relative(io.cwd, resolve(ir.specDir, s)) || s, path: resolve(ir.specDir, s) }));
  if (images.length === 0) {
    m.noImages(undefined, at(loaded, ['model']));
    return finish(ExitCode.failed);
  }

  // A remote model is scored from the verified cache that `edgeml fetch` fills.
  const { modelCacheRoot, verifiedCacheDir } = await import('../../model/cache.js');
  // A zipped Custom Vision export's model is extracted into a temporary folder, removed once the session holds it.
  const extractTo = await mkdtemp(join(tmpdir(), 'edgeml-model-'));
  let scorer: Scorer;
  try {
    const located = await locateSpecModel(ir, {
      cacheDir: await verifiedCacheDir(ir, modelCacheRoot(ir.specDir, io.env, io.cwd)),
      extractTo,
    });
    if ('deferred' in located) {
      m.modelUnavailable({ reason: located.deferred }, at(loaded, ['model', 'source']));
      return finish(ExitCode.failed);
    }
    const module = ir.modules.find((mod) => mod.kind === 'scoring') ?? standInScoringModule(ir);
    const config = withLocalStageModels(createScoringConfig(ir, module, loaded.modelInfo), ir);
    // onnxruntime and sharp load only here, so other commands stay fast.
    const { createScorer } = await import('../../runtime/scoring/scorer.js');
    try {
      scorer = await createScorer(config, { modelPath: located.file, log: (line) => void io.stderr.write(line + '\n') });
    } catch (error) {
      m.modelLoadFailed({ reason: oneLine(error) }, at(loaded, ['model']));
      return finish(ExitCode.failed);
    }
  } finally {
    await rm(extractTo, { recursive: true, force: true });
  }

  const scored: ScoredImage[] = [];
  try {
    const annotate =
      options.annotate === undefined ? undefined : { dir: resolve(io.cwd, options.annotate), shown: options.annotate, failed: false };
    for (const image of images) scored.push(await scoreOne(scorer, image, m, annotate));
  } finally {
    await scorer.close();
  }

  let expectation: { checked: boolean; description?: string; ok?: boolean } = { checked: false };
  const expect = ir.model.expect;
  if (expect && given.length > 0) m.expectSkipped(undefined, at(loaded, ['model', 'expect']));
  if (expect && given.length === 0 && scored[0]?.predictions) {
    const failures = checkExpectations(expect, scored[0].predictions, scored[0].file);
    for (const failure of failures) {
      const report = m[failure.id] as (d: typeof failure.data, a?: ReturnType<typeof at>) => Diagnostic;
      report(failure.data, at(loaded, ['model', 'expect', EXPECT_KEYS[failure.id]]));
    }
    expectation = { checked: true, description: describeExpectation(expect), ok: failures.length === 0 };
  }

  const s = scorer.summary;
  const ok = !hasErrors(reporter.diagnostics);
  if (!options.json) {
    io.stdout.write(
      `${ir.name}: ${s.task} on ${s.provider}, input '${s.input.name}' ${s.input.width}x${s.input.height} ${s.input.layout} ${s.input.elementType} (${s.input.resize}, ${s.input.colorOrder})\n\n`,
    );
    io.stdout.write(formatTestTable(scored, ir.task));
    if (expectation.checked)
      io.stdout.write(`\nexpect ${expectation.description} on ${scored[0]!.file}: ${expectation.ok ? 'ok' : 'FAILED'}\n`);
    const good = scored.filter((i) => !i.error);
    const mean = good.length ? good.reduce((n, i) => n + i.timings!.inferenceMs, 0) / good.length : 0;
    io.stdout.write(
      `\n${good.length} of ${scored.length} image(s) scored${good.length ? `, mean inference ${mean.toFixed(1)} ms` : ''}.\n`,
    );
  }
  return finish(ok ? ExitCode.ok : ExitCode.failed, { model: s, images: scored, expectation });
}

async function scoreOne(
  scorer: Scorer,
  image: ImageToScore,
  m: ReturnType<typeof bindMessages<typeof runMessages>>,
  annotate?: { dir: string; shown: string; failed: boolean },
): Promise<ScoredImage> {
  const t0 = performance.now();
  let bytes: Buffer;
  try {
    bytes = await readFile(image.path);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : ((error as NodeJS.ErrnoException).code ?? oneLine(error));
    m.imageUnreadable({ file: image.shown, reason });
    return { file: image.shown, error: reason };
  }
  const readMs = performance.now() - t0;
  try {
    const result = await scorer.score(bytes);
    if (annotate && !annotate.failed) {
      const { writeAnnotatedImage } = await import('../../local/annotate-image.js');
      try {
        await writeAnnotatedImage(annotate.dir, image.path, bytes, result.predictions);
      } catch (error) {
        // Reported once: the next images would fail the same way.
        annotate.failed = true;
        m.annotateUnwritable({ dir: annotate.shown, reason: (error as NodeJS.ErrnoException).code ?? oneLine(error) });
      }
    }
    return {
      file: image.shown,
      predictions: result.predictions.map((p) => ({
        label: p.label,
        score: p.score,
        ...(p.box ? { box: p.box } : {}),
        ...(p.quad ? { quad: p.quad } : {}),
        ...(p.stages ? { stages: p.stages } : {}),
      })),
      size: result.image,
      timings: { readMs: round(readMs), ...pick(result.timings), totalMs: round(readMs + result.timings.totalMs) },
    };
  } catch (error) {
    m.imageNotScored({ file: image.shown, reason: oneLine(error) });
    return { file: image.shown, error: oneLine(error) };
  }
}

const pick = (t: { preprocessMs: number; inferenceMs: number; postprocessMs: number }) => ({
  preprocessMs: t.preprocessMs,
  inferenceMs: t.inferenceMs,
  postprocessMs: t.postprocessMs,
});
const round = (v: number): number => Math.round(v * 1000) / 1000;

/** A scoring module for specs that declare none: `edgeml test` needs only the model settings from it. */
function standInScoringModule(ir: WorkflowIR): ModuleIR {
  return {
    name: ir.name,
    kind: 'scoring',
    path: ['model'],
    image: { kind: 'generated', repository: ir.name, tag: 'test' },
    version: '1',
    status: 'running',
    restartPolicy: 'never',
    env: [],
    ports: [],
    volumes: [],
    devices: [],
    createOptions: {},
    inputs: [],
    outputs: [],
  };
}

/** The error's message on one line, never its stack. */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim();
}

function at(loaded: Awaited<ReturnType<typeof loadWorkflow>>, path: (string | number)[]) {
  return loaded.spec?.locate(path);
}

/** A telemetry spec: score message files instead of images (local/telemetry-test.ts). */
async function testTelemetry(
  ir: WorkflowIR,
  loaded: Awaited<ReturnType<typeof loadWorkflow>>,
  options: TestOptions,
  io: CliIO,
  reporter: Reporter,
  finish: (code: number, report?: object) => number,
): Promise<number> {
  const m = bindMessages(reporter, 'run', runMessages);
  const { modelCacheRoot, verifiedCacheDir } = await import('../../model/cache.js');
  const extractTo = await mkdtemp(join(tmpdir(), 'edgeml-model-'));
  try {
    const located = await locateSpecModel(ir, {
      cacheDir: await verifiedCacheDir(ir, modelCacheRoot(ir.specDir, io.env, io.cwd)),
      extractTo,
    });
    if ('deferred' in located) {
      m.modelUnavailable({ reason: located.deferred }, at(loaded, ['model', 'source']));
      return finish(ExitCode.failed);
    }
    const { runTelemetryTest } = await import('../../local/telemetry-test.js');
    let report;
    try {
      report = await runTelemetryTest({
        ir,
        modelFile: located.file,
        modelInfo: loaded.modelInfo,
        given: options.messages ?? [],
        cwd: io.cwd,
        reporter,
        locate: loaded.spec ? (path) => loaded.spec!.locate(path) : undefined,
        write: (text) => void io.stdout.write(text),
        json: options.json === true,
      });
    } catch (error) {
      m.modelLoadFailed({ reason: oneLine(error) }, at(loaded, ['model']));
      return finish(ExitCode.failed);
    }
    return finish(hasErrors(reporter.diagnostics) ? ExitCode.failed : ExitCode.ok, { files: report.files, messages: report.messages });
  } finally {
    await rm(extractTo, { recursive: true, force: true });
  }
}
