// Reads what a loaded ONNX session says about its inputs and outputs (names, element types, shapes with symbolic
// dims) and infers image-input geometry from a shape. Runtime stage; also reused by the compiler's model/introspect.ts.
import type { InferenceSession } from 'onnxruntime-node';
import type { Layout } from './config.js';

/** A dimension: a fixed size, or the name of a symbolic one (e.g. 'batch'); '?' when unnamed and unknown. */
export type Dim = number | string;

export interface TensorInfo {
  name: string;
  /** onnxruntime's element type name, e.g. 'float32', 'uint8', 'int64'; 'non-tensor' for sequences / maps. */
  elementType: string;
  /** Undefined for non-tensor values. */
  shape?: Dim[];
}

export interface SessionDescription {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

export function describeSession(session: Pick<InferenceSession, 'inputMetadata' | 'outputMetadata'>): SessionDescription {
  return { inputs: session.inputMetadata.map(toTensorInfo), outputs: session.outputMetadata.map(toTensorInfo) };
}

function toTensorInfo(meta: InferenceSession.ValueMetadata): TensorInfo {
  if (!meta.isTensor) return { name: meta.name, elementType: 'non-tensor' };
  return { name: meta.name, elementType: String(meta.type), shape: meta.shape.map(toDim) };
}

const toDim = (d: unknown): Dim => (typeof d === 'number' && d > 0 ? d : typeof d === 'string' && d !== '' ? d : '?');

export const isFixed = (d: Dim | undefined): d is number => typeof d === 'number';

/** What an image input's shape says; each field is undefined when the shape leaves it open. */
export interface ImageInputShape {
  layout?: Layout;
  channels?: number;
  width?: number;
  height?: number;
  /** True when the batch dimension is symbolic (several images per run). */
  dynamicBatch: boolean;
}

const isChannelCount = (d: Dim | undefined): boolean => d === 1 || d === 3 || d === 4;

/**
 * Infers layout and size from a rank-4 image input: NCHW when dim 1 looks like a channel count and dim 3 does not,
 * NHWC the other way round; ambiguous shapes (both or neither) leave the layout open.
 */
export function readImageInputShape(shape: readonly Dim[] | undefined): ImageInputShape {
  if (!shape || shape.length !== 4) return { dynamicBatch: false };
  const [batch, d1, d2, d3] = shape;
  const dynamicBatch = !isFixed(batch);
  const nchw = isChannelCount(d1) && !isChannelCount(d3);
  const nhwc = isChannelCount(d3) && !isChannelCount(d1);
  const layout: Layout | undefined = nchw ? 'NCHW' : nhwc ? 'NHWC' : undefined;
  if (!layout) return { dynamicBatch };
  const [c, h, w] = layout === 'NCHW' ? [d1, d2, d3] : [d3, d1, d2];
  return {
    layout,
    dynamicBatch,
    ...(isFixed(c) ? { channels: c } : {}),
    ...(isFixed(h) ? { height: h } : {}),
    ...(isFixed(w) ? { width: w } : {}),
  };
}

/** Shape of the input as the given layout reads it (for a config that states the layout explicitly). */
export function readShapeAs(shape: readonly Dim[] | undefined, layout: Layout): { channels?: Dim; height?: Dim; width?: Dim } {
  if (!shape || shape.length !== 4) return {};
  const [, d1, d2, d3] = shape;
  return layout === 'NCHW' ? { channels: d1, height: d2, width: d3 } : { channels: d3, height: d1, width: d2 };
}
