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

/** DBNet-family text detectors (PaddleOCR): a text-probability map [N, 1, H, W] becomes text regions. */
export interface TextDetectionDecoderConfig {
  kind: 'text-detection';
  output?: string;
  /** Probability above which a map pixel counts as text (PaddleOCR's det_db_thresh, 0.3). */
  threshold: number;
  /** Least mean probability inside a region's rectangle for it to be kept (det_db_box_thresh, 0.6). */
  boxThreshold: number;
  /** How far a region grows: area * unclipRatio / perimeter pixels on every side (det_db_unclip_ratio, 1.5). */
  unclipRatio: number;
  /** Shortest side, in map pixels, a region must have (3; grown regions need minSize + 2). */
  minSize: number;
  /** Regions examined per image, in raster order (max_candidates, 1000): bounds the work on a noisy map. */
  maxCandidates: number;
  /** Most regions returned, the best scores first. */
  maxDetections: number;
  /** quad: the rotated rectangle's corners; box: its axis-aligned bounds. */
  shape: 'quad' | 'box';
}

/** CTC text recognisers (PaddleOCR, CRNN): [N, T, classes] becomes text by greedy decoding. */
export interface TextRecognitionDecoderConfig {
  kind: 'text-recognition';
  output?: string;
  /** The text of each class in output order; alphabet[blank] is the CTC blank (PaddleOCR: blank, the keys, space). */
  alphabet: string[];
  blank: number;
  /** Least mean character confidence for a text to be returned. */
  threshold: number;
}

export type DecoderConfig =
  | ClassificationDecoderConfig
  | BoxesDecoderConfig
  | YoloGridDecoderConfig
  | TextDetectionDecoderConfig
  | TextRecognitionDecoderConfig;

/** How a cascade stage's crops are cut from the previous stage's regions. */
export interface CropConfig {
  /** Added on every side, as a fraction of the region's shorter side. */
  padding: number;
  /** Regions cropped per image, the best scores first; the rest are reported without stage results. */
  maxRegions: number;
  /** Regions whose shorter side is below this many original-image pixels are not cropped. */
  minSize: number;
}

/** A later model of a cascade: it sees crops of the regions found by the last region stage before it. */
export interface CascadeStageConfig {
  /** Key of this stage's results in each region's `stages`. */
  name: string;
  model: { path: string };
  input: InputConfig;
  decoder: DecoderConfig;
  labels: string[];
  /** Set on the first stage after a region stage (the one that cuts new crops). */
  crop?: CropConfig;
  /** Orientation stages: turn the crop by `degrees` when the top label is `label` with at least `minScore`. */
  rotate?: { label: string; degrees: 90 | 180 | 270; minScore: number };
  /**
   * pad-right stages whose model takes any width (text recognisers): a batch is as wide as its widest crop at the
   * input height, from input.width up to maxWidth, instead of squashing long lines into input.width (PaddleOCR).
   */
  maxWidth?: number;
}

export interface CascadeConfig {
  stages: CascadeStageConfig[];
  /** Pixels one request may hold at once (decoded image plus crops): the bound on a cascade's working memory. */
  maxPixels: number;
}

export interface ServerConfig {
  port: number;
  apis: ScoringApi[];
  maxBodyBytes: number;
  concurrency: number;
  queueLimit: number;
  /** Custom Vision's /url: absent means off; otherwise it fetches only from the allowed hosts. */
  urlFetch?: UrlFetchConfig;
  /** Memory and time limits; absent (older config files) means defaultServerLimits(maxBodyBytes). */
  limits?: ServerLimits;
}

