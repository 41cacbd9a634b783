// Lowering: turns schema-valid spec data into the typed IR, filling every default in one place.
// Pure and total: it never reports; anything it cannot make sense of is left for the semantic checks to flag.
import type {
  AzureIR,
  CaptureSettingsIR,
  CascadeIR,
  CascadeStageIR,
  DecoderIR,
  DeploymentTargetIR,
  RolloutIR,
  RolloutMetricLimitIR,
  TelemetryIR,
  DeviceMappingIR,
  EnvVarIR,
  FrameSourceIR,
  ImageIR,
  MessageContractIR,
  ModelIR,
  ModelSource,
  ModuleIR,
  ModuleKind,
  Platform,
  PortIR,
  PreprocessIR,
  RegistryIR,
  RouteIR,
  RouteSinkIR,
  RouteSourceIR,
  ScoringLimitsIR,
  ScoringSettingsIR,
  SpecPath,
  TargetIR,
  Task,
  VolumeIR,
  WorkflowIR,
} from './types.js';
import {
  captureResultsContract,
  telemetryResultsContract,
  type CascadeContract,
  type JsonSchema,
  type StageContract,
} from '../runtime/contracts/index.js';
import { parseSecretRef } from '../resolve/variables.js';
import { parseCondition } from '../routes/parse-condition.js';
import { DEFAULT_RUNTIME } from './platform-support.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- spec data is schema-checked but untyped here */
type Data = Record<string, any>;

/** Custom Vision's (YOLOv2) five anchors, in grid cells. */
export const CUSTOM_VISION_ANCHORS: [number, number][] = [
  [0.573, 0.677],
  [1.87, 2.06],
  [3.34, 5.47],
  [7.88, 3.53],
  [9.77, 9.17],
];

export const DEFAULTS = {
  scoringPort: 5001,
  maxBodyBytes: 8 * 1024 * 1024,
  scoringApis: ['edgeml', 'azureml', 'customvision', 'v2'],
  urlFetchTimeoutSeconds: 10,
  urlFetchMaxRedirects: 3,
  queueLimit: 16,
  storeAndForwardTtl: 7200,
  fleetPriority: 10,
  gateMinDevices: 1,
  gateWaitSeconds: 900,
  captureOutput: 'results',
  captureFps: 1,
  viewMinScore: 0.4,
  location: 'eastus',
} as const;

const DEFAULT_OS: Record<TargetIR['device'], string> = {
  'ubuntu-vm': 'ubuntu-22.04',
  'databox-edge': 'ubuntu-22.04',
  'raspberry-pi': 'raspberry-pi-os-12',
  generic: 'ubuntu-22.04',
};

export function lowerSpec(spec: Data, specFile: string, specDir: string): WorkflowIR {
  const task: Task = spec.task;
  const target = lowerTarget(spec.target ?? {});
  const modulesData: Data = spec.modules ?? {};
  const ir: WorkflowIR = {
    specFile,
    specDir,
    name: spec.name,
    description: spec.description ?? '',
    task,
    model: lowerModel(spec.model ?? {}, task),
    target,
    azure: lowerAzure(spec.azure ?? {}),
    modules: [],
    routes: [],
    storeAndForward: {
      timeToLiveSecs: spec.storeAndForward?.ttl ?? DEFAULTS.storeAndForwardTtl,
      ...(spec.storeAndForward?.maxSizeBytes ? { maxSizeBytes: spec.storeAndForward.maxSizeBytes } : {}),
    },
  };
  ir.modules = Object.entries(modulesData).map(([name, data]) => lowerModule(name, data as Data, ir, modulesData));
  ir.routes = lowerRoutes(spec.routes ?? []);
  return ir;
}

/** Spec names that mean the same device profile: Data Box Edge is sold as Azure Stack Edge today. */
const DEVICE_ALIASES: Readonly<Record<string, TargetIR['device']>> = { 'azure-stack-edge': 'databox-edge' };

