// The one typed intermediate representation (IR) of a workflow spec.
// Produced by ir/lower.ts after the schema check, completed by resolve/files.ts (labels files) and then frozen
// (ir/freeze.ts); the semantic checks, render/, runtime config, plan/ and providers/ read it.
// Everything here is plain data: no YAML nodes, no functions, no absolute paths that would leak into rendered output.
import type { JsonSchema } from '../runtime/contracts/json-schema.js';
import type { ConditionParseResult } from '../routes/parse-condition.js';

/** Where a value came from in the spec, as an offset and length into the spec text. */
export interface Span {
  file: string;
  start: number;
  length: number;
}

/** A path into the spec document, e.g. ['modules', 'detector', 'ports', 0]. Used to locate diagnostics. */
export type SpecPath = readonly (string | number)[];

export type Task = 'image-classification' | 'object-detection' | 'telemetry';
export type Platform = 'amd64' | 'arm64v8' | 'arm32v7';
export type Accelerator = 'none' | 'nvidia-gpu';
/** 'databox-edge' (spec alias 'azure-stack-edge'): IoT Edge in an Ubuntu VM on an Azure Stack Edge appliance. */
export type DeviceProfile = 'ubuntu-vm' | 'databox-edge' | 'raspberry-pi' | 'generic';
export type RuntimeVersion = '1.5' | '1.6';

/**
 * A secret known only at apply time: the name of an environment variable (`${env:NAME}` in the spec).
 * Renderers must emit a reference (e.g. `${NAME}` in a manifest, `"${NAME:?}"` in a script), never a value.
 */
export interface SecretRef {
  kind: 'secret';
  env: string;
}

export type MaybeSecret = string | SecretRef;

export function isSecretRef(value: unknown): value is SecretRef {
  return typeof value === 'object' && value !== null && (value as SecretRef).kind === 'secret';
}

// ---------------------------------------------------------------------------------------------------------------
// Model

export type ModelSource =
  /** A local ONNX file. `path` is relative to the spec's folder, with forward slashes. */
  | { kind: 'file'; path: string }
  /** A Custom Vision ONNX export: a folder relative to the spec; modelFile and labelsFile are relative to that folder. */
  | { kind: 'customvision'; path: string; modelFile: string; labelsFile: string }
  /** A model registered in an Azure ML workspace (azure.ml names the workspace). Downloaded at build/apply time. */
  | { kind: 'azureml'; name: string; version: number; file: string }
  /** A model downloaded over HTTPS at build time and verified against its sha256. */
  | { kind: 'url'; url: string; sha256: string; file: string };

export type ColorOrder = 'RGB' | 'BGR';
export type Layout = 'NCHW' | 'NHWC';
export type ResizeMode = 'stretch' | 'letterbox' | 'crop' | 'pad-right';
export type InputElementType = 'float32' | 'uint8';

export interface PreprocessIR {
  /** ONNX input name; undefined means "the model's first input" (known after introspection). */
  inputName?: string;
  /** Network input size in pixels; undefined means "read from the model". */
  width?: number;
  height?: number;
  layout?: Layout;
  elementType?: InputElementType;
  colorOrder: ColorOrder;
  resize: ResizeMode;
  /** Pixel value transform: (pixel * scale - mean[c]) / std[c], pixel in 0..255. */
  scale: number;
  mean: [number, number, number];
  std: [number, number, number];
  /** Letterbox fill, 0..255. */
  padValue: number;
  /** Cascade stages with pad-right: widest input a long line may keep its aspect ratio up to (runtime cascade.ts). */
  maxWidth?: number;
}

export type ScoreActivation = 'softmax' | 'sigmoid' | 'none';

export interface ClassificationDecoderIR {
  kind: 'classification';
  /** ONNX output name; undefined means the model's first output. */
  output?: string;
  activation: ScoreActivation;
  topK: number;
  threshold: number;
}

export type BoxFormat = 'xyxy' | 'xywh' | 'cxcywh';

/** Detectors that emit separate boxes / scores / labels tensors (torchvision, TF OD API, many ONNX exports). */
export interface BoxesDecoderIR {
  kind: 'boxes';
  outputs: { boxes?: string; scores?: string; labels?: string };
  boxFormat: BoxFormat;
  /** True when box coordinates are already 0..1 relative to the network input. */
  normalized: boolean;
  /** Added to model class ids before looking up labels (e.g. -1 when class 0 is background). */
  labelOffset: number;
  threshold: number;
  nmsIou: number;
  maxDetections: number;
}

