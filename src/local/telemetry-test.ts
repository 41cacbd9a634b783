// `edgeml test` for a telemetry spec: scores JSON-lines message files (the spec's samples or --messages) with the
// real telemetry runtime in-process, prints one line per message and a summary, and checks model.expect.anomalies.
// Local stage. Each line is a message body, or { "input", "body", "deviceId" } as `edgeml run` records them.
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { bindMessages, type Reporter } from '../diagnostics/report.js';
import { telemetryRunMessages } from '../diagnostics/codes/telemetry.js';
import type { ModuleIR, SpecPath, Span, WorkflowIR } from '../ir/types.js';
import type { ModelInfo } from '../model/model-info.js';
import { createTelemetryConfig } from '../model/telemetry-config.js';
import type { TelemetryResult } from '../runtime/telemetry/pipeline.js';

export interface TelemetryTestInput {
  ir: WorkflowIR;
  modelFile: string;
  modelInfo?: ModelInfo;
  /** Files given with --messages (relative to cwd); the spec's samples otherwise. */
  given: string[];
  cwd: string;
  reporter: Reporter;
  locate?: (path: SpecPath) => Span;
  write(text: string): void;
  json: boolean;
}

export interface ScoredMessage {
  file: string;
  line: number;
  result: TelemetryResult;
}

export interface TelemetryTestReport {
  ok: boolean;
  messages: ScoredMessage[];
  files: { file: string; lines: number; scored: number; skipped: number; flagged: number }[];
}

function describe(r: TelemetryResult): string {
  switch (r.kind) {
    case 'anomaly':
      return `score ${r.score.toFixed(4)}${r.anomaly ? '  ANOMALY' : ''}`;
    case 'regression':
      return `value ${r.value.toFixed(4)}${r.unit ? ` ${r.unit}` : ''}`;
    case 'classification':
      return `${r.label} ${r.probability.toFixed(4)}`;
  }
}

const flagged = (r: TelemetryResult): boolean => r.kind === 'anomaly' && r.anomaly;

export async function runTelemetryTest(input: TelemetryTestInput): Promise<TelemetryTestReport> {
  const { ir, reporter } = input;
  const m = bindMessages(reporter, 'run', telemetryRunMessages);
  const at = (path: SpecPath) => input.locate?.(path);
  const files =
    input.given.length > 0
      ? input.given.map((f) => ({ shown: f, path: resolve(input.cwd, f) }))
      : ir.model.samples.map((s) => ({ shown: relative(input.cwd, resolve(ir.specDir, s)) || s, path: resolve(ir.specDir, s) }));
  if (files.length === 0) {
    m.noMessages(undefined, at(['model']));
    return { ok: false, messages: [], files: [] };
  }
  const module: ModuleIR | undefined = ir.modules.find((mod) => mod.kind === 'scoring');
  const config = createTelemetryConfig(ir, module ?? { inputs: ['input'], outputs: ['results'] }, input.modelInfo);
  const { createTelemetryScorer } = await import('../runtime/telemetry/scorer.js');
  const { createTelemetryPipeline } = await import('../runtime/telemetry/pipeline.js');
  const scorer = await createTelemetryScorer(input.modelFile, config.model.inputName, config.decoder.output);
  const messages: ScoredMessage[] = [];
  const report: TelemetryTestReport['files'] = [];
  try {
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(file.path, 'utf8');
      } catch (error) {
        m.messagesUnreadable(
          { file: file.shown, reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message },
          input.given.length ? undefined : at(['model', 'samples']),
        );
        continue;
      }
      const results: ScoredMessage[] = [];
      const reasons: string[] = [];
      const pipeline = createTelemetryPipeline(
        config,
        scorer,
        (result) => void results.push({ file: file.shown, line: Number(result.input.messageId), result }),
        { log: (line) => reasons.push(line) },
      );
      const lines = text.split('\n');
      let count = 0;
      for (const [index, line] of lines.entries()) {
        if (line.trim() === '') continue;
        count++;
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          reasons.push(`line ${index + 1} is not JSON`);
          continue;
        }
        const wrapped =
          typeof parsed === 'object' && parsed !== null && 'body' in parsed
            ? (parsed as { input?: string; body: unknown; deviceId?: string })
            : { body: parsed };
        pipeline.handle({
          input: wrapped.input ?? config.inputs[0],
          body: wrapped.body,
          deviceId: wrapped.deviceId ?? 'test',
          messageId: String(index + 1),
          receivedAt: Date.now(),
        });
        await pipeline.idle();
      }
      const skipped = count - results.length - pipeline.stats.warmingUp;
      if (skipped > 0) m.linesSkipped({ count: skipped, file: file.shown, first: reasons[0] ?? 'unknown' });
      report.push({
        file: file.shown,
        lines: count,
        scored: results.length,
        skipped,
        flagged: results.filter((r) => flagged(r.result)).length,
      });
      messages.push(...results);
      if (!input.json) {
        input.write(`${file.shown}:\n`);
        for (const r of results)
          input.write(
            `  line ${String(r.line).padStart(4)}  ${describe(r.result)}${r.result.defaulted.length ? `  (defaults: ${r.result.defaulted.join(', ')})` : ''}\n`,
          );
      }
    }
  } finally {
    await scorer.close();
  }
  const expected = ir.model.expect?.anomalies;
  if (expected !== undefined && input.given.length === 0 && report[0] && report[0].flagged !== expected) {
    m.expectAnomalies({ expected, actual: report[0].flagged, file: report[0].file }, at(['model', 'expect', 'anomalies']));
  }
  if (!input.json) {
    for (const f of report)
      input.write(
        `\n${f.file}: ${f.lines} message(s), ${f.scored} scored, ${f.skipped} not scored${config.decoder.kind === 'anomaly' ? `, ${f.flagged} anomal${f.flagged === 1 ? 'y' : 'ies'} (threshold ${config.decoder.threshold})` : ''}.\n`,
      );
    if (expected !== undefined && input.given.length === 0 && report[0])
      input.write(`expect ${expected} anomalies on ${report[0].file}: ${report[0].flagged === expected ? 'ok' : 'FAILED'}\n`);
  }
  return { ok: true, messages, files: report };
}
