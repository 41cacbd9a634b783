// Builds the scoring server's config (runtime/scoring/config.ts) for one scoring module from the IR, filling what the
// spec left open (input name, size, layout, element type, decoder outputs) from the model's introspection.
// Model stage, pure: the compiler writes the result as JSON into the module's build context; `edgeml test` uses it.
import type { CascadeIR, CascadeStageIR, DecoderIR, ModuleIR, PreprocessIR, ScoringSettingsIR, WorkflowIR } from '../ir/types.js';
import {
  defaultServerLimits,
  type CascadeConfig,
  type CascadeStageConfig,
  type DecoderConfig,
  type InputConfig,
  type ScoringConfig,
} from '../runtime/scoring/config.js';
import { ctcAlphabet } from './compare.js';
import { guessBoxesOutputs } from '../runtime/scoring/decoders/boxes.js';
import { isFixed, readImageInputShape, readShapeAs } from '../runtime/scoring/model-metadata.js';
import type { ModelInfo } from './model-info.js';
import { join } from 'node:path';

/** Where the model sits in the build context, relative to the config file. */
export const CONTAINER_MODEL_PATH = 'model/model.onnx';

/** Used when the IR carries no scoring settings for the module (the schema's documented defaults). */
export const DEFAULT_SCORING_SETTINGS: ScoringSettingsIR = {
  port: 5001,
  apis: ['edgeml', 'azureml', 'customvision', 'v2'],
  maxBodyBytes: 8 * 1024 * 1024,
  concurrency: 1,
  queueLimit: 16,
  executionProviders: ['cpu'],
};

/**
 * `stageInfo` holds the introspection of cascade stage models by stage name (what the spec left open is then
 * filled from them, as for the main model; otherwise the scoring module reads it from the model at start).
 */
export function createScoringConfig(
  ir: WorkflowIR,
  module: ModuleIR,
  introspection?: ModelInfo,
  stageInfo: Readonly<Record<string, ModelInfo>> = {},
): ScoringConfig {
  const settings = module.scoring ?? DEFAULT_SCORING_SETTINGS;
  const task = ir.task;
  if (task === 'telemetry') throw new Error('internal error: a telemetry task has no image scoring config (see model/telemetry-config.ts)');
  return {
    version: 1,
    name: module.name,
    task,
    model: { path: CONTAINER_MODEL_PATH },
    input: createInputConfig(ir.model.preprocess, introspection),
    decoder: createDecoderConfig(ir.model.decoder, introspection),
    labels: [...(ir.model.labels ?? [])],
    server: {
      port: settings.port,
      apis: [...settings.apis],
      maxBodyBytes: settings.maxBodyBytes,
      concurrency: settings.concurrency,
      queueLimit: settings.queueLimit,
      ...(settings.urlFetch ? { urlFetch: { ...settings.urlFetch, allow: [...settings.urlFetch.allow] } } : {}),
      // Every limit is written out, so the compiled config shows what the module enforces.
      limits: { ...defaultServerLimits(settings.maxBodyBytes), ...settings.limits },
    },
    executionProviders: [...settings.executionProviders],
    ...(ir.model.cascade ? { cascade: createCascadeConfig(ir.model.cascade, stageInfo) } : {}),
  };
}

/**
 * The config with each cascade stage's model read from the spec's own file (absolute), for running on this machine
 * (`edgeml test`, `edgeml run`) instead of from a build context.
 */
export function withLocalStageModels(config: ScoringConfig, ir: Pick<WorkflowIR, 'model' | 'specDir'>): ScoringConfig {
  const stages = ir.model.cascade?.stages ?? [];
  if (!config.cascade) return config;
  return {
    ...config,
    cascade: {
      ...config.cascade,
      stages: config.cascade.stages.map((stage, i) => ({ ...stage, model: { path: join(ir.specDir, stages[i]!.source.path) } })),
    },
  };
}

/** Where a cascade stage's model sits in the build context, relative to the config file. */
export const stageModelPath = (stage: Pick<CascadeStageIR, 'name'>): string => `model/stages/${stage.name}.onnx`;

function createCascadeConfig(cascade: CascadeIR, stageInfo: Readonly<Record<string, ModelInfo>>): CascadeConfig {
  return {
    maxPixels: cascade.maxPixels,
    stages: cascade.stages.map((stage): CascadeStageConfig => {
      const info = stageInfo[stage.name];
      return {
        name: stage.name,
        model: { path: stageModelPath(stage) },
        input: createInputConfig(stage.preprocess, info),
        decoder: createDecoderConfig(stage.decoder, info),
        labels: [...(stage.labels ?? [])],
        ...(stage.crop ? { crop: { ...stage.crop } } : {}),
        ...(stage.rotate ? { rotate: { ...stage.rotate } } : {}),
        ...(stage.preprocess.maxWidth !== undefined ? { maxWidth: stage.preprocess.maxWidth } : {}),
      };
    }),
  };
}