/** Custom Vision's YOLO-style grid output: [1, anchors*(5+classes), gridH, gridW]. */
export interface YoloGridDecoderIR {
  kind: 'yolo-grid';
  output?: string;
  anchors: [number, number][];
  /** How box x/y offsets are read; undefined means "decide from the model's metadata" (newer exports: none). */
  xyActivation?: 'sigmoid' | 'none';
  classActivation: 'softmax' | 'sigmoid';
  threshold: number;
  nmsIou: number;
  maxDetections: number;
}

/** DBNet-family text detectors (PaddleOCR): a text-probability map becomes text regions (runtime decoders/text-detection.ts). */
export interface TextDetectionDecoderIR {
  kind: 'text-detection';
  output?: string;
  /** Probability above which a map pixel is text. */
  threshold: number;
  /** Least mean probability inside a region's rectangle. */
  boxThreshold: number;
  unclipRatio: number;
  minSize: number;
  maxCandidates: number;
  maxDetections: number;
  shape: 'quad' | 'box';
}

/** CTC text recognisers (PaddleOCR): greedy decoding over a character list (runtime decoders/text-recognition.ts). */
export interface TextRecognitionDecoderIR {
  kind: 'text-recognition';
  output?: string;
  /** Character list file, one entry per line, relative to the spec folder. */
  charactersFile: string;
  /** The file's entries, read verbatim by the resolve stage (undefined until then). */
  characters?: string[];
  /** Where the CTC blank class sits: before the characters (PaddleOCR) or after them. */
  blank: 'first' | 'last';
  /** Whether a space class follows the file's characters (PaddleOCR's use_space_char). */
  space: boolean;
  threshold: number;
}

/** A later model of a cascade: it reads crops of the regions found before it. */
export interface CascadeStageIR {
  /** Key of the stage's results in each region's `stages`. */
  name: string;
  /** Where the stage is in the spec, e.g. ['model', 'cascade', 'stages', 0]. */
  path: SpecPath;
  /** A local ONNX file (stages take file sources only). */
  source: { kind: 'file'; path: string };
  labels?: string[];
  labelsFile?: string;
  preprocess: PreprocessIR;
  decoder: DecoderIR;
  /** On the first stage after a region stage: how its crops are cut. */
  crop?: { padding: number; maxRegions: number; minSize: number };
  /** Orientation stages: turn the crop when the top label is `label` with at least `minScore`. */
  rotate?: { label: string; degrees: 90 | 180 | 270; minScore: number };
}

export interface CascadeIR {
  stages: CascadeStageIR[];
  /** Pixels one request may hold: the decoded image plus its crops. */
  maxPixels: number;
}

/** task telemetry: one number per message (a regression model's first output value). */
export interface RegressionDecoderIR {
  kind: 'regression';
  output?: string;
  unit?: string;
}

/** task telemetry: an anomaly score; a message at or above the threshold is an anomaly. */
export interface AnomalyDecoderIR {
  kind: 'anomaly';
  output?: string;
  threshold: number;
}

export type DecoderIR =
  | ClassificationDecoderIR
  | BoxesDecoderIR
  | YoloGridDecoderIR
  | TextDetectionDecoderIR
  | TextRecognitionDecoderIR
  | RegressionDecoderIR
  | AnomalyDecoderIR;

/** One input number of a telemetry model: a field of the message body. */
export interface TelemetryFeatureIR {
  name: string;
  /** As written in the spec, e.g. '$body.machine.temperature'. */
  path: string;
  /** The path below $body, e.g. ['machine', 'temperature'] or ['readings', 0]. */
  segments: (string | number)[];
  default?: number;
  unit?: string;
}

/** task telemetry: how messages become the model's input. */
export interface TelemetryIR {
  features: TelemetryFeatureIR[];
  /** Messages per sender in one input (1: each message alone). */
  window: number;
  windowKey: 'device' | 'module';
}

export interface ModelIR {
  source: ModelSource;
  /** Class labels in model order; undefined when neither the spec nor the source provides them. */
  labels?: string[];
  /** Path of a labels file relative to the spec folder, when labels come from a file. */
  labelsFile?: string;
  preprocess: PreprocessIR;
  decoder: DecoderIR;
  /** Sample images (relative to the spec folder) for `edgeml test` and the generated step-5 test. */
  samples: string[];
  /** task telemetry: the message fields the model reads. */
  telemetry?: TelemetryIR;
  /** What a correct prediction on the first sample looks like, for `05-test.sh` and `edgeml test`. */
  expect?: { label?: string; minScore?: number; minDetections?: number; anomalies?: number };
  /** Later models that run on the regions this model finds. */
  cascade?: CascadeIR;
}

// ---------------------------------------------------------------------------------------------------------------
// Target device

export interface TargetIR {
  platform: Platform;
  accelerator: Accelerator;
  device: DeviceProfile;
  /** e.g. 'ubuntu-22.04', 'ubuntu-24.04', 'debian-12', 'debian-11' */
  os: string;
  runtime: RuntimeVersion;
}