function lowerTarget(t: Data): TargetIR {
  const device: TargetIR['device'] = DEVICE_ALIASES[t.device] ?? t.device ?? 'ubuntu-vm';
  return {
    platform: t.platform ?? 'amd64',
    accelerator: t.accelerator ?? 'none',
    device,
    os: t.os ?? DEFAULT_OS[device as TargetIR['device']],
    runtime: t.runtime === undefined ? DEFAULT_RUNTIME : (String(t.runtime) as TargetIR['runtime']),
  };
}

function lowerModel(m: Data, task: Task): ModelIR {
  const source = lowerModelSource(m.source ?? {});
  const labelsFile = m.labelsFile ?? (source.kind === 'customvision' ? `${source.path}/${source.labelsFile}` : undefined);
  const decoder = lowerDecoder(m.postprocess ?? {}, task, source);
  return {
    source,
    ...(m.labels ? { labels: m.labels.map(String) } : {}),
    ...(labelsFile && !m.labels ? { labelsFile } : {}),
    preprocess: lowerPreprocess(m.preprocess ?? {}, source),
    decoder,
    ...(task === 'telemetry' ? { telemetry: lowerTelemetry(m) } : {}),
    samples: m.samples ?? [],
    ...(m.expect ? { expect: { ...m.expect } } : {}),
    ...(m.cascade ? { cascade: lowerCascade(m.cascade, decoder) } : {}),
  };
}

function lowerPreprocess(p: Data, source: ModelSource): PreprocessIR {
  const elementType = p.elementType;
  // Custom Vision exports take BGR frames with raw 0-255 pixel values.
  const customVision = source.kind === 'customvision';
  return {
    ...(p.input !== undefined ? { inputName: p.input } : {}),
    ...(p.width !== undefined ? { width: p.width } : {}),
    ...(p.height !== undefined ? { height: p.height } : {}),
    ...(p.layout !== undefined ? { layout: p.layout } : {}),
    ...(elementType !== undefined ? { elementType } : {}),
    colorOrder: p.colorOrder ?? (customVision ? 'BGR' : 'RGB'),
    resize: p.resize ?? 'stretch',
    scale: p.scale ?? (elementType === 'uint8' || customVision ? 1 : 1 / 255),
    mean: p.mean ?? [0, 0, 0],
    std: p.std ?? [1, 1, 1],
    padValue: p.padValue ?? 114,
    ...(p.maxWidth !== undefined ? { maxWidth: p.maxWidth } : {}),
  };
}

export const CASCADE_DEFAULTS = {
  /** 16 megapixels: a 12 MP photo and its crops, 48 MB of RGB per request in flight. */
  maxPixels: 16_000_000,
  crop: { padding: 0.1, maxRegions: 50, minSize: 4 },
  /** PaddleOCR's cls_thresh. */
  rotateMinScore: 0.9,
} as const;

/** Formats whose predictions are regions a later stage can crop. */
export const REGION_FORMATS: readonly DecoderIR['kind'][] = ['boxes', 'yolo-grid', 'text-detection'];

function lowerCascade(c: Data, first: DecoderIR): CascadeIR {
  const stages: Data[] = Array.isArray(c.stages) ? c.stages : [];
  // The stage right after a region stage cuts crops: it gets the default crop settings when it names none.
  let afterRegions = REGION_FORMATS.includes(first.kind);
  return {
    maxPixels: c.maxPixels ?? CASCADE_DEFAULTS.maxPixels,
    stages: stages.map((st, index): CascadeStageIR => {
      const source = { kind: 'file' as const, path: normalizeRelative(st.source?.file ?? '') };
      // A stage's task is what its format does: the task only picks a default format, and stages name theirs.
      const decoder = lowerDecoder(st.postprocess ?? {}, 'image-classification', source);
      const crops = afterRegions || st.crop !== undefined;
      afterRegions = REGION_FORMATS.includes(decoder.kind);
      return {
        name: String(st.name ?? `stage${index + 1}`),
        path: ['model', 'cascade', 'stages', index],
        source,
        ...(st.labels ? { labels: st.labels.map(String) } : {}),
        ...(st.labelsFile && !st.labels ? { labelsFile: st.labelsFile } : {}),
        preprocess: lowerPreprocess(st.preprocess ?? {}, source),
        decoder,
        ...(crops ? { crop: { ...CASCADE_DEFAULTS.crop, ...(st.crop ?? {}) } } : {}),
        ...(st.rotate
          ? {
              rotate: {
                label: String(st.rotate.label),
                degrees: st.rotate.degrees ?? 180,
                minScore: st.rotate.minScore ?? CASCADE_DEFAULTS.rotateMinScore,
              },
            }
          : {}),
      };
    }),
  };
}

