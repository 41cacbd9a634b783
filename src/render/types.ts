// Shapes shared by every renderer (render stage). Renderers are pure functions of a RenderContext:
// no clock, environment, file system or randomness; the program reads every input file into `assets` first.
import type { WorkflowIR } from '../ir/types.js';

export type FileContent = string | Uint8Array;

export interface RenderedFile {
  /** Path relative to the output folder, forward slashes, never absolute, never containing '..'. */
  path: string;
  content: FileContent;
  /** File mode; 0o755 for scripts, default 0o644. */
  mode?: number;
}

export interface RenderAssets {
  /** Runtime module code: path relative to dist/runtime/ (e.g. 'scoring/server.js') → file text. */
  runtime: ReadonlyMap<string, string>;
  /** Input files the spec names (model, labels, samples, capture bundles): spec-relative path → bytes. */
  files: ReadonlyMap<string, Uint8Array>;
  /** Pinned versions of npm packages the modules need (from edgeml's own package-lock), by package name. */
  packageVersions: ReadonlyMap<string, string>;
}

export interface RenderContext {
  ir: WorkflowIR;
  assets: RenderAssets;
  /**
   * Metadata read from the ONNX model when it is available locally (see src/model/introspect.ts). Used for models in
   * the spec's folder only; a remote model's cached copy never changes the output.
   */
  model?: unknown;
}
