// A Custom Vision export as downloaded (Export → ONNX gives a .zip holding model.onnx, labels.txt and samples): read
// in place, as if it were the unzipped folder. Model stage; used by resolve (checks, labels), by the render assets
// (build contexts get the two files, never the archive) and by `edgeml test` / `run` (the model, extracted).
import { readFileSync, statSync } from 'node:fs';
import { findZipEntry, listZipEntries, readZipEntry, ZipError } from './zip.js';

/** Largest export read into memory; Custom Vision's compact models are a few MB. */
export const MAX_ARCHIVE_BYTES = 512 * 1024 * 1024;

export function isArchivePath(path: string): boolean {
  return /\.zip$/i.test(path);
}

/**
 * The named files of the archive at `file` (by exact path, else by file name in the shallowest folder, since some
 * exports put everything in a sub-folder); a name the archive lacks maps to undefined. Throws ZipError when the
 * archive itself cannot be read.
 */
export function readArchiveFiles(file: string, names: readonly string[]): Map<string, Buffer | undefined> {
  const size = statSync(file).size;
  if (size > MAX_ARCHIVE_BYTES) throw new ZipError(`it is ${size} bytes; at most ${MAX_ARCHIVE_BYTES} are read.`);
  const zip = readFileSync(file);
  const entries = listZipEntries(zip);
  const found = new Map<string, Buffer | undefined>();
  for (const name of names) {
    const entry = findZipEntry(entries, name);
    found.set(name, entry ? readZipEntry(zip, entry) : undefined);
  }
  return found;
}
