// Builds the image-capture module's config.json content from the IR: createCaptureConfig(ir, module). Render stage:
// the compiler side of the runtime seam (used by render/ and by `edgeml run`), kept out of src/runtime so it is never
// copied into capture images. Pure; imports IR types and the runtime's config type only.
import type { FrameSourceIR, ModuleIR, WorkflowIR } from '../ir/types.js';
import type { CaptureConfig, FrameSourceConfig } from '../runtime/capture/config.js';

/** Request settings the spec does not expose: generous enough for a CPU detector, short enough to notice an outage. */
export const SCORING_CLIENT_DEFAULTS = { timeoutMs: 10_000, retries: 2, backoffMs: 250 } as const;

export interface CaptureConfigOptions {
  /** Scoring URL to use instead of the module's edge-network URL (e.g. a loopback port under `edgeml run`). */
  scoringUrl?: string;
  /** Turns spec-relative media paths into the paths the module will see (default: unchanged, because the compiler
   *  copies `capture.bundle` into the build context at the same relative path, next to config.json). */
  mapPath?: (specRelativePath: string) => string;
  /** Drop the web view (e.g. when a local run must not bind fixed ports). */
  withoutView?: boolean;
}

/**
 * The capture module's config for `module` (kind 'image-capture'). An RTSP URL given as a secret is never written:
 * the config names its environment variable instead, which the deployment must pass to the container.
 */
export function createCaptureConfig(ir: WorkflowIR, module: ModuleIR, options: CaptureConfigOptions = {}): CaptureConfig {
  const capture = module.capture;
  if (module.kind !== 'image-capture' || !capture) {
    throw new Error(`Module '${module.name}' is not an image-capture module.`);
  }
  const mapPath = options.mapPath ?? ((p: string) => p);
  const config: CaptureConfig = {
    version: 1,
    name: module.name,
    source: sourceConfig(capture.source, mapPath),
    fps: capture.fps,
    loop: capture.loop,
    scoring: { url: options.scoringUrl ?? capture.scoringUrl, ...SCORING_CLIENT_DEFAULTS },
    output: capture.output,
  };
  if (capture.resize) config.resize = { width: capture.resize.width, height: capture.resize.height };
  if (capture.view && !options.withoutView) config.view = { port: capture.view.port, minScore: capture.view.minScore };
  void ir; // the workflow is part of the seam's signature so later settings (e.g. task-specific defaults) need no API change
  return config;
}

function sourceConfig(source: FrameSourceIR, mapPath: (p: string) => string): FrameSourceConfig {
  switch (source.kind) {
    case 'folder':
      return { kind: 'folder', path: mapPath(source.path) };
    case 'video':
      return { kind: 'video', path: mapPath(source.path) };
    case 'camera':
      return { kind: 'camera', device: source.device };
    case 'rtsp':
      return typeof source.url === 'string' ? { kind: 'rtsp', url: source.url } : { kind: 'rtsp', urlEnv: source.url.env };
  }
}
