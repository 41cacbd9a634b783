// Model introspection: opens an ONNX file with onnxruntime-node and reports its inputs and outputs (ModelInfo), with
// one-line typed errors for missing, unreadable and non-ONNX files; finds a spec's model file when it is local.
// Model stage (compiler side); onnxruntime-node is imported lazily so `edgeml validate` stays light.
import { open, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { WorkflowIR } from '../ir/types.js';
import { sha256File } from './cache.js';
import type { ModelInfo, SpecModelIntrospection } from './model-info.js';
import { readOnnxHeader, readOnnxHeaderFromBytes, type OnnxHeader } from './onnx-metadata.js';
import { extractZipEntry, findZipEntry, listZipEntries, readZipEntry, ZipError } from './zip.js';

export type ModelIntrospectionErrorKind = 'missing' | 'unreadable' | 'not-onnx' | 'invalid';

/** A model file problem, with a one-line message meant for the user (no stack is needed to understand it). */
export class ModelIntrospectionError extends Error {
  override name = 'ModelIntrospectionError';
  constructor(
    readonly kind: ModelIntrospectionErrorKind,
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * How a model is read: 'onnxruntime' loads it for real (which also proves onnxruntime can run it); 'header' reads
 * the signature from the protobuf without onnxruntime (src/model/onnx-signature.ts), for commands that only need it.
 */
export type ModelReader = 'onnxruntime' | 'header';

export async function introspectModel(file: string, reader: ModelReader = 'onnxruntime'): Promise<ModelInfo> {
  const path = resolve(file);
  const size = await checkReadableFile(path);
  await checkLooksLikeOnnx(path, size);
  const what = `Model file '${file}'`;
  // Read once: onnxruntime, the header and the graph's output operators all take the same bytes. Only a very large
  // model is left on disk for onnxruntime to read itself (its output operators are then not looked up).
  if (size > MAX_GRAPH_READ_BYTES) return describeModel(path, path, what, size, () => readOnnxHeader(path), reader);
  const bytes = await readFile(path);
  return describeModel(bytes, path, what, size, () => readOnnxHeaderFromBytes(bytes), reader);
}

/** Introspects an ONNX file inside a zip archive (a Custom Vision export), without extracting it to disk. */
export async function introspectModelInZip(zipFile: string, entryName: string, reader: ModelReader = 'onnxruntime'): Promise<ModelInfo> {
  const path = resolve(zipFile);
  await checkReadableFile(path);
  const what = `Model '${entryName}' in '${zipFile}'`;
  let bytes: Buffer;
  try {
    const zip = await readFile(path);
    const entry = findZipEntry(listZipEntries(zip), entryName);
    if (!entry) throw new ModelIntrospectionError('missing', path, `Archive '${zipFile}' holds no '${entryName}'.`);
    bytes = readZipEntry(zip, entry);
  } catch (error) {
    if (error instanceof ZipError)
      throw new ModelIntrospectionError('unreadable', path, `Archive '${zipFile}' cannot be read: ${error.message}`);
    throw error;
  }
  return describeModel(bytes, `${path}#${entryName}`, what, bytes.length, () => readOnnxHeaderFromBytes(bytes), reader);
}

/** Loads the model with onnxruntime (CPU, no optimisation: only the interface is wanted) and reads its header. */
async function describeModel(
  source: string | Buffer,
  file: string,
  what: string,
  size: number,
  readHeader: () => Promise<OnnxHeader>,
  reader: ModelReader,
): Promise<ModelInfo> {
  if (reader === 'header') return describeFromProtobuf(source, file, what, size, readHeader);
  const ort = await import('onnxruntime-node');
  const { describeSession } = await import('../runtime/scoring/model-metadata.js');
  let session: import('onnxruntime-node').InferenceSession;
  try {
    const options = { executionProviders: ['cpu'], graphOptimizationLevel: 'disabled' } as const;
    session =
      typeof source === 'string' ? await ort.InferenceSession.create(source, options) : await ort.InferenceSession.create(source, options);
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error))
      .split('\n')[0]!
      .replace(/^Load model from \S+ failed:/, '')
      .trim();
    const kind: ModelIntrospectionErrorKind = /protobuf parsing failed/i.test(detail) ? 'not-onnx' : 'invalid';
    const problem = kind === 'not-onnx' ? 'is not an ONNX model' : 'is an ONNX file onnxruntime cannot load';
    throw new ModelIntrospectionError(kind, file, `${what} ${problem}: ${detail}`);
  }
  try {
    const { inputs, outputs } = describeSession(session);
    // onnxruntime accepted the model; the header and the output operators (read from the protobuf) are a bonus.
    const header = await readHeader().catch(() => undefined);
    const outputOps = typeof source === 'string' ? undefined : await readOutputOps(source);
    const opset = header?.opsets[''] ?? header?.opsets['ai.onnx'];
    return {
      file,
      sizeBytes: size,
      inputs,
      outputs,
      ...(header?.producerName ? { producer: header.producerName } : {}),
      ...(opset ? { opset } : {}),
      metadata: header?.metadata ?? {},
      ...(outputOps ? { outputOps } : {}),
    };
  } finally {
    await session.release().catch(() => undefined);
  }
}

async function describeFromProtobuf(
  source: string | Buffer,
  file: string,
  what: string,
  size: number,
  readHeader: () => Promise<OnnxHeader>,
): Promise<ModelInfo> {
  const { readOnnxSignature, readOnnxSignatureFromBytes } = await import('./onnx-signature.js');
  let signature;
  try {
    signature = typeof source === 'string' ? await readOnnxSignature(source) : readOnnxSignatureFromBytes(source);
  } catch (error) {
    throw new ModelIntrospectionError('not-onnx', file, `${what} is not an ONNX model: ${(error as Error).message}.`);
  }
  const header = await readHeader().catch(() => undefined);
  const opset = header?.opsets[''] ?? header?.opsets['ai.onnx'];
  return {
    file,
    sizeBytes: size,
    inputs: signature.inputs,
    outputs: signature.outputs,
    ...(header?.producerName ? { producer: header.producerName } : {}),
    ...(opset ? { opset } : {}),
    metadata: header?.metadata ?? {},
    outputOps: signature.outputOps,
  };
}

/** Models larger than this are not read into memory: onnxruntime reads them from disk, without output operators. */
const MAX_GRAPH_READ_BYTES = 256 * 1024 * 1024;

async function readOutputOps(bytes: Buffer): Promise<Record<string, string> | undefined> {
  try {
    const { readOnnxSignatureFromBytes } = await import('./onnx-signature.js');
    return readOnnxSignatureFromBytes(bytes).outputOps;
  } catch {
    return undefined;
  }
}

async function checkReadableFile(path: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ModelIntrospectionError('missing', path, `Model file '${path}' does not exist.`);
    throw new ModelIntrospectionError('unreadable', path, `Model file '${path}' cannot be read (${code ?? 'error'}).`);
  }
  if (!info.isFile()) throw new ModelIntrospectionError('unreadable', path, `Model path '${path}' is not a file.`);
  if (info.size === 0) throw new ModelIntrospectionError('not-onnx', path, `Model file '${path}' is empty.`);
  return info.size;
}