/** What keeps the server's memory and time bounded, whatever clients send (README "Limits"). */
export interface ServerLimits {
  /** Request-body bytes all connections together may hold, counted from each upload's first byte; beyond → 503. */
  bytesInFlight: number;
  /** Bytes the decoded images of one request may take (width × height × bytes per pixel, summed), read from the image headers before decoding; beyond → 413. */
  decodeBytes: number;
  /** Images (multipart parts) one request may carry; beyond → 413. */
  imagesPerRequest: number;
  /** Milliseconds from a complete request to its answer, waiting for a slot included; beyond → 503 + Retry-After. */
  processingTimeoutMs: number;
  /** Milliseconds a client has to send a whole request, headers and body; beyond → 408 and the connection closes. */
  requestTimeoutMs: number;
  /** Milliseconds a request body may make no progress (no bytes arrive); beyond → 408, and its share of bytesInFlight is free again. */
  bodyIdleTimeoutMs: number;
}

/**
 * Safe defaults: four largest bodies (at least 64 MiB) in flight; 256 MiB decoded per request (a 40-megapixel RGB
 * photo takes 120 MB, 32 full-HD RGB frames 200 MB); 32 images; 30 s to answer; 120 s to upload (8 MB at ~0.6 Mbit/s),
 * with no gap over 30 s (nginx's client_body_timeout is 60 s).
 */
export function defaultServerLimits(maxBodyBytes: number): ServerLimits {
  return {
    bytesInFlight: Math.max(64 * 1024 * 1024, 4 * maxBodyBytes),
    decodeBytes: 256 * 1024 * 1024,
    imagesPerRequest: 32,
    processingTimeoutMs: 30_000,
    requestTimeoutMs: 120_000,
    bodyIdleTimeoutMs: 30_000,
  };
}

/** The limits in force: the config's, else the defaults. */
export function serverLimits(server: ServerConfig): ServerLimits {
  return server.limits ?? defaultServerLimits(server.maxBodyBytes);
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
  /** Later models run on the regions this model finds (cascade.ts); absent for a single model. */
  cascade?: CascadeConfig;
}

