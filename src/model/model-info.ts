// What introspection learns about an ONNX model file: its inputs and outputs with element types and shapes
// (symbolic dims kept as names). Model stage: produced by introspect.ts, read by compare.ts and scoring-config.ts.
import type { TensorInfo } from '../runtime/scoring/model-metadata.js';

export type { Dim, TensorInfo } from '../runtime/scoring/model-metadata.js';

export interface ModelInfo {
  /** The file that was read (absolute; for messages only, never rendered). */
  file: string;
  sizeBytes: number;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** e.g. 'pytorch', 'tf2onnx', 'paddle2onnx'; undefined when the file does not say. */
  producer?: string;
  /** Operator set version of the default ONNX domain. */
  opset?: number;
  /** The model's metadata_props (Custom Vision exports describe their expected input here). */
  metadata: Record<string, string>;
  /** The operator computing each output (e.g. 'Softmax'), when the graph could be read; see onnx-signature.ts. */
  outputOps?: Record<string, string>;
}

/** The model of a spec, introspected, deferred (not available locally yet), or unreadable. */
export type SpecModelIntrospection =
  | { status: 'ok'; info: ModelInfo }
  | { status: 'deferred'; reason: string }
  | { status: 'error'; error: Error & { kind: string } };
