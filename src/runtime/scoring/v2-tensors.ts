// The Open Inference Protocol's tensors on the wire: datatype names, JSON data (flat or nested, row-major) and the
// binary tensor data extension (little-endian, row-major; a BYTES element is a 4-byte little-endian length then its
// bytes; the JSON header's length in Inference-Header-Content-Length). Runtime stage (scoring), used by api-v2.ts.
import { HttpError } from './api.js';
import type { TensorData, TensorElementType, WireTensor } from './tensor-run.js';

type NumericType = Exclude<TensorElementType, 'string'>;

/** Protocol datatype ↔ onnxruntime element type. */
export const DATATYPES: Record<string, TensorElementType> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};

const DATATYPE_OF = Object.fromEntries(Object.entries(DATATYPES).map(([k, v]) => [v, k])) as Record<TensorElementType, string>;

export const datatypeOf = (type: string): string | undefined => DATATYPE_OF[type as TensorElementType];

const ARRAYS: Record<NumericType, { bytes: number; make: (n: number) => Exclude<TensorData, string[]> }> = {
  bool: { bytes: 1, make: (n) => new Uint8Array(n) },
  uint8: { bytes: 1, make: (n) => new Uint8Array(n) },
  uint16: { bytes: 2, make: (n) => new Uint16Array(n) },
  uint32: { bytes: 4, make: (n) => new Uint32Array(n) },
  uint64: { bytes: 8, make: (n) => new BigUint64Array(n) },
  int8: { bytes: 1, make: (n) => new Int8Array(n) },
  int16: { bytes: 2, make: (n) => new Int16Array(n) },
  int32: { bytes: 4, make: (n) => new Int32Array(n) },
  int64: { bytes: 8, make: (n) => new BigInt64Array(n) },
  float16: { bytes: 2, make: (n) => new Uint16Array(n) },
  float32: { bytes: 4, make: (n) => new Float32Array(n) },
  float64: { bytes: 8, make: (n) => new Float64Array(n) },
};

const bad = (message: string): HttpError => new HttpError(400, message);

/** Element count of a shape, refusing negative or non-integer dims and counts beyond `max` (checked before allocating). */
export function elementCount(shape: unknown, max: number, what: string): number {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0))
    throw bad(`${what}: 'shape' must be a list of whole numbers ≥ 0.`);
  let count = 1;
  for (const d of shape as number[]) {
    count *= d;
    if (count > max)
      throw new HttpError(413, `${what}: shape [${(shape as number[]).join(', ')}] holds more than ${max} elements.`, 'too-large');
  }
  return count;
}

/**
 * Flattens JSON tensor data (flat, or nested row-major) into a list, refusing more than `count` elements and nesting
 * deeper than the shape's rank on the way (so a hostile body cannot exhaust the stack).
 */
function flatten(data: unknown, count: number, rank: number, what: string): unknown[] {
  if (!Array.isArray(data)) return [data];
  const out: unknown[] = [];
  const walk = (value: unknown, depth: number): void => {
    if (Array.isArray(value)) {
      if (depth > Math.max(1, rank)) throw bad(`${what}: 'data' is nested deeper than its ${rank}-dimensional shape.`);
      for (const v of value) walk(v, depth + 1);
    } else {
      if (out.length >= count) throw bad(`${what}: 'data' holds more elements than its shape (${count}).`);
      out.push(value);
    }
  };
  walk(data, 1);
  return out;
}

/** A JSON input's data as a typed array (BYTES: strings, or decoded bytes when `bytesAsBuffers`). */
export function fromJson(data: unknown, type: TensorElementType, count: number, rank: number, what: string): TensorData {
  const values = flatten(data, count, rank, what);
  if (values.length !== count) throw bad(`${what}: 'data' holds ${values.length} element(s), its shape ${count}.`);
  if (type === 'string') {
    if (!values.every((v) => typeof v === 'string')) throw bad(`${what}: BYTES data must be strings.`);
    return values as string[];
  }
  if (type === 'float16') throw bad(`${what}: FP16 has no JSON form; send it as binary data (binary_data_size).`);
  const array = ARRAYS[type].make(count);
  const big = array instanceof BigInt64Array || array instanceof BigUint64Array;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (type === 'bool') {
      if (typeof v !== 'boolean') throw bad(`${what}: BOOL data must be true or false.`);
      array[i] = v ? 1 : 0;
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`${what}: element ${i} is not a number.`);
    if (big) {
      if (!Number.isInteger(v)) throw bad(`${what}: element ${i} is not a whole number.`);
      (array as BigInt64Array)[i] = BigInt(v);
    } else (array as Float64Array)[i] = v;
  }
  return array;
}

/** Binary data for an input of `count` elements (BYTES: length-prefixed elements). */
export function fromBinary(bytes: Buffer, type: TensorElementType, count: number, what: string): TensorData | Buffer[] {
  if (type === 'string') {
    const elements: Buffer[] = [];
    let at = 0;
    while (at < bytes.length) {
      if (at + 4 > bytes.length) throw bad(`${what}: BYTES binary data ends inside an element's length.`);
      const length = bytes.readUInt32LE(at);
      if (at + 4 + length > bytes.length) throw bad(`${what}: a BYTES element is longer than the data left.`);
      elements.push(bytes.subarray(at + 4, at + 4 + length));
      at += 4 + length;
    }
    if (elements.length !== count) throw bad(`${what}: the binary data holds ${elements.length} element(s), its shape ${count}.`);
    return elements;
  }
  const { bytes: size, make } = ARRAYS[type];
  if (bytes.length !== count * size)
    throw bad(`${what}: binary_data_size ${bytes.length} does not fit shape × ${size} bytes (${count * size}).`);
  const array = make(count);
  // Copied (not viewed): the body buffer's offset need not be aligned for the element size.
  Buffer.from(array.buffer, array.byteOffset, array.byteLength).set(bytes);
  if (type === 'bool') for (let i = 0; i < count; i++) array[i] = array[i] ? 1 : 0;
  return array;
}

/** An output's data for JSON: numbers (64-bit integers as numbers), booleans, strings. */
export function toJson(tensor: WireTensor): unknown[] {
  if (tensor.type === 'string') return [...(tensor.data as string[])];
  if (tensor.type === 'bool') return Array.from(tensor.data as Uint8Array, (v) => v !== 0);
  if (tensor.type === 'float16') throw bad(`Output '${tensor.name}' is FP16, which has no JSON form; ask for it as binary data.`);
  return Array.from(tensor.data as ArrayLike<number | bigint>, Number);
}

/** An output's data as binary. */
export function toBinary(tensor: WireTensor): Buffer {
  if (tensor.type === 'string') {
    return Buffer.concat(
      (tensor.data as string[]).flatMap((s) => {
        const bytes = Buffer.from(s, 'utf8');
        const length = Buffer.alloc(4);
        length.writeUInt32LE(bytes.length);
        return [length, bytes];
      }),
    );
  }
  const array = tensor.data as Exclude<TensorData, string[]>;
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** Splits a body into its JSON header and the binary data after it (Inference-Header-Content-Length). */
export function splitBody(body: Buffer, headerLength: string | undefined): { json: Buffer; binary: Buffer } {
  if (headerLength === undefined) return { json: body, binary: Buffer.alloc(0) };
  const length = Number(headerLength);
  if (!Number.isSafeInteger(length) || length < 0 || length > body.length)
    throw bad(`Inference-Header-Content-Length ${headerLength.slice(0, 20)} does not fit the ${body.length}-byte body.`);
  return { json: body.subarray(0, length), binary: body.subarray(length) };
}
