// Builds the telemetry scoring module's config (runtime/telemetry/config.ts) from the IR: the features, window and
// decoder, the model input and output names (from introspection when the spec leaves them open), the IoT Edge input
// and output names of the module, and the runtime's bounded limits. Model stage, pure.
import type { DecoderIR, ModuleIR, WorkflowIR } from '../ir/types.js';
import type { TelemetryConfig, TelemetryDecoderConfig } from '../runtime/telemetry/config.js';
import type { ModelInfo } from './model-info.js';
import { CONTAINER_MODEL_PATH } from './scoring-config.js';

/** The runtime's limits: bounded queue, batches, senders remembered, message size. */
export const TELEMETRY_LIMITS: TelemetryConfig['limits'] = {
  queueLength: 1000,
  maxBatch: 64,
  maxWindows: 10_000,
  maxMessageBytes: 256 * 1024,
};

function decoderConfig(decoder: DecoderIR, labels: readonly string[], output: string): TelemetryDecoderConfig {
  switch (decoder.kind) {
    case 'regression':
      return { kind: 'regression', output, ...(decoder.unit ? { unit: decoder.unit } : {}) };
    case 'anomaly':
      return { kind: 'anomaly', output, threshold: decoder.threshold };
    default:
      // The checks allow only regression, anomaly and classification for telemetry.
      return { kind: 'classification', output, labels: [...labels] };
  }
}

export function createTelemetryConfig(ir: WorkflowIR, module: Pick<ModuleIR, 'inputs' | 'outputs'>, info?: ModelInfo): TelemetryConfig {
  const telemetry = ir.model.telemetry ?? { features: [], window: 1, windowKey: 'device' as const };
  const decoder = ir.model.decoder;
  const declared = 'output' in decoder && typeof decoder.output === 'string' ? decoder.output : undefined;
  return {
    model: { path: CONTAINER_MODEL_PATH, inputName: ir.model.preprocess.inputName ?? info?.inputs[0]?.name ?? 'input' },
    features: telemetry.features.map((f) => ({
      name: f.name,
      path: [...f.segments],
      ...(f.default !== undefined ? { default: f.default } : {}),
    })),
    window: telemetry.window,
    windowKey: telemetry.windowKey,
    decoder: decoderConfig(decoder, ir.model.labels ?? [], declared ?? info?.outputs[0]?.name ?? 'output'),
    inputs: [...module.inputs],
    output: module.outputs[0] ?? 'results',
    limits: { ...TELEMETRY_LIMITS },
  };
}
