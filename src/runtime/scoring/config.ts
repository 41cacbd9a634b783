// The scoring server's JSON config file: its type and a validator with one-line, path-naming errors.
// Runtime stage: written by the compiler (model/scoring-config.ts) into the build context, read by main.ts at start.
// Self-contained on purpose: this file is copied into Docker images and may not import from the compiler.
import type { UrlFetchConfig } from './url-fetch.js';
import { allowEntryProblem } from './url-fetch.js';
import { boolean, describe, isObject, list, number, object, oneOf, text, type Check } from '../shared/config-checks.js';

export type ScoringTask = 'image-classification' | 'object-detection';
export type ColorOrder = 'RGB' | 'BGR';
export type Layout = 'NCHW' | 'NHWC';
/**
 * How an image is fitted to the network input:
 * - stretch: scale both axes independently to the input size;
 * - letterbox: keep the aspect ratio, fit inside, centre, pad the rest with padValue;
 * - crop: keep the aspect ratio, cover the input, cut the overflow evenly from both sides;
 * - pad-right: keep the aspect ratio, fit the height, pad on the right (squash horizontally only when too wide),
 *   as text recognisers and orientation classifiers (PaddleOCR) expect.
 */
export type ResizeMode = 'stretch' | 'letterbox' | 'crop' | 'pad-right';
export type InputElementType = 'float32' | 'uint8';
export type ScoreActivation = 'softmax' | 'sigmoid' | 'none';
export type BoxFormat = 'xyxy' | 'xywh' | 'cxcywh';
/**
 * HTTP APIs: edgeml (POST /predict, detailed JSON), azureml (POST /score, the seed's Azure ML answer), customvision
 * (POST /image and /url, GET /), v2 (the Open Inference Protocol under /v2).
 */
export type ScoringApi = 'edgeml' | 'azureml' | 'customvision' | 'v2';
export type ExecutionProvider = 'cuda' | 'cpu';

export interface InputConfig {
  /** ONNX input name; absent means the model's first input. */
  name?: string;
  /** Network input size; absent means "read from the model" (fails at load when the model's size is symbolic). */
  width?: number;
  height?: number;
  /** Absent means "infer from the model's input shape". */
  layout?: Layout;
  /** Absent means "the model's input element type". */
  elementType?: InputElementType;
  colorOrder: ColorOrder;
  resize: ResizeMode;
  /** float32 only: value = (pixel * scale - mean[c]) / std[c], pixel in 0..255. uint8 inputs get raw pixels. */
  scale: number;
  mean: [number, number, number];
  std: [number, number, number];
  /** Fill for letterbox / pad-right padding, in pixel units 0..255 (fractions allowed, e.g. 127.5 maps to 0). */
  padValue: number;
}

export interface ClassificationDecoderConfig {
  kind: 'classification';
  output?: string;
  activation: ScoreActivation;
  topK: number;
  threshold: number;
}

export interface BoxesDecoderConfig {
  kind: 'boxes';
  outputs: { boxes?: string; scores?: string; labels?: string };
  boxFormat: BoxFormat;
  normalized: boolean;
  labelOffset: number;
  threshold: number;
  /** IoU above which a same-class box is suppressed; 1 turns NMS off (most exporters already ran it). */
  nmsIou: number;
  maxDetections: number;
}

export interface YoloGridDecoderConfig {
  kind: 'yolo-grid';
  output?: string;
  anchors: [number, number][];
  /**
   * Applied to the x/y cell offsets. 'sigmoid' (default) as in Custom Vision's object_detection.py; newer Custom
   * Vision ONNX exports apply it inside the model, and their sample decoder uses the offsets as they are ('none').
   */
  xyActivation?: 'sigmoid' | 'none';
  classActivation: 'softmax' | 'sigmoid';
  threshold: number;
  nmsIou: number;
  maxDetections: number;
}

export type DecoderConfig = ClassificationDecoderConfig | BoxesDecoderConfig | YoloGridDecoderConfig;

export interface ServerConfig {
  port: number;
  apis: ScoringApi[];
  maxBodyBytes: number;
  concurrency: number;
  queueLimit: number;
  /** Custom Vision's /url: absent means off; otherwise it fetches only from the allowed hosts. */
  urlFetch?: UrlFetchConfig;
}

export interface ScoringConfig {
  /** Format version of this file, bumped on incompatible changes. */
  version: 1;
  /** Module name, used in logs and in the Custom Vision `project` field. */
  name: string;
  task: ScoringTask;
  /** Model file, relative to the config file's folder (inside the container: model/model.onnx). */
  model: { path: string };
  input: InputConfig;
  decoder: DecoderConfig;
  /** Class labels in model order; an unknown class id is reported as its number. */
  labels: string[];
  server: ServerConfig;
  executionProviders: ExecutionProvider[];
}

