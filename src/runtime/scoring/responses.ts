// Shapes the scoring answers: edgeml's detailed JSON (results keyed by multipart field name), the seed's Azure ML
// answer (`[results, "Computed in N ms"]`) and Custom Vision's prediction JSON (id, project, iteration, created,
// predictions with probability / tagId / tagName / boundingBox). Runtime stage (scoring), used by the api-*.ts files.
import { randomUUID } from 'node:crypto';
import type { Prediction } from './decoders/index.js';
import type { ScoreResult } from './scorer.js';

export interface EdgemlAnswer {
  /** One entry per image field of the request, keyed by the field name. */
  results: Record<string, ScoreResult>;
  timings: { inferenceMs: number; totalMs: number };
}

export function toEdgemlAnswer(fields: readonly string[], results: readonly ScoreResult[], totalMs: number): EdgemlAnswer {
  const byField: Record<string, ScoreResult> = {};
  fields.forEach((field, i) => (byField[field] = results[i]!));
  return { results: byField, timings: { inferenceMs: sumInference(results), totalMs: round(totalMs) } };
}

/** One classification as Keras' decode_predictions gives it: [class id, label, probability]. */
export type SeedClassTriple = [string, string, number];

/** One image's detections as the seed's torchvision driver (wf2) gives them: pixel xyxy boxes, label ids, scores. */
export interface SeedDetections {
  boxes: [number, number, number, number][];
  labels: number[];
  scores: number[];
}

/**
 * The answer of the seed's Azure ML scoring drivers (`driver.py`, returned as `(preds, "Computed in N ms")`):
 * classification (wf1) maps each multipart field name to its top-K triples; detection (wf2) lists one
 * {boxes, labels, scores} per image in request order.
 */
export type AzureMlAnswer = [Record<string, SeedClassTriple[]> | SeedDetections[], string];

export function toAzureMlAnswer(
  task: 'image-classification' | 'object-detection',
  fields: readonly string[],
  results: readonly ScoreResult[],
  totalMs: number,
): AzureMlAnswer {
  const computed = `Computed in ${pythonFloat(Math.round(totalMs * 100) / 100)} ms`;
  if (task === 'object-detection') return [results.map(toSeedDetections), computed];
  const byField: Record<string, SeedClassTriple[]> = {};
  fields.forEach((field, i) => (byField[field] = results[i]!.predictions.map((p) => [String(p.labelId), p.label, p.score])));
  return [byField, computed];
}

function toSeedDetections(result: ScoreResult): SeedDetections {
  const withBoxes = result.predictions.filter((p) => p.boxPixels);
  return {
    boxes: withBoxes.map(({ boxPixels: b }) => [b!.left, b!.top, b!.left + b!.width, b!.top + b!.height]),
    labels: withBoxes.map((p) => p.labelId),
    scores: withBoxes.map((p) => p.score),
  };
}

/** Python's str() of a float: 31.0 keeps its '.0' (the seed printed round(ms, 2)). */
const pythonFloat = (v: number): string => (Number.isInteger(v) ? `${v}.0` : String(v));

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
            Object.entries(p.stages).map(([name, stage]) => [
              name,
              {
                predictions: stage.predictions.map(toCustomVisionPrediction),
                ...(stage.rotated !== undefined ? { rotated: stage.rotated } : {}),
              },
            ]),
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
