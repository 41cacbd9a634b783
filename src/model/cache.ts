// The local cache of remote models (azureml, url): where an entry lives, how it is written (temp file + rename, so a
// killed download never leaves a half file under the final name) and how it is checked on every use. Model stage.
// Layout under the cache root: azureml/<workspace>/<name>/<version>/<file>, url/<sha256>/<file>, each with a record.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, resolve, sep } from 'node:path';
import type { ModelSource, WorkflowIR } from '../ir/types.js';

/** Overrides the cache root (default: .edgeml/models next to the spec). */
export const MODEL_CACHE_ENV = 'EDGEML_MODEL_CACHE';

/** Next to the model file: what was downloaded, so later uses can check the bytes without asking Azure again. */
export const CACHE_RECORD_FILE = '.edgeml-model.json';

export type RemoteModelSource = Extract<ModelSource, { kind: 'azureml' | 'url' }>;

export function isRemoteSource(source: ModelSource): source is RemoteModelSource {
  return source.kind === 'azureml' || source.kind === 'url';
}

/** What the cache records about a downloaded model. Never holds a secret (no SAS, no key, no signed URL). */
export interface CacheRecord {
  /** 'azureml' or 'url' */
  kind: RemoteModelSource['kind'];
  file: string;
  sizeBytes: number;
  sha256: string;
  /** ISO time of the download. */
  downloadedAt: string;
  /** Where it came from, without query strings: the model version id or the URL's origin and path. */
  origin: string;
}

/** The cache root for a spec folder: $EDGEML_MODEL_CACHE (relative to cwd) or <specDir>/.edgeml/models. */
export function modelCacheRoot(
  specDir: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd = process.cwd(),
): string {
  const override = env[MODEL_CACHE_ENV];
  return override ? resolve(cwd, override) : join(specDir, '.edgeml', 'models');
}

/**
 * The folder of one source's entry under the root. Each path part is checked so a model name or file such as
 * '../x' cannot point outside the cache.
 */
export function cacheEntryDir(root: string, source: RemoteModelSource, workspace: string | undefined): string {
  if (source.kind === 'url') return join(root, 'url', safePart(source.sha256.toLowerCase(), 'sha256'));
  if (!workspace) throw new Error('An azureml model source needs azure.ml.workspace to be cached.');
  return join(
    root,
    'azureml',
    safePart(workspace, 'workspace'),
    safePart(source.name, 'model name'),
    safePart(String(source.version), 'version'),
  );
}

/** The model file of an entry; `file` may have sub-folders (forward slashes) but must stay inside the entry. */
export function cacheEntryFile(entryDir: string, file: string): string {
  const target = normalize(join(entryDir, ...file.split('/')));
  if (!target.startsWith(entryDir + sep)) throw new Error(`The model file name '${file}' points outside the model cache.`);
  return target;
}

function safePart(value: string, what: string): string {
  if (value === '' || value === '.' || value === '..' || /[/\\\0]/.test(value))
    throw new Error(`The ${what} '${value}' cannot be used as a cache folder name.`);
  return value;
}

export interface CacheLocation {
  dir: string;
  file: string;
}

/** Where the spec's remote model is (or would be) cached; undefined for local sources. */
export function specModelCacheLocation(ir: Pick<WorkflowIR, 'model' | 'azure'>, root: string): CacheLocation | undefined {
  const source = ir.model.source;
  if (!isRemoteSource(source)) return undefined;
  const dir = cacheEntryDir(root, source, ir.azure.ml?.workspace);
  return { dir, file: cacheEntryFile(dir, source.file) };
}

export type CacheCheck = { ok: true; record: CacheRecord } | { ok: false; reason: 'missing' | 'mismatch'; detail: string };

/**
 * Checks a cached entry: url sources against the spec's sha256, azureml sources against the size and sha256 recorded
 * at download. Hashes the whole file each time: a truncated or edited copy must never reach an image.
 */
export async function verifyCacheEntry(location: CacheLocation, source: RemoteModelSource): Promise<CacheCheck> {
  let size: number;
  try {
    const info = await stat(location.file);
    if (!info.isFile()) return { ok: false, reason: 'missing', detail: `${location.file} is not a file` };
    size = info.size;
  } catch {
    return { ok: false, reason: 'missing', detail: `${location.file} does not exist` };
  }
  const record = await readRecord(location.dir);
  const actual = await sha256File(location.file);
  if (source.kind === 'url') {
    const expected = source.sha256.toLowerCase();
    if (actual !== expected) return { ok: false, reason: 'mismatch', detail: `sha256 is ${actual}, expected ${expected}` };
    return {
      ok: true,
      record: record ?? { kind: 'url', file: source.file, sizeBytes: size, sha256: actual, downloadedAt: '', origin: '' },
    };
  }
  if (!record) return { ok: false, reason: 'missing', detail: `no download record in ${location.dir}` };
  if (record.sizeBytes !== size)
    return { ok: false, reason: 'mismatch', detail: `size is ${size} bytes, ${record.sizeBytes} were downloaded` };
  if (record.sha256 !== actual) return { ok: false, reason: 'mismatch', detail: `sha256 is ${actual}, ${record.sha256} was downloaded` };
  return { ok: true, record };
}

/** The entry folder when the spec's remote model is cached and intact (what introspection's cacheDir expects). */
export async function verifiedCacheDir(ir: Pick<WorkflowIR, 'model' | 'azure'>, root: string): Promise<string | undefined> {
  let location: CacheLocation | undefined;
  try {
    location = specModelCacheLocation(ir, root);
  } catch {
    return undefined; // an unusable name is reported by `edgeml fetch`; here the model simply is not cached
  }
  if (!location || !isRemoteSource(ir.model.source)) return undefined;
  try {
    const check = await verifyCacheEntry(location, ir.model.source);
    return check.ok ? location.dir : undefined;
  } catch {
    return undefined; // an unreadable entry counts as not cached; `edgeml fetch` says why
  }
}

async function readRecord(dir: string): Promise<CacheRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(join(dir, CACHE_RECORD_FILE), 'utf8')) as CacheRecord;
    return typeof record.sha256 === 'string' && typeof record.sizeBytes === 'number' ? record : undefined;
  } catch {
    return undefined;
  }
}

/** A temp path in the same folder as `target`, so the final rename never crosses file systems. */
export async function tempPathFor(target: string): Promise<string> {
  await mkdir(dirname(target), { recursive: true });
  return `${target}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.part`;
}

/**
 * Moves a fully written and verified temp file into place and writes the entry's record after it, so a record
 * always describes the file next to it (a crash in between leaves a file without record: verified as missing).
 */
export async function commitCacheEntry(location: CacheLocation, tempFile: string, record: CacheRecord): Promise<void> {
  await rm(join(location.dir, CACHE_RECORD_FILE), { force: true });
  await rename(tempFile, location.file);
  const recordTemp = await tempPathFor(join(location.dir, CACHE_RECORD_FILE));
  await writeFile(recordTemp, JSON.stringify(record, null, 2) + '\n');
  await rename(recordTemp, join(location.dir, CACHE_RECORD_FILE));
}

/** Deletes a temp file; never throws (used on failure paths). */
export async function discardTemp(tempFile: string): Promise<void> {
  await rm(tempFile, { force: true }).catch(() => undefined);
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolvePromise(hash.digest('hex')))
      .on('error', reject);
  });
}