/** What a cascade adds to the capture module's messages: quads on text regions and each level's stages. */
function cascadeContract(model: ModelIR): CascadeContract | undefined {
  if (!model.cascade) return undefined;
  const level = (stages: readonly CascadeStageIR[]): StageContract[] => {
    const out: StageContract[] = [];
    for (const [i, stage] of stages.entries()) {
      if (REGION_FORMATS.includes(stage.decoder.kind)) {
        out.push({ name: stage.name, kind: 'regions', quads: stage.decoder.kind === 'text-detection', stages: level(stages.slice(i + 1)) });
        break; // the stages after a region stage read its regions, one level down
      }
      out.push({
        name: stage.name,
        kind: stage.decoder.kind === 'text-recognition' ? 'text' : 'classification',
        ...(stage.rotate ? { rotates: stage.rotate.degrees } : {}),
      });
    }
    return out;
  };
  return { quads: model.decoder.kind === 'text-detection', stages: level(model.cascade.stages) };
}

function lowerModelSource(s: Data): ModelSource {
  if (s.file !== undefined) return { kind: 'file', path: normalizeRelative(s.file) };
  if (s.customvision !== undefined) {
    const folder = normalizeRelative(s.customvision);
    return { kind: 'customvision', path: folder, modelFile: 'model.onnx', labelsFile: 'labels.txt' };
  }
  if (s.azureml !== undefined)
    return { kind: 'azureml', name: s.azureml.name, version: s.azureml.version, file: s.azureml.file ?? 'model.onnx' };
  if (s.url !== undefined) return { kind: 'url', url: s.url.href, sha256: String(s.url.sha256).toLowerCase(), file: 'model.onnx' };
  return { kind: 'file', path: '' };
}

/** `$body.a.b[2]` → ['a', 'b', 2] (the schema has already checked the syntax). */
export function bodyPathSegments(path: string): (string | number)[] {
  return [...path.replace(/^\$body/, '').matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]/g)].map((m) =>
    m[1] !== undefined ? m[1] : Number(m[2]),
  );
}

function lowerTelemetry(m: Data): TelemetryIR {
  const features: Data[] = Array.isArray(m.features) ? m.features : [];
  return {
    features: features.map((f: Data) => ({
      name: String(f.name ?? ''),
      path: String(f.path ?? ''),
      segments: bodyPathSegments(String(f.path ?? '')),
      ...(typeof f.default === 'number' ? { default: f.default } : {}),
      ...(typeof f.unit === 'string' ? { unit: f.unit } : {}),
    })),
    window: m.window ?? 1,
    windowKey: m.windowKey ?? 'device',
  };
}