export class ScoringConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid scoring config: ${problems.join(' ')}`);
    this.name = 'ScoringConfigError';
  }
}

// Validation: the shared walker in ../shared/config-checks.ts (no ajv inside the module images).

/** Any string, empty included (the CTC blank's text is ''). */
const anyString: Check = (value, path, problems) => {
  if (typeof value !== 'string') problems.push(`${path} must be a string, not ${describe(value)}.`);
};

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
  'text-detection': object(
    {
      kind: text,
      output: text,
      threshold: probability,
      boxThreshold: probability,
      unclipRatio: number({ min: 0, max: 10 }),
      minSize: number({ min: 0 }),
      maxCandidates: count,
      maxDetections: count,
      shape: oneOf('quad', 'box'),
    },
    ['output'],
  ),
  'text-recognition': object(
    { kind: text, output: text, alphabet: list(anyString, { min: 2 }), blank: number({ min: 0, integer: true }), threshold: probability },
    ['output'],
  ),
};

const decoderCheck: Check = (value, path, problems) => {
  if (!isObject(value)) return void problems.push(`${path} must be an object, not ${describe(value)}.`);
  const check = decoderChecks[value.kind as DecoderConfig['kind']];
  if (!check) {
    return void problems.push(
      `${path}.kind must be one of ${Object.keys(decoderChecks)
        .map((k) => `'${k}'`)
        .join(', ')}, not ${describe(value.kind)}.`,
    );
  }
  check(value, path, problems);
};

const pixelSize = number({ min: 1, max: 16384, integer: true });
const triple = list(number(), { length: 3 });

const inputCheck: Check = object(
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
);

const stageCheck: Check = object(
  {
    name: text,
    model: object({ path: text }),
    input: inputCheck,
    decoder: decoderCheck,
    labels: list(text),
    crop: object({ padding: number({ min: 0, max: 2 }), maxRegions: count, minSize: number({ min: 0 }) }),
    rotate: object({ label: text, degrees: oneOf(90, 180, 270), minScore: probability }),
    maxWidth: pixelSize,
  },
  ['crop', 'rotate', 'maxWidth'],
);

const configCheck: Check = object(
  {
    version: oneOf(1),
    name: text,
    task: oneOf('image-classification', 'object-detection'),
    model: object({ path: text }),
    input: inputCheck,
    decoder: decoderCheck,
    labels: list(text),
    server: object(
      {
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
        limits: object({
          bytesInFlight: count,
          decodeBytes: count,
          imagesPerRequest: count,
          processingTimeoutMs: count,
          requestTimeoutMs: number({ min: 1000, integer: true }),
          bodyIdleTimeoutMs: number({ min: 100, integer: true }),
        }),
      },
      ['urlFetch', 'limits'],
    ),
    executionProviders: list(oneOf('cuda', 'cpu'), { min: 1 }),
    cascade: object({ stages: list(stageCheck, { min: 1 }), maxPixels: count }),
  },
  ['cascade'],
);

const REGION_KINDS: readonly string[] = ['boxes', 'yolo-grid', 'text-detection'];

/** A cascade starts with a region model; the stage after each region stage says how it crops; names are unique keys. */
function checkCascade(config: ScoringConfig, problems: string[]): void {
  const stages = config.cascade!.stages;
  const names = new Set<string>();
  let afterRegions = REGION_KINDS.includes(config.decoder.kind);
  if (!afterRegions) problems.push(`config.decoder.kind '${config.decoder.kind}' finds no regions, so no cascade stage can follow it.`);
  stages.forEach((stage, i) => {
    const at = `config.cascade.stages[${i}]`;
    if (names.has(stage.name)) problems.push(`${at}.name '${stage.name}' is used twice.`);
    names.add(stage.name);
    if (afterRegions && !stage.crop) problems.push(`${at}.crop is required: the stage crops the regions found before it.`);
    if (!afterRegions && stage.crop) problems.push(`${at}.crop is only for the stage right after a region stage.`);
    if (stage.rotate && stage.decoder.kind !== 'classification') problems.push(`${at}.rotate needs a classification decoder.`);
    if (stage.maxWidth !== undefined && stage.input.resize !== 'pad-right') problems.push(`${at}.maxWidth needs input.resize 'pad-right'.`);
    if (stage.maxWidth !== undefined && stage.input.width !== undefined && stage.maxWidth < stage.input.width)
      problems.push(`${at}.maxWidth must be at least input.width.`);
    if (stage.decoder.kind === 'text-recognition' && stage.decoder.blank >= stage.decoder.alphabet.length)
      problems.push(`${at}.decoder.blank is outside the alphabet.`);
    afterRegions = REGION_KINDS.includes(stage.decoder.kind);
  });
  if (afterRegions) problems.push('config.cascade ends with a region stage whose regions nothing reads.');
}

/** Checks parsed JSON against ScoringConfig; throws ScoringConfigError listing every problem, else returns it typed. */
export function validateScoringConfig(json: unknown): ScoringConfig {
  const problems: string[] = [];
  configCheck(json, 'config', problems);
  if (problems.length === 0) {
    const config = json as ScoringConfig;
    if (config.input.width !== undefined && config.input.height === undefined)
      problems.push('config.input.height is required when width is set.');
    if (config.input.height !== undefined && config.input.width === undefined)
      problems.push('config.input.width is required when height is set.');
    const expected = config.task === 'image-classification' ? ['classification', 'text-recognition'] : REGION_KINDS;
    if (!expected.includes(config.decoder.kind)) {
      problems.push(`config.decoder.kind '${config.decoder.kind}' does not fit task '${config.task}'.`);
    }
    if (config.cascade) checkCascade(config, problems);
    const limits = config.server.limits;
    if (limits && limits.bytesInFlight < config.server.maxBodyBytes) {
      problems.push(
        `config.server.limits.bytesInFlight (${limits.bytesInFlight}) must be at least maxBodyBytes (${config.server.maxBodyBytes}), or no full-size request could ever be read.`,
      );
    }
  }
  if (problems.length > 0) throw new ScoringConfigError(problems);
  return json as ScoringConfig;
}