// ---------------------------------------------------------------------------------------------------------------
// Azure

export type RegistryIR =
  | { kind: 'create'; name: string; sku: 'Basic' | 'Standard' | 'Premium'; address: string }
  | { kind: 'existing'; address: string; username: MaybeSecret; password: SecretRef }
  /** A registry that needs no credentials (e.g. a local registry for tests). */
  | { kind: 'anonymous'; address: string };

export type DeploymentTargetIR =
  | { kind: 'device'; deviceId: string; create: boolean }
  | {
      kind: 'fleet';
      /** Base id of the IoT Hub configuration; apply appends a content hash. Lowercase. */
      id: string;
      targetCondition: string;
      priority: number;
      layered: boolean;
      labels: Record<string, string>;
      /** Custom metric queries (at most 5). */
      metrics: Record<string, string>;
      /** Ring-by-ring rollout with health gates; absent: every targeted device at once. */
      rollout?: RolloutIR;
    };

/** A limit on one custom metric of the fleet, checked by a ring's gate. */
export interface RolloutMetricLimitIR {
  maxDevices?: number;
  maxPercent?: number;
}

export interface RolloutGateIR {
  /** Devices that must report before the gate can pass and before the failure limit applies. */
  minDevices: number;
  maxFailedPercent: number;
  waitSeconds: number;
  metrics: Record<string, RolloutMetricLimitIR>;
}

export interface RolloutRingIR {
  name: string;
  /** Share of the fleet by device-id hash (cumulative); undefined: no share limit. */
  percent?: number;
  /** Extra target condition joined to the fleet's by AND; undefined: none. */
  condition?: string;
  gate: RolloutGateIR;
}

export interface RolloutIR {
  rings: RolloutRingIR[];
  onFailure: 'rollback' | 'halt';
}

export interface AzureIR {
  /** Subscription id; undefined means "the signed-in account's default" (AZURE_SUBSCRIPTION_ID at apply). */
  subscription?: string;
  resourceGroup: string;
  location: string;
  /** True when edgeml creates (and may destroy) the resource group. */
  createResourceGroup: boolean;
  iotHub: { name: string; sku: string; units: number; create: boolean };
  registry: RegistryIR;
  ml?: { workspace: string; resourceGroup: string };
  deployment: DeploymentTargetIR;
  /** Endpoint overrides for sovereign clouds or test servers. */
  endpoints?: { resourceManager?: string; iotHubSuffix?: string; authority?: string };
}

// ---------------------------------------------------------------------------------------------------------------
// Modules

export type ModuleKind = 'scoring' | 'image-capture' | 'container';
export type ModuleStatus = 'running' | 'stopped';
export type RestartPolicy = 'never' | 'on-failure' | 'on-unhealthy' | 'always';

export type ImageIR =
  /** Built by edgeml from a generated build context at modules/<name>/ in the output folder. `repository` includes
   *  the registry address (`<registry>/<workflow>/<module>`); `tag` is the module version (the renderer adds a hash). */
  | { kind: 'generated'; repository: string; tag: string }
  /** Built from the user's own context and Dockerfile (paths relative to the spec folder). */
  | { kind: 'user-build'; repository: string; tag: string; context: string; dockerfile: string; platforms: Platform[] }
  /** A ready image reference, used as is. */
  | { kind: 'prebuilt'; ref: string };

export interface PortIR {
  container: number;
  protocol: 'tcp' | 'udp';
  /** Host port; undefined means the port is exposed to other modules only. */
  host?: number;
  hostIp?: string;
}

export interface VolumeIR {
  /** Absolute host path (bind) or a volume name (volume). */
  source: string;
  target: string;
  readOnly: boolean;
  kind: 'bind' | 'volume';
}

export interface DeviceMappingIR {
  host: string;
  container: string;
  permissions: string;
}

export interface EnvVarIR {
  name: string;
  value: MaybeSecret;
}

export interface ScoringSettingsIR {
  /** Port the scoring server listens on inside the container. */
  port: number;
  /** HTTP APIs served: edgeml POST /predict, the seed's Azure ML POST /score, Custom Vision POST /image and /url, Open Inference Protocol /v2. */
  apis: ('edgeml' | 'azureml' | 'customvision' | 'v2')[];
  /** Custom Vision's /url fetching; absent means off. */
  urlFetch?: { allow: string[]; maxBytes: number; timeoutMs: number; maxRedirects: number };
  /** Largest accepted request body in bytes. */
  maxBodyBytes: number;
  /** Inference requests run at once; more wait in a bounded queue. */
  concurrency: number;
  /** Requests allowed to wait; beyond this the server answers 503. */
  queueLimit: number;
  /** Memory and time limits the spec sets (scoring config `server.limits`); the rest take the runtime's defaults. */
  limits?: Partial<ScoringLimitsIR>;
  /** Execution providers in order of preference. */
  executionProviders: ('cuda' | 'cpu')[];
}

