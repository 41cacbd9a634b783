// Checks `model.expect` against the first sample's predictions: top label, minimum top score, minimum detections.
// Local stage (`edgeml test`). Pure: returns the failed expectations as catalogue ids with their data.
import type { ModelIR } from '../ir/types.js';

export interface PredictionLike {
  label: string;
  score: number;
}

export type ExpectationFailure =
  | { id: 'expectLabel'; data: { file: string; expected: string; actual: string; score: number } }
  | { id: 'expectScore'; data: { file: string; label: string; score: number; minScore: number } }
  | { id: 'expectDetections'; data: { file: string; count: number; min: number } };

/** Every expectation that `predictions` (best first) fails; an empty list means all hold. */
export function checkExpectations(
  expect: NonNullable<ModelIR['expect']>,
  predictions: readonly PredictionLike[],
  file: string,
): ExpectationFailure[] {
  const failures: ExpectationFailure[] = [];
  const top = predictions[0];
  if (expect.label !== undefined && top?.label !== expect.label) {
    failures.push({ id: 'expectLabel', data: { file, expected: expect.label, actual: top?.label ?? '(nothing)', score: top?.score ?? 0 } });
  }
  if (expect.minScore !== undefined && (top?.score ?? 0) < expect.minScore) {
    failures.push({
      id: 'expectScore',
      data: { file, label: top?.label ?? '(nothing)', score: top?.score ?? 0, minScore: expect.minScore },
    });
  }
  if (expect.minDetections !== undefined && predictions.length < expect.minDetections) {
    failures.push({ id: 'expectDetections', data: { file, count: predictions.length, min: expect.minDetections } });
  }
  return failures;
}

/** One line describing what is expected, e.g. "top label '180' with score ≥ 0.8". */
export function describeExpectation(expect: NonNullable<ModelIR['expect']>): string {
  const top = [
    expect.label !== undefined ? `label '${expect.label}'` : '',
    expect.minScore !== undefined ? `score ≥ ${expect.minScore}` : '',
  ].filter(Boolean);
  const parts = top.length ? [`top ${top.join(' with ')}`] : [];
  if (expect.minDetections !== undefined) parts.push(`at least ${expect.minDetections} detection(s)`);
  return parts.join(', ');
}
