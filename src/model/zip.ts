// A minimal zip reader for Custom Vision exports (model.onnx and labels.txt inside a .zip): reads the central
// directory and inflates one entry with node:zlib. Stored and deflated entries; no zip64, no encryption.
// Model stage (compiler side): used by introspect.ts, and by whoever packages a zipped model.
import { readFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';

export class ZipError extends Error {
  override name = 'ZipError';
}

export interface ZipEntry {
  /** Path inside the archive, with forward slashes. */
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
/** Largest entry inflated into memory. */
const MAX_ENTRY_BYTES = 2 * 1024 ** 3 - 1;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

export function listZipEntries(zip: Buffer): ZipEntry[] {
  // The end record sits in the last 22 bytes plus an optional comment of up to 64 KiB.
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new ZipError('not a zip archive (no end of central directory).');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  if (offset === 0xffffffff || count === 0xffff) throw new ZipError('zip64 archives are not supported.');
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== CENTRAL_FILE_HEADER)
      throw new ZipError('the central directory is damaged.');
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    entries.push({
      name: zip.toString('utf8', offset + 46, offset + 46 + nameLength).replace(/\\/g, '/'),
      method: zip.readUInt16LE(offset + 10),
      compressedSize: zip.readUInt32LE(offset + 20),
      size: zip.readUInt32LE(offset + 24),
      localHeaderOffset: zip.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The entry named `name`, or else the one whose file name is `name` in the shallowest folder. */
export function findZipEntry(entries: readonly ZipEntry[], name: string): ZipEntry | undefined {
  const exact = entries.find((e) => e.name === name);
  if (exact) return exact;
  const byBase = entries
    .filter((e) => e.name.split('/').pop() === name)
    .sort((a, b) => a.name.split('/').length - b.name.split('/').length);
  return byBase[0];
}

export function readZipEntry(zip: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localHeaderOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL_FILE_HEADER) throw new ZipError(`the entry '${entry.name}' is damaged.`);
  if (entry.size > MAX_ENTRY_BYTES) throw new ZipError(`the entry '${entry.name}' is too large.`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (data.length !== entry.compressedSize) throw new ZipError(`the entry '${entry.name}' is truncated.`);
  if (entry.method === 0) return Buffer.from(data);
  if (entry.method !== 8)
    throw new ZipError(
      `the entry '${entry.name}' uses compression method ${entry.method}; only stored and deflated entries are supported.`,
    );
  let out: Buffer;
  try {
    out = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size) });
  } catch (error) {
    throw new ZipError(`the entry '${entry.name}' cannot be inflated: ${(error as Error).message}.`);
  }
  if (out.length !== entry.size) throw new ZipError(`the entry '${entry.name}' has the wrong size after inflating.`);
  return out;
}

/** Reads one file out of a zip on disk (by exact path, else by file name); ZipError when it is not there. */
export async function extractZipEntry(zipFile: string, name: string): Promise<Buffer> {
  const zip = await readFile(zipFile);
  const entry = findZipEntry(listZipEntries(zip), name);
  if (!entry) throw new ZipError(`the archive holds no '${name}'.`);
  return readZipEntry(zip, entry);
}
