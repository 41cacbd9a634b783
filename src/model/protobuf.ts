// The protobuf wire format, as far as edgeml reads ONNX files (onnx-signature.ts, onnx-metadata.ts): varints and the
// top-level fields of one message. Model stage.

export class ProtobufError extends Error {
  override name = 'ProtobufError';
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

export interface Field {
  number: number;
  /** Varint value (wire type 0). */
  value?: number;
  /** Length-delimited payload (wire type 2), a view into the input. */
  bytes?: Uint8Array;
}

/** A varint as a JS number (exact up to 2^53, which every length, version and dimension in ONNX stays below). */
export function readVarint(bytes: Uint8Array, start: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = start; i < start + 10; i++) {
    const byte = bytes[i];
    if (byte === undefined) throw new ProtobufError('truncated varint');
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
  }
  throw new ProtobufError('varint too long');
}

/** A field's tag at `start`: its number, wire type and where its value begins. */
export function readTag(bytes: Uint8Array, start: number): { number: number; wireType: number; next: number } {
  const tag = readVarint(bytes, start);
  return { number: Math.floor(tag.value / 8), wireType: tag.value % 8, next: tag.next };
}

/** Bytes a fixed-width value of `wireType` takes, or undefined for the other wire types. */
export function fixedWidth(wireType: number): number | undefined {
  return wireType === WIRE_FIXED32 ? 4 : wireType === WIRE_FIXED64 ? 8 : undefined;
}

/** The top-level fields of one message. Fixed-width fields are skipped; payloads are views, not copies. */
export function decodeFields(bytes: Uint8Array): Field[] {
  const out: Field[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const { number, wireType, next } = readTag(bytes, offset);
    offset = next;
    if (wireType === WIRE_VARINT) {
      const v = readVarint(bytes, offset);
      out.push({ number, value: v.value });
      offset = v.next;
    } else if (wireType === WIRE_LENGTH_DELIMITED) {
      const length = readVarint(bytes, offset);
      const end = length.next + length.value;
      if (end > bytes.length) throw new ProtobufError('a field runs past the end of the file');
      out.push({ number, bytes: bytes.subarray(length.next, end) });
      offset = end;
    } else {
      const width = fixedWidth(wireType);
      if (width === undefined) throw new ProtobufError(`unexpected protobuf wire type ${wireType}`);
      offset += width;
    }
  }
  return out;
}

/** The text of length-delimited field `number` (the last one, as protobuf decoders do), or '' when there is none. */
export function stringField(fields: readonly Field[], number: number): string {
  const f = fields.findLast((x) => x.number === number && x.bytes);
  return f?.bytes ? new TextDecoder().decode(f.bytes) : '';
}