/** The scoring server's memory and time limits (runtime/scoring/config.ts ServerLimits). */
export interface ScoringLimitsIR {
  bytesInFlight: number;
  decodeBytes: number;
  imagesPerRequest: number;
  processingTimeoutMs: number;
  requestTimeoutMs: number;
  bodyIdleTimeoutMs: number;
}

export type FrameSourceIR =
  | { kind: 'folder'; path: string }
  | { kind: 'video'; path: string }
  | { kind: 'camera'; device: string }
  | { kind: 'rtsp'; url: MaybeSecret };

export interface CaptureSettingsIR {
  source: FrameSourceIR;
  fps: number;
  loop: boolean;
  resize?: { width: number; height: number };
  /** Name of the scoring module frames are POSTed to, and the URL used on the edge network. */
  scoringModule: string;
  scoringUrl: string;
  /** IoT Edge output name the results are sent on. */
  output: string;
  /** Annotated-frame web view, when enabled. */
  view?: { port: number; minScore: number };
  /** Files to copy into the image (relative to the spec folder), e.g. a folder of images or a video. */
  bundle?: string;
}

export interface ModuleIR {
  name: string;
  kind: ModuleKind;
  path: SpecPath;
  image: ImageIR;
  version: string;
  status: ModuleStatus;
  restartPolicy: RestartPolicy;
  imagePullPolicy?: 'on-create' | 'never';
  startupOrder?: number;
  env: EnvVarIR[];
  ports: PortIR[];
  volumes: VolumeIR[];
  devices: DeviceMappingIR[];
  /** GPUs requested: undefined for none, 'all' or a count. */
  gpu?: 'all' | number;
  /** Raw Docker createOptions from the spec, deep-merged over the typed fields by the renderer. */
  createOptions: Record<string, unknown>;
  /** Module twin desired properties. */
  twin?: Record<string, unknown>;
  /** Declared IoT Edge inputs and outputs (routes are checked against them). */
  inputs: string[];
  outputs: string[];
  /**
   * Message contracts by output name: generated modules have one per output; container modules where declared.
   * Lowering always sets it; optional so hand-built IRs (tests, stand-ins) need not.
   */
  contracts?: Record<string, MessageContractIR>;
  scoring?: ScoringSettingsIR;
  capture?: CaptureSettingsIR;
}

/** What messages on one output look like: a JSON Schema (draft-07) of the body. */
export interface MessageContractIR {
  /** Generated by edgeml (its own modules), written inline in the spec, or read from a file next to it. */
  origin: 'generated' | 'inline' | 'file';
  /** The schema; undefined for a file contract until the resolve stage has read it (or when it could not). */
  schema?: JsonSchema;
  /** Contract file relative to the spec folder (origin 'file'). */
  file?: string;
  /** What the output carries, from the spec (README). */
  description?: string;
  /** Where the spec declares it (origins 'inline' and 'file'). */
  path?: SpecPath;
}

// ---------------------------------------------------------------------------------------------------------------
// Routes

export type RouteSourceIR =
  /** All telemetry: /messages/* */
  | { kind: 'all-messages' }
  /** Telemetry from leaf / downstream devices only: /messages (with NOT IS_DEFINED($connectionModuleId)). */
  | { kind: 'devices' }
  /** A module's output; output '*' means any output of the module. */
  | { kind: 'module'; module: string; output: string };

export type RouteSinkIR = { kind: 'upstream' } | { kind: 'module'; module: string; input: string };

export interface RouteIR {
  name: string;
  path: SpecPath;
  from: RouteSourceIR;
  to: RouteSinkIR;
  /** Condition in edgeHub's route condition language, as written. */
  when?: string;
  /** `when` parsed once, at lowering, with edgeHub's grammar: the checks read this instead of parsing again. */
  condition?: ConditionParseResult;
  priority?: number;
  timeToLiveSecs?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// The workflow

export interface WorkflowIR {
  /** Spec file path as given by the user (for messages only; never rendered into artifacts). */
  specFile: string;
  /** Absolute folder of the spec, to read model files and samples. Never rendered into artifacts. */
  specDir: string;
  name: string;
  description: string;
  task: Task;
  model: ModelIR;
  target: TargetIR;
  azure: AzureIR;
  modules: ModuleIR[];
  routes: RouteIR[];
  storeAndForward: { timeToLiveSecs: number; maxSizeBytes?: number };
}
