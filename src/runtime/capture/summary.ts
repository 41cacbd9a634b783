// The summary the capture module adds to every answer before sending it: how many predictions, the best probability
// and its label, each always present (0 and '' when nothing was found). edgeHub reads a missing field as null, which
// sorts above every number, so `$body.predictions[0].probability >= 0.5` routes frames without detections; a
// condition on `$body.summary.topProbability` cannot meet a missing field. Runtime stage (capture); the field is part
// of the module's message contract (runtime/contracts/capture-results.ts).

export interface AnswerSummary {
  count: number;
  topProbability: number;
  topTagName: string;
}

interface ScoredPrediction {
  probability?: unknown;
  tagName?: unknown;
}

export function summarizePredictions(predictions: readonly ScoredPrediction[]): AnswerSummary {
  let best: { probability: number; tagName: string } | undefined;
  for (const p of predictions) {
    if (typeof p.probability !== 'number' || !Number.isFinite(p.probability)) continue;
    if (!best || p.probability > best.probability)
      best = { probability: p.probability, tagName: typeof p.tagName === 'string' ? p.tagName : '' };
  }
  return { count: predictions.length, topProbability: best?.probability ?? 0, topTagName: best?.tagName ?? '' };
}

/**
 * The message body for a scoring answer: the answer with `summary` added when it carries a predictions array;
 * any other answer is sent exactly as the scorer wrote it.
 */
export function messageBodyFor(answer: unknown, text: string): string {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return text;
  const predictions = (answer as { predictions?: unknown }).predictions;
  if (!Array.isArray(predictions)) return text;
  const items = predictions.filter((p): p is ScoredPrediction => typeof p === 'object' && p !== null);
  return JSON.stringify({ ...answer, summary: summarizePredictions(items) });
}
