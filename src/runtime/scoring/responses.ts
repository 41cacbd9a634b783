// Shapes the scoring answers: Azure ML style (results keyed by multipart field name) and Custom Vision's prediction
// JSON (id, project, iteration, created, predictions with probability / tagId / tagName / boundingBox).
// Runtime stage (scoring), used by server.ts.
import { randomUUID } from 'node:crypto';
import type { Prediction } from './decoders/index.js';
import type { ScoreResult } from './scorer.js';

export interface AzureMlAnswer {
  /** One entry per image field of the request, keyed by the field name. */
  results: Record<string, ScoreResult>;
  timings: { inferenceMs: number; totalMs: number };
}

export function toAzureMlAnswer(fields: readonly string[], results: readonly ScoreResult[], totalMs: number): AzureMlAnswer {
  const byField: Record<string, ScoreResult> = {};
  fields.forEach((field, i) => (byField[field] = results[i]!));
  return { results: byField, timings: { inferenceMs: sumInference(results), totalMs: round(totalMs) } };
}

export interface CustomVisionPrediction {
  probability: number;
  tagId: number;
  tagName: string;
  boundingBox?: { left: number; top: number; width: number; height: number };
  // Not in Custom Vision's format (its clients ignore extra fields): text regions and cascade results.
  quad?: Prediction['quad'];
  text?: string;
  /** Cascades: each later stage's results for this region, in the same shape (cascade.ts). */
  stages?: Record<string, { predictions: CustomVisionPrediction[]; rotated?: number }>;
}

/** One prediction in Custom Vision's shape, keeping the text and the nested stage results a cascade adds. */
function toCustomVisionPrediction(p: Prediction): CustomVisionPrediction {
  return {
    probability: p.score,
    tagId: p.labelId,
    tagName: p.label,
    ...(p.box ? { boundingBox: p.box } : {}),
    ...(p.quad ? { quad: p.quad } : {}),
    ...(p.text !== undefined ? { text: p.text } : {}),
    ...(p.stages
      ? {
          stages: Object.fromEntries(
            Object.entries(p.stages).map(([name, stage]) => [name, { predictions: stage.predictions.map(toCustomVisionPrediction), ...(stage.rotated !== undefined ? { rotated: stage.rotated } : {}) }]),
          ),
        }
      : {}),
  };
}

export interface CustomVisionAnswer {
  id: string;
  project: string;
  iteration: string;
  created: string;
  predictions: CustomVisionPrediction[];
  /** Not in Custom Vision's format; extra fields are ignored by its clients. */
  timings: ScoreResult['timings'];
}

export function toCustomVisionAnswer(project: string, result: ScoreResult, now: Date = new Date()): CustomVisionAnswer {
  return {
    id: randomUUID(),
    project,
    iteration: '',
    created: now.toISOString(),
    predictions: result.predictions.map(toCustomVisionPrediction),
    timings: result.timings,
  };
}

/** Model time spent for these results; a run shared by a batch is counted once. */
export const sumInference = (results: readonly ScoreResult[]): number =>
  round(results.reduce((n, r) => n + r.timings.inferenceMs / r.timings.batchSize, 0));

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
