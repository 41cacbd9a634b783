// Reads the header fields of an ONNX file (producer, opsets, metadata_props such as Custom Vision's
// Image.BitmapPixelFormat) with a minimal protobuf walker that seeks past the graph instead of loading it, because
// onnxruntime-node does not expose them. Model stage (compiler side), used by introspect.ts.
import { open, type FileHandle } from 'node:fs/promises';

export interface OnnxHeader {
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  /** Operator set versions by domain ('' is the default ONNX domain). */
  opsets: Record<string, number>;
  /** The model's metadata_props, key → value. */
  metadata: Record<string, string>;
}

export class OnnxHeaderError extends Error {
  override name = 'OnnxHeaderError';
}

// ModelProto field numbers (onnx.proto).
const IR_VERSION = 1;
const PRODUCER_NAME = 2;
const PRODUCER_VERSION = 3;
const OPSET_IMPORT = 8;
const METADATA_PROPS = 14;
/** Largest header value read into memory; anything larger (the graph, training info) is skipped. */
const MAX_SMALL_FIELD = 1 << 20;

type ReadAt = (position: number, length: number) => Promise<Buffer>;

export async function readOnnxHeader(path: string): Promise<OnnxHeader> {
  const handle = await open(path, 'r');
  try {
    return await walkHeader((position, length) => readAt(handle, position, length), (await handle.stat()).size);
  } finally {
    await handle.close();
  }
}

/** The same from a model already in memory (e.g. inflated from a zip). */
export function readOnnxHeaderFromBytes(bytes: Buffer): Promise<OnnxHeader> {
  return walkHeader(async (position, length) => bytes.subarray(position, position + length), bytes.length);
}

async function walkHeader(read: ReadAt, size: number): Promise<OnnxHeader> {
  const header: OnnxHeader = { opsets: {}, metadata: {} };
  let offset = 0;
  while (offset < size) {
    const head = await read(offset, Math.min(20, size - offset));
    const tag = readVarint(head, 0);
    const field = Number(tag.value >> 3n);
    const wireType = Number(tag.value & 7n);
    offset += tag.length;
    if (wireType === 0) {
      const value = readVarint(head, tag.length);
      if (field === IR_VERSION) header.irVersion = Number(value.value);
      offset += value.length;
    } else if (wireType === 2) {
      const length = readVarint(head, tag.length);
      offset += length.length;
      const n = Number(length.value);
      if (offset + n > size) throw new OnnxHeaderError('field runs past the end of the file');
      if (n <= MAX_SMALL_FIELD && [PRODUCER_NAME, PRODUCER_VERSION, OPSET_IMPORT, METADATA_PROPS].includes(field)) {
        const bytes = await read(offset, n);
        if (field === PRODUCER_NAME) header.producerName = bytes.toString('utf8');
        else if (field === PRODUCER_VERSION) header.producerVersion = bytes.toString('utf8');
        else if (field === OPSET_IMPORT) {
          const m = readMessage(bytes);
          header.opsets[m.strings[1] ?? ''] = Number(m.varints[2] ?? 0n);
        } else {
          const m = readMessage(bytes);
          if (m.strings[1] !== undefined) header.metadata[m.strings[1]] = m.strings[2] ?? '';
        }
      }
      offset += n;
    } else if (wireType === 5) offset += 4;
    else if (wireType === 1) offset += 8;
    else throw new OnnxHeaderError(`unexpected protobuf wire type ${wireType}`);
  }
  return header;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, position);
  return buffer.subarray(0, bytesRead);
}

function readVarint(bytes: Buffer, start: number): { value: bigint; length: number } {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    const byte = bytes[start + i];
    if (byte === undefined) throw new OnnxHeaderError('truncated varint');
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return { value, length: i + 1 };
  }
  throw new OnnxHeaderError('varint too long');
}

/** A flat message of string (length-delimited) and varint fields, by field number. */
function readMessage(bytes: Buffer): { strings: Record<number, string>; varints: Record<number, bigint> } {
  const strings: Record<number, string> = {};
  const varints: Record<number, bigint> = {};
  let offset = 0;
  while (offset < bytes.length) {
    const tag = readVarint(bytes, offset);
    offset += tag.length;
    const field = Number(tag.value >> 3n);
    const wireType = Number(tag.value & 7n);
    if (wireType === 0) {
      const v = readVarint(bytes, offset);
      varints[field] = v.value;
      offset += v.length;
    } else if (wireType === 2) {
      const len = readVarint(bytes, offset);
      offset += len.length;
      strings[field] = bytes.toString('utf8', offset, offset + Number(len.value));
      offset += Number(len.value);
    } else if (wireType === 5) offset += 4;
    else if (wireType === 1) offset += 8;
    else throw new OnnxHeaderError(`unexpected protobuf wire type ${wireType}`);
  }
  return { strings, varints };
}
