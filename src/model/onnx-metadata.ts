// Reads the header fields of an ONNX file (producer, opsets, metadata_props such as Custom Vision's
// Image.BitmapPixelFormat) with a minimal protobuf walker that seeks past the graph instead of loading it, because
// onnxruntime-node does not expose them. Model stage (compiler side), used by introspect.ts.
import { open, type FileHandle } from 'node:fs/promises';
import { decodeFields, fixedWidth, readTag, readVarint, stringField, WIRE_LENGTH_DELIMITED, WIRE_VARINT } from './protobuf.js';

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
    // A tag and a varint take at most 20 bytes: read that much, then seek past whatever is not needed.
    const head = await read(offset, Math.min(20, size - offset));
    const { number: field, wireType, next } = readTag(head, 0);
    if (wireType === WIRE_VARINT) {
      const value = readVarint(head, next);
      if (field === IR_VERSION) header.irVersion = value.value;
      offset += value.next;
    } else if (wireType === WIRE_LENGTH_DELIMITED) {
      const length = readVarint(head, next);
      offset += length.next;
      const n = length.value;
      if (offset + n > size) throw new OnnxHeaderError('field runs past the end of the file');
      if (n <= MAX_SMALL_FIELD && [PRODUCER_NAME, PRODUCER_VERSION, OPSET_IMPORT, METADATA_PROPS].includes(field)) {
        const bytes = await read(offset, n);
        if (field === PRODUCER_NAME) header.producerName = bytes.toString('utf8');
        else if (field === PRODUCER_VERSION) header.producerVersion = bytes.toString('utf8');
        else {
          // OperatorSetIdProto { domain = 1; version = 2 } and StringStringEntryProto { key = 1; value = 2 }.
          const entry = decodeFields(bytes);
          if (field === OPSET_IMPORT) header.opsets[stringField(entry, 1)] = entry.find((f) => f.number === 2)?.value ?? 0;
          else if (entry.some((f) => f.number === 1 && f.bytes)) header.metadata[stringField(entry, 1)] = stringField(entry, 2);
        }
      }
      offset += n;
    } else {
      const width = fixedWidth(wireType);
      if (width === undefined) throw new OnnxHeaderError(`unexpected protobuf wire type ${wireType}`);
      offset += next + width;
    }
  }
  return header;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, position);
  return buffer.subarray(0, bytesRead);
}
