// What each generated module kind puts in its build context (render stage, Dockerfiles): runtime folders, npm
// packages, entry point, system packages. A table, so adding a kind is one row rather than new branches.
import type { ModuleIR, Task } from '../../ir/types.js';

export interface GeneratedKind {
  /** Folders of dist/runtime/ copied to app/ (relative imports between them keep working). */
  runtimeFolders: string[];
  /** npm packages installed in the image, at the exact versions edgeml itself was tested with. */
  packages: string[];
  /** Entry script under app/. */
  entry: string;
}

export const GENERATED_KINDS: Readonly<Record<'scoring' | 'image-capture', GeneratedKind>> = {
  scoring: {
    runtimeFolders: ['scoring', 'shared'],
    packages: ['busboy', 'onnxruntime-node', 'sharp'],
    entry: 'scoring/main.js',
  },
  'image-capture': {
    runtimeFolders: ['capture', 'shared'],
    packages: ['azure-iot-device', 'azure-iot-device-mqtt', 'sharp'],
    entry: 'capture/main.js',
  },
};

/** The scoring module of a telemetry task: reads IoT Edge inputs through the module SDK, no HTTP and no images. */
export const TELEMETRY_KIND: GeneratedKind = {
  runtimeFolders: ['telemetry'],
  packages: ['azure-iot-device', 'azure-iot-device-mqtt', 'onnxruntime-node'],
  entry: 'telemetry/main.js',
};

/** What a generated module's image holds: its kind's row, or the telemetry row for a telemetry task's scoring module. */
export function generatedKindOf(task: Task, module: ModuleIR & { kind: 'scoring' | 'image-capture' }): GeneratedKind {
  return module.kind === 'scoring' && task === 'telemetry' ? TELEMETRY_KIND : GENERATED_KINDS[module.kind];
}

/** Frame sources that are decoded by ffmpeg inside the capture container. */
const FFMPEG_SOURCES = new Set(['video', 'camera', 'rtsp']);

export function needsFfmpeg(module: ModuleIR): boolean {
  return module.kind === 'image-capture' && !!module.capture && FFMPEG_SOURCES.has(module.capture.source.kind);
}

/** Where the module answers a health probe over HTTP, when it serves HTTP at all. */
export function healthCheck(module: ModuleIR): { port: number; path: string } | undefined {
  // Scoring answers 200 on /healthz only once the model is loaded; the capture view has no health route, its page will do.
  if (module.kind === 'scoring' && module.scoring) return { port: module.scoring.port, path: '/healthz' };
  if (module.kind === 'image-capture' && module.capture?.view) return { port: module.capture.view.port, path: '/' };
  return undefined;
}