export class ScoringConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid scoring config: ${problems.join(' ')}`);
    this.name = 'ScoringConfigError';
  }
}

// Validation: the shared walker in ../shared/config-checks.ts (no ajv inside the module images).

const probability = number({ min: 0, max: 1 });
const count = number({ min: 1, integer: true });

const decoderChecks: Record<DecoderConfig['kind'], Check> = {
  classification: object(
    { kind: text, output: text, activation: oneOf('softmax', 'sigmoid', 'none'), topK: count, threshold: probability },
    ['output'],
  ),
  boxes: object(
    {
      kind: text,
      outputs: object({ boxes: text, scores: text, labels: text }, ['boxes', 'scores', 'labels']),
      boxFormat: oneOf('xyxy', 'xywh', 'cxcywh'),
      normalized: boolean,
      labelOffset: number({ integer: true }),
      threshold: probability,
      nmsIou: probability,
      maxDetections: count,
    },
    [],
  ),
  'yolo-grid': object(
    {
      kind: text,
      output: text,
      anchors: list(list(number({ min: 0 }), { length: 2 }), { min: 1 }),
      xyActivation: oneOf('sigmoid', 'none'),
      classActivation: oneOf('softmax', 'sigmoid'),
      threshold: probability,
      nmsIou: probability,
      maxDetections: count,
    },
    ['output', 'xyActivation'],
  ),
};

const decoderCheck: Check = (value, path, problems) => {
  if (!isObject(value)) return void problems.push(`${path} must be an object, not ${describe(value)}.`);
  const check = decoderChecks[value.kind as DecoderConfig['kind']];
  if (!check) {
    return void problems.push(`${path}.kind must be one of ${Object.keys(decoderChecks).map((k) => `'${k}'`).join(', ')}, not ${describe(value.kind)}.`);
  }
  check(value, path, problems);
};

const pixelSize = number({ min: 1, max: 16384, integer: true });
const triple = list(number(), { length: 3 });

const configCheck: Check = object({
  version: oneOf(1),
  name: text,
  task: oneOf('image-classification', 'object-detection'),
  model: object({ path: text }),
  input: object(
    {
      name: text,
      width: pixelSize,
      height: pixelSize,
      layout: oneOf('NCHW', 'NHWC'),
      elementType: oneOf('float32', 'uint8'),
      colorOrder: oneOf('RGB', 'BGR'),
      resize: oneOf('stretch', 'letterbox', 'crop', 'pad-right'),
      scale: number(),
      mean: triple,
      std: (value, path, problems) => {
        triple(value, path, problems);
        if (Array.isArray(value) && value.some((v) => v === 0)) problems.push(`${path} must not contain 0 (it divides).`);
      },
      padValue: number({ min: 0, max: 255 }),
    },
    ['name', 'width', 'height', 'layout', 'elementType'],
  ),
  decoder: decoderCheck,
  labels: list(text),
  server: object({
    port: number({ min: 1, max: 65535, integer: true }),
    apis: list(oneOf('edgeml', 'azureml', 'customvision', 'v2'), { min: 1 }),
    maxBodyBytes: count,
    concurrency: count,
    queueLimit: number({ min: 0, integer: true }),
    urlFetch: object({
      allow: list((value, path, problems) => {
        text(value, path, problems);
        const problem = typeof value === 'string' ? allowEntryProblem(value) : undefined;
        if (problem) problems.push(`${path}: ${problem}.`);
      }),
      maxBytes: count,
      timeoutMs: count,
      maxRedirects: number({ min: 0, max: 20, integer: true }),
    }),
  }, ['urlFetch']),
  executionProviders: list(oneOf('cuda', 'cpu'), { min: 1 }),
});

/** Checks parsed JSON against ScoringConfig; throws ScoringConfigError listing every problem, else returns it typed. */
export function validateScoringConfig(json: unknown): ScoringConfig {
  const problems: string[] = [];
  configCheck(json, 'config', problems);
  if (problems.length === 0) {
    const config = json as ScoringConfig;
    if (config.input.width !== undefined && config.input.height === undefined) problems.push('config.input.height is required when width is set.');
    if (config.input.height !== undefined && config.input.width === undefined) problems.push('config.input.width is required when height is set.');
    const expected = config.task === 'image-classification' ? ['classification'] : ['boxes', 'yolo-grid'];
    if (!expected.includes(config.decoder.kind)) {
      problems.push(`config.decoder.kind '${config.decoder.kind}' does not fit task '${config.task}'.`);
    }
  }
  if (problems.length > 0) throw new ScoringConfigError(problems);
  return json as ScoringConfig;
}