function lowerDecoder(d: Data, task: Task, source: ModelSource): DecoderIR {
  if (task === 'telemetry' || d.format === 'regression' || d.format === 'anomaly') {
    const output = d.output ? { output: d.output } : {};
    if ((d.format ?? 'anomaly') === 'anomaly') return { kind: 'anomaly', ...output, threshold: d.threshold ?? 0.5 };
    if (d.format === 'regression') return { kind: 'regression', ...output, ...(d.unit ? { unit: d.unit } : {}) };
  }
  const format = d.format ?? (task === 'image-classification' ? 'classification' : source.kind === 'customvision' ? 'yolo-grid' : 'boxes');
  // PaddleOCR's inference defaults (tools/infer/utility.py: det_db_thresh, det_db_box_thresh, det_db_unclip_ratio).
  if (format === 'text-detection') {
    return {
      kind: 'text-detection',
      ...(d.output ? { output: d.output } : {}),
      threshold: d.threshold ?? 0.3,
      boxThreshold: d.boxThreshold ?? 0.6,
      unclipRatio: d.unclipRatio ?? 1.5,
      minSize: d.minSize ?? 3,
      maxCandidates: d.maxCandidates ?? 1000,
      maxDetections: d.maxDetections ?? 100,
      shape: d.shape ?? 'quad',
    };
  }
  if (format === 'text-recognition') {
    return {
      kind: 'text-recognition',
      ...(d.output ? { output: d.output } : {}),
      charactersFile: normalizeRelative(d.characters ?? ''),
      blank: d.blank ?? 'first',
      space: d.space ?? true,
      threshold: d.threshold ?? 0,
    };
  }
  if (format === 'classification') {
    return {
      kind: 'classification',
      ...(d.output ? { output: d.output } : {}),
      activation: d.activation ?? 'softmax',
      topK: d.topK ?? 3,
      threshold: d.threshold ?? 0,
    };
  }
  if (format === 'yolo-grid') {
    return {
      kind: 'yolo-grid',
      ...(d.output ? { output: d.output } : {}),
      anchors: d.anchors ?? CUSTOM_VISION_ANCHORS,
      ...(d.xyActivation ? { xyActivation: d.xyActivation } : {}),
      classActivation: d.activation === 'sigmoid' ? 'sigmoid' : 'softmax',
      threshold: d.threshold ?? 0.1,
      nmsIou: d.iou ?? 0.45,
      maxDetections: d.maxDetections ?? 20,
    };
  }
  return {
    kind: 'boxes',
    outputs: { ...(d.outputs ?? {}) },
    boxFormat: d.boxFormat ?? 'xyxy',
    normalized: d.normalized ?? false,
    labelOffset: d.labelOffset ?? 0,
    threshold: d.threshold ?? 0.5,
    nmsIou: d.iou ?? 0.45,
    maxDetections: d.maxDetections ?? 20,
  };
}

function lowerRollout(r: Data): RolloutIR {
  const rings: Data[] = Array.isArray(r.rings) ? r.rings : [];
  return {
    onFailure: r.onFailure ?? 'rollback',
    rings: rings.map((ring: Data) => {
      const gate: Data = ring.gate ?? {};
      const metrics: Record<string, RolloutMetricLimitIR> = {};
      for (const [name, limit] of Object.entries((gate.metrics ?? {}) as Record<string, Data>)) {
        metrics[name] = {
          ...(limit.maxDevices !== undefined ? { maxDevices: limit.maxDevices } : {}),
          ...(limit.maxPercent !== undefined ? { maxPercent: limit.maxPercent } : {}),
        };
      }
      return {
        name: ring.name ?? '',
        ...(ring.percent !== undefined ? { percent: ring.percent } : {}),
        ...(ring.condition !== undefined ? { condition: ring.condition } : {}),
        gate: {
          minDevices: gate.minDevices ?? DEFAULTS.gateMinDevices,
          maxFailedPercent: gate.maxFailedPercent ?? 0,
          waitSeconds: gate.waitSeconds ?? DEFAULTS.gateWaitSeconds,
          metrics,
        },
      };
    }),
  };
}