/**
 * Cheap check before handing the file to onnxruntime: an ONNX ModelProto starts with a protobuf field tag (field
 * 1..20, wire type varint or length-delimited). Catches zips, JSON and many other files with a clearer message.
 */
async function checkLooksLikeOnnx(path: string, size: number): Promise<void> {
  let head: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      ({ buffer: head } = await handle.read(Buffer.alloc(4), 0, 4, 0));
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new ModelIntrospectionError(
      'unreadable',
      path,
      `Model file '${path}' cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
    );
  }
  if (head.toString('latin1', 0, 4) === 'PK\x03\x04') {
    throw new ModelIntrospectionError(
      'not-onnx',
      path,
      `Model file '${path}' is a zip archive, not an ONNX model; extract the .onnx file from it.`,
    );
  }
  const field = head[0]! >> 3;
  const wireType = head[0]! & 7;
  if (size < 8 || field < 1 || field > 20 || (wireType !== 0 && wireType !== 2)) {
    throw new ModelIntrospectionError('not-onnx', path, `Model file '${path}' is not an ONNX model.`);
  }
}

export interface LocateOptions {
  /** Folder where remote models (azureml, url) are cached by name once downloaded. */
  cacheDir?: string;
  /** How the model is read (default onnxruntime). */
  reader?: ModelReader;
}

/**
 * The local path of the spec's model file, or why it is not available yet. Remote sources count as local only
 * when a copy sits in cacheDir (a url source's copy must also match its sha256).
 */
/** Where the spec's model can be read now: a file, an entry of a local zip, or why it must wait. */
export type ModelLocation = { file: string } | { zip: string; entry: string } | { deferred: string };

/**
 * The local path of the spec's model file, or why there is none yet. A zipped Custom Vision export has no file of its
 * own: with `extractTo` (a folder the caller owns and removes) its model is extracted there, else it is deferred.
 */
export async function locateSpecModel(
  ir: Pick<WorkflowIR, 'model' | 'specDir'>,
  options: LocateOptions & { extractTo?: string } = {},
): Promise<{ file: string } | { deferred: string }> {
  const found = await findSpecModel(ir, options);
  if (!('zip' in found)) return found;
  const archive = ir.model.source.kind === 'customvision' ? ir.model.source.path : found.zip;
  if (options.extractTo === undefined) return { deferred: `The model is inside the Custom Vision archive '${archive}'.` };
  try {
    const file = join(options.extractTo, basename(found.entry));
    await writeFile(file, await extractZipEntry(found.zip, found.entry));
    return { file };
  } catch (error) {
    return { deferred: `The model cannot be extracted from the Custom Vision archive '${archive}': ${(error as Error).message}` };
  }
}

/**
 * Finds the spec's model. Remote sources count as local only when a copy sits in cacheDir (a url source's copy must
 * also match its sha256).
 */
export async function findSpecModel(ir: Pick<WorkflowIR, 'model' | 'specDir'>, options: LocateOptions = {}): Promise<ModelLocation> {
  const source = ir.model.source;
  switch (source.kind) {
    case 'file':
      return { file: join(ir.specDir, source.path) };
    case 'customvision':
      if (/\.zip$/i.test(source.path)) return { zip: join(ir.specDir, source.path), entry: source.modelFile };
      return { file: join(ir.specDir, source.path, source.modelFile) };
    case 'azureml':
    case 'url': {
      const where =
        source.kind === 'azureml' ? `Azure ML model '${source.name}' version ${source.version}` : `model at ${new URL(source.url).host}`;
      if (!options.cacheDir)
        return {
          deferred: `The ${where} is not downloaded yet: run \`edgeml fetch <spec>\` to check it now, or it is checked when apply builds the image.`,
        };
      const file = join(options.cacheDir, source.file);
      if (!(await isFile(file)))
        return {
          deferred: `The ${where} is not downloaded yet: run \`edgeml fetch <spec>\` to check it now, or it is checked when apply builds the image.`,
        };
      if (source.kind === 'url' && (await sha256File(file)) !== source.sha256.toLowerCase()) {
        return { deferred: `The cached copy of the ${where} does not match its sha256; it is downloaded again at build time.` };
      }
      return { file };
    }
  }
}

/** Introspects the spec's model when it is available locally; never throws for model problems. */
export async function introspectSpecModel(
  ir: Pick<WorkflowIR, 'model' | 'specDir'>,
  options: LocateOptions = {},
): Promise<SpecModelIntrospection> {
  const located = await findSpecModel(ir, options);
  if ('deferred' in located) return { status: 'deferred', reason: located.deferred };
  try {
    const info =
      'zip' in located
        ? await introspectModelInZip(located.zip, located.entry, options.reader)
        : await introspectModel(located.file, options.reader);
    return { status: 'ok', info };
  } catch (error) {
    if (error instanceof ModelIntrospectionError) return { status: 'error', error };
    throw error;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
