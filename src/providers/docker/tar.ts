// A minimal ustar writer for Docker build contexts: files from memory (rendered output) or from a folder on disk.
// Deterministic (sorted entries, mtime 0, uid/gid 0) so an unchanged context gives identical bytes. Apply stage.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface TarEntry {
  path: string;
  content: string | Uint8Array;
  mode?: number;
}

const block = 512;

function writeField(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value, offset, Math.min(length, Buffer.byteLength(value)), 'utf8');
}

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0';
}

/** Splits a long path into ustar's prefix (155) and name (100) at a slash. */
function splitPath(path: string): { prefix: string; name: string } {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let i = path.length - 1; i > 0; i--) {
    if (path[i] !== '/') continue;
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { prefix, name };
  }
  throw new Error(`Path too long for a build context: ${path}`);
}

function header(path: string, size: number, mode: number): Buffer {
  const h = Buffer.alloc(block, 0);
  const { prefix, name } = splitPath(path);
  writeField(h, 0, 100, name);
  writeField(h, 100, 8, octal(mode & 0o7777, 8));
  writeField(h, 108, 8, octal(0, 8));
  writeField(h, 116, 8, octal(0, 8));
  writeField(h, 124, 12, octal(size, 12));
  writeField(h, 136, 12, octal(0, 12));
  h.fill(' ', 148, 156); // checksum is computed with its own field as spaces
  writeField(h, 156, 1, '0');
  writeField(h, 257, 6, 'ustar\0');
  writeField(h, 263, 2, '00');
  writeField(h, 345, 155, prefix);
  let sum = 0;
  for (const byte of h) sum += byte;
  writeField(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** The tar archive of the entries, sorted by path. */
export function createTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const data = typeof entry.content === 'string' ? Buffer.from(entry.content, 'utf8') : Buffer.from(entry.content);
    parts.push(header(entry.path, data.length, entry.mode ?? 0o644), data);
    const pad = (block - (data.length % block)) % block;
    if (pad) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(block * 2, 0));
  return Buffer.concat(parts);
}

/** Every regular file under a folder, with paths relative to it (forward slashes) and executable bits kept. */
export function readFolderEntries(root: string, sub = ''): TarEntry[] {
  const entries: TarEntry[] = [];
  for (const name of readdirSync(join(root, sub)).sort()) {
    const rel = sub ? `${sub}/${name}` : name;
    const full = join(root, rel);
    const stat = statSync(full);
    if (stat.isDirectory()) entries.push(...readFolderEntries(root, rel));
    else if (stat.isFile()) entries.push({ path: rel, content: readFileSync(full), mode: stat.mode & 0o111 ? 0o755 : 0o644 });
  }
  return entries;
}
