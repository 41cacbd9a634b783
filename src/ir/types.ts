// The one typed intermediate representation (IR) of a workflow spec.
// Produced by ir/lower.ts after schema and semantic checks; consumed by render/, runtime config, plan/ and providers/.
// Everything here is plain data: no YAML nodes, no functions, no absolute paths that would leak into rendered output.

/** Where a value came from in the spec, as an offset and length into the spec text. */
export interface Span {
  file: string;
  start: number;
  length: number;
}

/** A path into the spec document, e.g. ['modules', 'detector', 'ports', 0]. Used to locate diagnostics. */
export type SpecPath = readonly (string | number)[];

export type Task = 'image-classification' | 'object-detection';
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

export type DecoderIR = ClassificationDecoderIR | BoxesDecoderIR | YoloGridDecoderIR;

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
  /** What a correct prediction on the first sample looks like, for `05-test.sh` and `edgeml test`. */
  expect?: { label?: string; minScore?: number; minDetections?: number };
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
    };

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
  /** HTTP APIs served: Azure ML style POST /score and Custom Vision style POST /image. */
  apis: ('azureml' | 'customvision')[];
  /** Largest accepted request body in bytes. */
  maxBodyBytes: number;
  /** Inference requests run at once; more wait in a bounded queue. */
  concurrency: number;
  /** Requests allowed to wait; beyond this the server answers 503. */
  queueLimit: number;
  /** Execution providers in order of preference. */
  executionProviders: ('cuda' | 'cpu')[];
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
  scoring?: ScoringSettingsIR;
  capture?: CaptureSettingsIR;
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