function lowerAzure(a: Data): AzureIR {
  const rg =
    typeof a.resourceGroup === 'string'
      ? { name: a.resourceGroup, create: true }
      : { name: a.resourceGroup?.name ?? '', create: a.resourceGroup?.create ?? true };
  const hub: Data = a.iotHub ?? {};
  let deployment: DeploymentTargetIR;
  if (a.fleet) {
    const f: Data = a.fleet;
    deployment = {
      kind: 'fleet',
      id: String(f.id ?? '').toLowerCase(),
      targetCondition: f.targetCondition ?? '',
      priority: f.priority ?? DEFAULTS.fleetPriority,
      layered: f.layered ?? false,
      labels: { ...(f.labels ?? {}) },
      metrics: { ...(f.metrics ?? {}) },
    };
    if (f.rollout) deployment.rollout = lowerRollout(f.rollout);
  } else {
    deployment = { kind: 'device', deviceId: a.device?.id ?? '', create: a.device?.create ?? true };
  }
  return {
    ...(a.subscription ? { subscription: a.subscription } : {}),
    resourceGroup: rg.name,
    createResourceGroup: rg.create,
    location: a.location ?? DEFAULTS.location,
    iotHub: { name: hub.name ?? '', sku: hub.sku ?? 'S1', units: hub.units ?? 1, create: hub.create ?? true },
    registry: lowerRegistry(a.registry ?? {}),
    ...(a.ml ? { ml: { workspace: a.ml.workspace, resourceGroup: a.ml.resourceGroup ?? rg.name } } : {}),
    deployment,
    ...(a.endpoints ? { endpoints: { ...a.endpoints } } : {}),
  };
}

function lowerRegistry(r: Data): RegistryIR {
  if (r.create)
    return {
      kind: 'create',
      name: r.create.name,
      sku: r.create.sku ?? 'Standard',
      address: `${String(r.create.name).toLowerCase()}.azurecr.io`,
    };
  const password = parseSecretRef(r.password);
  if (password)
    return { kind: 'existing', address: r.address ?? '', username: parseSecretRef(r.username) ?? String(r.username ?? ''), password };
  return { kind: 'anonymous', address: r.address ?? '' };
}

/** `outputs` is a list of names, or a map from name to `{ schema: file | inline schema, description }`. */
function lowerOutputs(value: unknown, modulePath: SpecPath): { names: string[]; contracts: Record<string, MessageContractIR> } {
  if (Array.isArray(value)) return { names: value.map(String), contracts: {} };
  if (typeof value !== 'object' || value === null) return { names: [], contracts: {} };
  const contracts: Record<string, MessageContractIR> = {};
  for (const [name, entry] of Object.entries(value as Record<string, Data>)) {
    const schema: unknown = entry?.schema;
    const description = typeof entry?.description === 'string' ? { description: entry.description as string } : {};
    const path = [...modulePath, 'outputs', name, 'schema'];
    if (typeof schema === 'string') contracts[name] = { origin: 'file', file: normalizeRelative(schema), path, ...description };
    else if (typeof schema === 'object' && schema !== null)
      contracts[name] = { origin: 'inline', schema: structuredClone(schema) as JsonSchema, path, ...description };
  }
  return { names: Object.keys(value), contracts };
}

