// Reading a model's output row for one message: a regression value, class probabilities (from a classifier exported
// with probabilities), or an anomaly score compared with a threshold. Runtime stage (telemetry).
import type { TelemetryDecoderConfig } from './config.js';

export type TelemetryPrediction =
  | { kind: 'regression'; value: number; unit?: string }
  | { kind: 'classification'; label: string; probability: number; probabilities: Record<string, number> }
  | { kind: 'anomaly'; score: number; threshold: number; anomaly: boolean };

export function decodeRow(decoder: TelemetryDecoderConfig, row: ArrayLike<number>): TelemetryPrediction {
  if (decoder.kind === 'regression') return { kind: 'regression', value: Number(row[0]), ...(decoder.unit ? { unit: decoder.unit } : {}) };
  if (decoder.kind === 'anomaly') {
    const score = Number(row[0]);
    return { kind: 'anomaly', score, threshold: decoder.threshold, anomaly: score >= decoder.threshold };
  }
  const probabilities: Record<string, number> = {};
  let best = 0;
  for (let i = 0; i < decoder.labels.length; i++) {
    probabilities[decoder.labels[i]] = Number(row[i]);
    if (Number(row[i]) > Number(row[best])) best = i;
  }
  return { kind: 'classification', label: decoder.labels[best], probability: Number(row[best]), probabilities };
}
