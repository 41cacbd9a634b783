// From a message body to the model's input numbers: each feature reads one path of the JSON body; a missing or
// non-numeric field takes the feature's default, or makes the message unusable (said why). Runtime stage (telemetry).
import type { FeatureConfig } from './config.js';

export type FeatureVector = { ok: true; values: number[]; defaulted: string[] } | { ok: false; reason: string };

function read(body: unknown, path: readonly (string | number)[]): unknown {
  let value: unknown = body;
  for (const key of path) {
    if (typeof key === 'number') value = Array.isArray(value) ? value[key] : undefined;
    // Own properties only: a body cannot reach Object.prototype through "__proto__" or "constructor".
    else
      value =
        typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, key)
          ? (value as Record<string, unknown>)[key]
          : undefined;
    if (value === undefined) return undefined;
  }
  return value;
}

export function featureVector(body: unknown, features: readonly FeatureConfig[]): FeatureVector {
  const values: number[] = [];
  const defaulted: string[] = [];
  for (const feature of features) {
    const value = read(body, feature.path);
    if (typeof value === 'number' && Number.isFinite(value)) values.push(value);
    else if (feature.default !== undefined) {
      values.push(feature.default);
      defaulted.push(feature.name);
    } else {
      const where =
        '$body.' +
        feature.path
          .map((p) => (typeof p === 'number' ? `[${p}]` : p))
          .join('.')
          .replace(/\.\[/g, '[');
      return { ok: false, reason: value === undefined ? `${where} is missing` : `${where} is ${JSON.stringify(value)}, not a number` };
    }
  }
  return { ok: true, values, defaulted };
}