function lowerModule(name: string, m: Data, ir: WorkflowIR, all: Data): ModuleIR {
  const kind: ModuleKind = m.type;
  const version = String(m.version ?? '1.0');
  const path = ['modules', name];
  const devices = (m.devices ?? []).map(lowerDevice);
  const capture = kind === 'image-capture' ? lowerCapture(m, all) : undefined;
  if (
    capture?.source.kind === 'camera' &&
    !devices.some((d: DeviceMappingIR) => d.host === (capture.source as { device: string }).device)
  ) {
    const device = capture.source.device;
    devices.push({ host: device, container: device, permissions: 'rwm' });
  }
  const gpuRequested = m.gpu === true || m.gpu === 'all' ? 'all' : typeof m.gpu === 'number' ? m.gpu : undefined;
  // A scoring module on a GPU target uses the GPU unless the spec says gpu: false (the seed's wf2 ran on the CPU).
  const gpu = gpuRequested ?? (kind === 'scoring' && ir.target.accelerator === 'nvidia-gpu' && m.gpu !== false ? 'all' : undefined);
  const declared = lowerOutputs(m.outputs, path);
  const outputs: string[] = declared.names;
  if (capture && !outputs.includes(capture.output)) outputs.push(capture.output);
  // A telemetry scoring module sends its results on an output ("results" unless the spec names one).
  const telemetry = kind === 'scoring' && ir.task === 'telemetry';
  if (telemetry && outputs.length === 0) outputs.push('results');
  const contracts: Record<string, MessageContractIR> = { ...declared.contracts };
  // The capture module sends the scoring answer plus a summary; its contract is edgeml's own (runtime/contracts).
  if (capture)
    contracts[capture.output] = {
      origin: 'generated',
      schema: captureResultsContract(
        ir.task === 'object-detection' ? 'object-detection' : 'image-classification',
        cascadeContract(ir.model),
      ),
    };
  // The telemetry module sends one result per scored message; its contract too is edgeml's own.
  if (telemetry) contracts[outputs[0]] = { origin: 'generated', schema: telemetryResultsContract(ir.model.decoder.kind) };
  const module: ModuleIR = {
    name,
    kind,
    path,
    image: lowerImage(name, m, kind, version, ir),
    version,
    status: m.status ?? 'running',
    restartPolicy: m.restartPolicy ?? 'always',
    ...(m.imagePullPolicy ? { imagePullPolicy: m.imagePullPolicy } : {}),
    ...(m.startupOrder !== undefined ? { startupOrder: m.startupOrder } : {}),
    env: lowerEnv(m.env ?? {}),
    ports: (m.ports ?? []).map(lowerPort),
    volumes: (m.volumes ?? []).map(lowerVolume),
    devices,
    ...(gpu !== undefined ? { gpu } : {}),
    createOptions: m.createOptions ?? {},
    ...(m.twin ? { twin: m.twin } : {}),
    inputs: [...(m.inputs ?? [])],
    outputs,
    contracts,
    // The HTTP scoring settings belong to image tasks; a telemetry module reads IoT Edge inputs instead.
    ...(kind === 'scoring' && !telemetry ? { scoring: lowerScoring(m, ir, gpu !== undefined) } : {}),
    ...(capture ? { capture } : {}),
  };
  return module;
}

function lowerImage(name: string, m: Data, kind: ModuleKind, version: string, ir: WorkflowIR): ImageIR {
  // Docker repositories are lowercase; the registry address is part of the reference the device pulls.
  const repository = `${ir.azure.registry.address}/${ir.name}/${name}`.toLowerCase();
  if (kind !== 'container') return { kind: 'generated', repository, tag: version };
  if (m.build) {
    return {
      kind: 'user-build',
      repository,
      tag: version,
      context: normalizeRelative(m.build.context),
      dockerfile: m.build.dockerfile ?? 'Dockerfile',
      platforms: (m.build.platforms ?? [ir.target.platform]) as Platform[],
    };
  }
  return { kind: 'prebuilt', ref: m.image ?? '' };
}

function lowerScoring(m: Data, ir: WorkflowIR, usesGpu: boolean): ScoringSettingsIR {
  const maxBodyBytes = m.maxBodySize ? parseSize(m.maxBodySize) : DEFAULTS.maxBodyBytes;
  return {
    port: m.port ?? DEFAULTS.scoringPort,
    apis: m.apis ?? [...DEFAULTS.scoringApis],
    maxBodyBytes,
    ...(m.urlFetch
      ? {
          urlFetch: {
            allow: [...m.urlFetch.allow],
            maxBytes: m.urlFetch.maxSize ? parseSize(m.urlFetch.maxSize) : maxBodyBytes,
            timeoutMs: Math.round((m.urlFetch.timeoutSeconds ?? DEFAULTS.urlFetchTimeoutSeconds) * 1000),
            maxRedirects: m.urlFetch.maxRedirects ?? DEFAULTS.urlFetchMaxRedirects,
          },
        }
      : {}),
    concurrency: m.concurrency ?? 1,
    queueLimit: m.queueLimit ?? DEFAULTS.queueLimit,
    ...(m.limits ? { limits: lowerScoringLimits(m.limits) } : {}),
    executionProviders: usesGpu && ir.target.accelerator === 'nvidia-gpu' ? ['cuda', 'cpu'] : ['cpu'],
  };
}

