// The telemetry scoring module's configuration (written by edgeml compile as config.json): which message fields make
// the model's input vector, how many messages per device form a window, how the output is read, and the limits.
// Runtime stage (telemetry): validated here because the module must not trust a hand-edited file.

export interface FeatureConfig {
  name: string;
  /** Path into the message body, e.g. ['machine', 'temperature'] or ['readings', 0]. */
  path: (string | number)[];
  /** Used when the field is missing or not a number; without one such a message is rejected. */
  default?: number;
}

export type TelemetryDecoderConfig =
  | { kind: 'regression'; output: string; unit?: string }
  | { kind: 'classification'; output: string; labels: string[] }
  | { kind: 'anomaly'; output: string; threshold: number };

export interface TelemetryConfig {
  model: { path: string; inputName: string };
  features: FeatureConfig[];
  /** Messages per device in one model input (1: the message alone). The input is [batch, window * features]. */
  window: number;
  /** Message property or body field naming the sender for windows; default the IoT Edge connection device id. */
  windowKey: 'device' | 'module';
  decoder: TelemetryDecoderConfig;
  /** IoT Edge inputs the module reads and the output it sends results on. */
  inputs: string[];
  output: string;
  limits: {
    /** Messages waiting to be scored; past it the oldest is dropped (counted in the results' `dropped`). */
    queueLength: number;
    /** Most messages scored in one model run when they arrive faster than one at a time. */
    maxBatch: number;
    /** Most senders with a window kept; the one heard from least recently is forgotten first. */
    maxWindows: number;
    /** Largest message body accepted, bytes. */
    maxMessageBytes: number;
  };
}

export class TelemetryConfigError extends Error {
  override name = 'TelemetryConfigError';
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const positiveInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;

export function validateTelemetryConfig(data: unknown): TelemetryConfig {
  const fail = (what: string): never => {
    throw new TelemetryConfigError(`Telemetry config: ${what}.`);
  };
  if (!isRecord(data)) return fail('expected an object');
  const model = data.model;
  if (!isRecord(model) || typeof model.path !== 'string' || typeof model.inputName !== 'string') fail('model needs path and inputName');
  if (!Array.isArray(data.features) || data.features.length === 0) fail('features must list at least one field');
  const features = (data.features as unknown[]).map((f, i) => {
    if (!isRecord(f) || typeof f.name !== 'string' || !Array.isArray(f.path) || f.path.length === 0) return fail(`feature ${i + 1} needs a name and a path`);
    if (!f.path.every((p) => typeof p === 'string' || (Number.isInteger(p) && p >= 0))) fail(`feature '${f.name}' has a malformed path`);
    if (f.default !== undefined && typeof f.default !== 'number') fail(`feature '${f.name}' default must be a number`);
    return f as unknown as FeatureConfig;
  });
  if (!positiveInt(data.window)) fail('window must be a positive whole number');
  if (data.windowKey !== 'device' && data.windowKey !== 'module') fail("windowKey must be 'device' or 'module'");
  const d = data.decoder;
  if (!isRecord(d) || typeof d.output !== 'string') return fail('decoder needs a kind and an output name');
  if (d.kind === 'classification' && !(Array.isArray(d.labels) && d.labels.every((l) => typeof l === 'string'))) fail('a classification decoder needs labels');
  if (d.kind === 'anomaly' && typeof d.threshold !== 'number') fail('an anomaly decoder needs a threshold');
  if (!['regression', 'classification', 'anomaly'].includes(String(d.kind))) fail(`unknown decoder '${String(d.kind)}'`);
  if (!Array.isArray(data.inputs) || !data.inputs.every((i) => typeof i === 'string') || data.inputs.length === 0) fail('inputs must name at least one input');
  if (typeof data.output !== 'string' || data.output === '') fail('output must name the output');
  const limits = data.limits;
  if (!isRecord(limits) || !['queueLength', 'maxBatch', 'maxWindows', 'maxMessageBytes'].every((k) => positiveInt(limits[k]))) fail('limits need positive queueLength, maxBatch, maxWindows and maxMessageBytes');
  return { ...(data as unknown as TelemetryConfig), features };
}