function createInputConfig(pre: PreprocessIR, info: ModelInfo | undefined): InputConfig {
  const modelInput = pre.inputName ? info?.inputs.find((i) => i.name === pre.inputName) : info?.inputs[0];
  const inferred = readImageInputShape(modelInput?.shape);
  const layout = pre.layout ?? inferred.layout;
  const dims = layout ? readShapeAs(modelInput?.shape, layout) : {};
  const width = pre.width ?? (isFixed(dims.width) ? dims.width : undefined);
  const height = pre.height ?? (isFixed(dims.height) ? dims.height : undefined);
  const modelType = modelInput?.elementType === 'float32' || modelInput?.elementType === 'uint8' ? modelInput.elementType : undefined;
  const elementType = pre.elementType ?? modelType;
  const name = pre.inputName ?? modelInput?.name;
  // Optional keys are left out rather than set to undefined, so the JSON stays minimal and byte-stable.
  return {
    ...(name !== undefined ? { name } : {}),
    ...(width !== undefined && height !== undefined ? { width, height } : {}),
    ...(layout ? { layout } : {}),
    ...(elementType ? { elementType } : {}),
    colorOrder: pre.colorOrder,
    resize: pre.resize,
    scale: pre.scale,
    mean: [...pre.mean],
    std: [...pre.std],
    padValue: pre.padValue,
  };
}

function createDecoderConfig(decoder: DecoderIR, info: ModelInfo | undefined): DecoderConfig {
  const outputNames = info?.outputs.map((o) => o.name) ?? [];
  switch (decoder.kind) {
    case 'classification': {
      const output = decoder.output ?? outputNames[0];
      return {
        kind: 'classification',
        ...(output ? { output } : {}),
        activation: decoder.activation,
        topK: decoder.topK,
        threshold: decoder.threshold,
      };
    }
    case 'yolo-grid': {
      const output = decoder.output ?? outputNames[0];
      return {
        kind: 'yolo-grid',
        ...(output ? { output } : {}),
        anchors: decoder.anchors.map(([w, h]) => [w, h] as [number, number]),
        ...xyActivationOf(decoder, info),
        classActivation: decoder.classActivation,
        threshold: decoder.threshold,
        nmsIou: decoder.nmsIou,
        maxDetections: decoder.maxDetections,
      };
    }
    case 'regression':
    case 'anomaly':
      throw new Error(`internal error: the ${decoder.kind} decoder belongs to telemetry tasks`);
    case 'boxes': {
      const outputs = (info && guessBoxesOutputs(decoder.outputs, outputNames)) ?? decoder.outputs;
      return {
        kind: 'boxes',
        outputs: { ...outputs },
        boxFormat: decoder.boxFormat,
        normalized: decoder.normalized,
        labelOffset: decoder.labelOffset,
        threshold: decoder.threshold,
        nmsIou: decoder.nmsIou,
        maxDetections: decoder.maxDetections,
      };
    }
    case 'text-detection': {
      const output = decoder.output ?? outputNames[0];
      const { kind, threshold, boxThreshold, unclipRatio, minSize, maxCandidates, maxDetections, shape } = decoder;
      return { kind, ...(output ? { output } : {}), threshold, boxThreshold, unclipRatio, minSize, maxCandidates, maxDetections, shape };
    }
    case 'text-recognition': {
      const output = decoder.output ?? outputNames[0];
      const alphabet = ctcAlphabet(decoder);
      return {
        kind: 'text-recognition',
        ...(output ? { output } : {}),
        alphabet,
        blank: decoder.blank === 'first' ? 0 : alphabet.length - 1,
        threshold: decoder.threshold,
      };
    }
  }
}

/**
 * The IR does not carry xyActivation yet; a later IR field wins when present. Otherwise: Custom Vision exports that
 * describe their input in metadata_props are the newer ONNX exports, whose official sample decoder uses the x/y
 * offsets without a sigmoid; older exports and other models keep the sigmoid of object_detection.py.
 */
function xyActivationOf(decoder: DecoderIR, info: ModelInfo | undefined): { xyActivation?: 'sigmoid' | 'none' } {
  const value = (decoder as { xyActivation?: unknown }).xyActivation;
  if (value === 'sigmoid' || value === 'none') return { xyActivation: value };
  return info?.metadata['Image.BitmapPixelFormat'] ? { xyActivation: 'none' } : {};
}
