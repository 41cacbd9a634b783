// Shared shapes of the output decoders: the tensors they read, the predictions they return, the decoder contract.
// Runtime stage (scoring), used by decoders/*.ts and scorer.ts.
import type { Box, ImageGeometry } from '../geometry.js';

/** The part of an onnxruntime Tensor a decoder needs (kept structural so tests can pass plain objects). */
export interface OutputTensor {
  dims: readonly number[];
  data: ArrayLike<number> | BigInt64Array | BigUint64Array;
}

export interface Prediction {
  label: string;
  /** Index into the labels (after labelOffset for detectors). */
  labelId: number;
  score: number;
  /** Detections only: the box relative to the original image, 0..1. */
  box?: Box;
  /** Detections only: the same box in original-image pixels. */
  boxPixels?: Box;
  /** Text detections: the region as a quadrilateral in original-image pixels, [top-left, top-right, bottom-right, bottom-left]. */
  quad?: Quad;
  /** Text recognition: the text read (also the label) and each character with its confidence. */
  text?: string;
  characters?: { char: string; score: number }[];
  /** Cascades: what each later stage found in this region, by stage name (cascade.ts). */
  stages?: Record<string, StageResult>;
}

/** Four corners in original-image pixels. */
export type Quad = [[number, number], [number, number], [number, number], [number, number]];

/** One cascade stage's answer for one region. */
export interface StageResult {
  predictions: Prediction[];
  /** Orientation stages: degrees the crop was turned before the next stage saw it (0 when it was left as it was). */
  rotated?: number;
}

export interface DecodeInput {
  outputs: Readonly<Record<string, OutputTensor>>;
  /** Which image of the batch to decode. */
  batchIndex: number;
  geometry: ImageGeometry;
  labels: readonly string[];
}

export interface Decoder {
  /** Model outputs this decoder reads (the session fetches only these). */
  outputNames: string[];
  /** Whether outputs carry a leading batch dimension this decoder can index, so several images can share one run. */
  batchable: boolean;
  decode(input: DecodeInput): Prediction[];
}

export class DecoderSetupError extends Error {
  override name = 'DecoderSetupError';
}

/** Reads element i as a JS number, whatever the tensor's element type. */
export function valueAt(data: OutputTensor['data'], i: number): number {
  return Number((data as ArrayLike<number | bigint>)[i]);
}

export const labelFor = (labels: readonly string[], id: number): string => labels[id] ?? String(id);

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Softmax over values[start..start+count) with a stride, into a new array. */
export function softmax(values: ArrayLike<number>, start: number, count: number, stride = 1): number[] {
  let max = -Infinity;
  for (let i = 0; i < count; i++) max = Math.max(max, values[start + i * stride]!);
  const out = new Array<number>(count);
  let sum = 0;
  for (let i = 0; i < count; i++) sum += out[i] = Math.exp(values[start + i * stride]! - max);
  for (let i = 0; i < count; i++) out[i] = out[i]! / sum;
  return out;
}

export const roundScore = (v: number): number => Math.round(v * 1e8) / 1e8;