/** The limits the spec sets (sizes in bytes, seconds in milliseconds); the rest keep the runtime's defaults. */
function lowerScoringLimits(l: Data): Partial<ScoringLimitsIR> {
  return {
    ...(l.uploadsInFlight !== undefined ? { bytesInFlight: parseSize(l.uploadsInFlight) } : {}),
    ...(l.decodePerRequest !== undefined ? { decodeBytes: parseSize(l.decodePerRequest) } : {}),
    ...(l.imagesPerRequest !== undefined ? { imagesPerRequest: l.imagesPerRequest } : {}),
    ...(l.processingTimeout !== undefined ? { processingTimeoutMs: Math.round(l.processingTimeout * 1000) } : {}),
    ...(l.requestTimeout !== undefined ? { requestTimeoutMs: Math.round(l.requestTimeout * 1000) } : {}),
    ...(l.uploadIdleTimeout !== undefined ? { bodyIdleTimeoutMs: Math.round(l.uploadIdleTimeout * 1000) } : {}),
  };
}

function lowerCapture(m: Data, all: Data): CaptureSettingsIR {
  const s: Data = m.source ?? {};
  let source: FrameSourceIR;
  let bundle: string | undefined;
  if (s.folder !== undefined) {
    source = { kind: 'folder', path: normalizeRelative(s.folder) };
    bundle = source.path;
  } else if (s.video !== undefined) {
    source = { kind: 'video', path: normalizeRelative(s.video) };
    bundle = source.path;
  } else if (s.camera !== undefined) source = { kind: 'camera', device: s.camera };
  else source = { kind: 'rtsp', url: parseSecretRef(s.rtsp) ?? String(s.rtsp ?? '') };
  const scoringModule = String(m.sendTo ?? '');
  const targetPort = all[scoringModule]?.port ?? DEFAULTS.scoringPort;
  return {
    source,
    fps: m.fps ?? DEFAULTS.captureFps,
    loop: m.loop ?? true,
    ...(m.resize ? { resize: { width: m.resize.width, height: m.resize.height } } : {}),
    scoringModule,
    scoringUrl: `http://${scoringModule}:${targetPort}/image`,
    output: m.output ?? DEFAULTS.captureOutput,
    ...(m.view ? { view: { port: m.view.port, minScore: m.view.minScore ?? DEFAULTS.viewMinScore } } : {}),
    ...(bundle ? { bundle } : {}),
  };
}

function lowerEnv(env: Data): EnvVarIR[] {
  return Object.keys(env)
    .sort()
    .map((name) => {
      const value = env[name];
      if (value && typeof value === 'object') return { name, value: parseSecretRef(value.secret) ?? { kind: 'secret', env: '' } };
      return { name, value: String(value) };
    });
}

/** "80", "8080:80", "8080:80/udp", "127.0.0.1:8080:80", 80, or an object. */
export function lowerPort(p: unknown): PortIR {
  if (typeof p === 'number') return { container: p, protocol: 'tcp' };
  if (typeof p === 'string') {
    const [spec, protocol = 'tcp'] = p.split('/');
    const parts = spec.split(':');
    const container = Number(parts[parts.length - 1]);
    const host = parts.length >= 2 ? Number(parts[parts.length - 2]) : undefined;
    const hostIp = parts.length === 3 ? parts[0] : undefined;
    return { container, protocol: protocol as PortIR['protocol'], ...(host !== undefined ? { host } : {}), ...(hostIp ? { hostIp } : {}) };
  }
  const o = p as Data;
  return {
    container: o.container,
    protocol: o.protocol ?? 'tcp',
    ...(o.host !== undefined ? { host: o.host } : {}),
    ...(o.hostIp ? { hostIp: o.hostIp } : {}),
  };
}

export function lowerVolume(v: unknown): VolumeIR {
  if (typeof v === 'string') {
    const parts = v.split(':');
    const source = parts[0];
    return { source, target: parts[1], readOnly: parts[2] === 'ro', kind: source.startsWith('/') ? 'bind' : 'volume' };
  }
  const o = v as Data;
  return { source: o.source, target: o.target, readOnly: o.readOnly ?? false, kind: String(o.source).startsWith('/') ? 'bind' : 'volume' };
}

export function lowerDevice(d: unknown): DeviceMappingIR {
  if (typeof d === 'string') {
    const parts = d.split(':');
    return { host: parts[0], container: parts[1] ?? parts[0], permissions: parts[2] ?? 'rwm' };
  }
  const o = d as Data;
  return { host: o.host, container: o.container ?? o.host, permissions: o.permissions ?? 'rwm' };
}

function lowerRoutes(routes: Data[]): RouteIR[] {
  const used = new Set<string>();
  return routes.map((r, index) => {
    const from = parseRouteSource(String(r.from ?? ''));
    const to = parseRouteSink(String(r.to ?? ''));
    let name = r.name ?? defaultRouteName(from, to);
    if (!r.name) {
      const base = name;
      for (let n = 2; used.has(name); n++) name = `${base}${n}`;
    }
    used.add(name);
    return {
      name,
      path: ['routes', index],
      from,
      to,
      ...(r.when !== undefined ? { when: String(r.when), condition: parseCondition(String(r.when)) } : {}),
      ...(r.priority !== undefined ? { priority: r.priority } : {}),
      ...(r.ttl !== undefined ? { timeToLiveSecs: r.ttl } : {}),
    };
  });
}

export function parseRouteSource(text: string): RouteSourceIR {
  const trimmed = text.trim();
  if (trimmed === '*' || trimmed === '/messages/*') return { kind: 'all-messages' };
  if (trimmed === 'devices') return { kind: 'devices' };
  const dot = trimmed.indexOf('.');
  if (dot < 0) return { kind: 'module', module: trimmed, output: '*' };
  return { kind: 'module', module: trimmed.slice(0, dot), output: trimmed.slice(dot + 1) || '*' };
}

export function parseRouteSink(text: string): RouteSinkIR {
  const trimmed = text.trim();
  if (trimmed === 'upstream' || trimmed === '$upstream') return { kind: 'upstream' };
  const dot = trimmed.indexOf('.');
  if (dot < 0) return { kind: 'module', module: trimmed, input: '' };
  return { kind: 'module', module: trimmed.slice(0, dot), input: trimmed.slice(dot + 1) };
}

function defaultRouteName(from: RouteSourceIR, to: RouteSinkIR): string {
  const source = from.kind === 'module' ? from.module : from.kind === 'devices' ? 'devices' : 'all';
  const sink = to.kind === 'upstream' ? 'IoTHub' : to.module;
  return `${source}To${sink.charAt(0).toUpperCase()}${sink.slice(1)}`.replace(/[.$# ]/g, '_');
}

/** Parses "4MB", "512 KB", "100B" into bytes. */
export function parseSize(text: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*(B|KB|MB|GB)$/.exec(String(text).trim());
  if (!match) return NaN;
  const factor = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[match[2] as 'B' | 'KB' | 'MB' | 'GB'];
  return Math.round(Number(match[1]) * factor);
}

/** Spec-relative paths keep forward slashes and lose a leading './' (checks reject absolute and '..' paths). */
function normalizeRelative(path: string): string {
  return String(path)
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
}
