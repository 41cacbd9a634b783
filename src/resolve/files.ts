// Resolve stage: checks that every file the spec names exists inside the spec's folder and reads the labels file
// into a new IR (before the semantic checks, so labels from a file are checked like inline ones); then, after the
// checks, compares the spec with the ONNX model (when it is local) so mismatches point at the spec's lines.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { resolveMessages } from '../diagnostics/codes/resolve.js';
import { bindMessages, type Reporter } from '../diagnostics/report.js';
import type { SpecPath, WorkflowIR } from '../ir/types.js';
import { isArchivePath, readArchiveFiles } from '../model/custom-vision-archive.js';
import type { ModelInfo } from '../model/model-info.js';
import { ZipError } from '../model/zip.js';
import type { SpecDocument } from '../parse/load-spec.js';
import { isSafeRelative } from './spec-paths.js';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.bmp', '.webp'];
const MAX_LABELS_BYTES = 4 * 1024 * 1024;

export interface ResolveOptions {
  introspect: boolean;
  modelCacheDir?: string;
  modelReader?: 'onnxruntime' | 'header';
}

type Kind = 'file' | 'folder';

export interface ResolvedFiles {
  /** The lowered IR with the labels file's labels in it (a new object; the input is not changed). */
  ir: WorkflowIR;
  /** The model can be read on this machine (a local file, an export folder or archive that holds it). */
  modelIsLocal: boolean;
}

export function resolveSpecFiles(ir: WorkflowIR, spec: SpecDocument, reporter: Reporter): ResolvedFiles {
  const m = bindMessages(reporter, 'resolve', resolveMessages);
  const specRoot = safeRealpath(ir.specDir) ?? ir.specDir;

  /**
   * Returns the absolute path when `path` exists with the right kind inside the spec folder. A path that is absolute
   * or climbs with '..' is left to the model-decoder-task check (one diagnostic per mistake) and not touched here.
   */
  const need = (what: string, path: string, kind: Kind, at: SpecPath): string | undefined => {
    if (!isSafeRelative(path)) return undefined;
    const absolute = join(ir.specDir, path);
    let stats;
    try {
      stats = statSync(absolute);
    } catch {
      m.fileMissing({ what, path }, spec.locate(at));
      return undefined;
    }
    if (kind === 'file' && !stats.isFile()) {
      m.notAFile({ what, path }, spec.locate(at));
      return undefined;
    }
    if (kind === 'folder' && !stats.isDirectory()) {
      m.notAFolder({ what, path }, spec.locate(at));
      return undefined;
    }
    const real = safeRealpath(absolute);
    if (real && !(real === specRoot || real.startsWith(specRoot + sep))) {
      m.escapesFolder({ path }, spec.locate(at));
      return undefined;
    }
    return absolute;
  };

  const source = ir.model.source;
  const sourceAt: SpecPath = ['model', 'source', source.kind];
  const zipped = source.kind === 'customvision' && isArchivePath(source.path);
  /** Labels that come inside a zipped Custom Vision export, rather than from a file of their own. */
  const labelsInArchive = zipped && ir.model.labelsFile === `${source.path}/${source.labelsFile}`;
  /** The model on disk (file sources, export folders); a zipped export's model is read from the archive. */
  let modelFile: string | undefined;
  let archive: { hasModel: boolean; labels?: Buffer } | undefined;
  if (source.kind === 'file') modelFile = need('model file', source.path, 'file', sourceAt);
  if (source.kind === 'customvision' && zipped) {
    const file = need('Custom Vision export', source.path, 'file', sourceAt);
    if (file)
      archive = readExportArchive(
        file,
        source,
        labelsInArchive && !ir.model.labels,
        (entry) => m.archiveEntryMissing({ path: source.path, entry }, spec.locate(sourceAt)),
        (reason) => m.archiveUnreadable({ path: source.path, reason }, spec.locate(sourceAt)),
      );
  } else if (source.kind === 'customvision' && need('Custom Vision export folder', source.path, 'folder', sourceAt)) {
    modelFile = need('model file', `${source.path}/${source.modelFile}`, 'file', sourceAt);
  }
  const modelIsLocal = modelFile !== undefined || archive?.hasModel === true;

  const labelsFile = ir.model.labelsFile;
  let fileLabels: string[] | undefined;
  if (labelsFile && !ir.model.labels && (source.kind !== 'customvision' || modelIsLocal)) {
    const at: SpecPath =
      source.kind === 'customvision' && !(spec.value as { model?: { labelsFile?: string } }).model?.labelsFile
        ? sourceAt
        : ['model', 'labelsFile'];
    /** Reports a labels file over the limit; true when it is. */
    const tooLarge = (size: number): boolean => {
      if (size <= MAX_LABELS_BYTES) return false;
      m.fileTooLarge({ what: 'labels file', path: labelsFile, size, limit: MAX_LABELS_BYTES }, spec.locate(at));
      return true;
    };
    let bytes: Buffer | undefined;
    if (labelsInArchive) bytes = archive?.labels && !tooLarge(archive.labels.length) ? archive.labels : undefined;
    else {
      const file = need('labels file', labelsFile, 'file', at);
      if (file && !tooLarge(statSync(file).size)) bytes = readFileSync(file);
    }
    if (bytes) {
      const labels = bytes
        .toString('utf8')
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line.length > 0);
      if (labels.length === 0) m.labelsEmpty({ path: labelsFile }, spec.locate(at));
      else fileLabels = labels;
    }
  }

  ir.model.samples.forEach((sample, index) => need('sample image', sample, 'file', ['model', 'samples', index]));
  resolveCascadeFiles(ir, spec, m, need);

  for (const module of ir.modules) {
    const capture = module.capture;
    if (capture?.source.kind === 'folder') {
      const at = [...module.path, 'source', 'folder'];
      const folder = need('image folder', capture.source.path, 'folder', at);
      if (folder && !readdirSync(folder).some((name) => IMAGE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext)))) {
        m.folderEmpty({ path: capture.source.path }, spec.locate(at));
      }
    }
    if (capture?.source.kind === 'video') need('video file', capture.source.path, 'file', [...module.path, 'source', 'video']);
    if (module.image.kind === 'user-build') {
      const at = [...module.path, 'build', 'context'];
      if (need('build context', module.image.context, 'folder', at)) {
        need('Dockerfile', `${module.image.context}/${module.image.dockerfile}`, 'file', [...module.path, 'build']);
      }
    }
  }

  return { ir: fileLabels ? { ...ir, model: { ...ir.model, labels: fileLabels } } : ir, modelIsLocal };
}

/** Reads the ONNX model (when it is on this machine) and reports where the spec disagrees with it. */
export async function compareWithModel(
  ir: WorkflowIR,
  spec: SpecDocument,
  reporter: Reporter,
  options: ResolveOptions,
  modelIsLocal: boolean,
): Promise<{ modelInfo?: ModelInfo }> {
  if (!options.introspect) return {};
  const m = bindMessages(reporter, 'resolve', resolveMessages);
  // Lazy: onnxruntime is only loaded when a spec names a local model.
  const { introspectSpecModel } = await import('../model/introspect.js');
  const { compareModelWithSpec } = await import('../model/compare.js');
  const sourcePath: SpecPath = ['model', 'source'];
  if (!modelIsLocal && (ir.model.source.kind === 'file' || ir.model.source.kind === 'customvision')) return {};
  const result = await introspectSpecModel(ir, { cacheDir: options.modelCacheDir, reader: options.modelReader });
  if (result.status === 'deferred') {
    m.modelDeferred({ reason: result.reason }, spec.locate(sourcePath, { key: true }));
    return {};
  }
  if (result.status === 'error') {
    m.modelUnreadable({ message: result.error.message.replace(ir.specDir + sep, '').replace(ir.specDir, '.') }, spec.locate(sourcePath));
    return {};
  }
  const mismatches = compareModelWithSpec(ir, result.info);
  // Cascade stages are local files: each is compared with its own settings (a missing one was reported above).
  for (const stage of ir.model.cascade?.stages ?? []) {
    const { introspectModel, ModelIntrospectionError } = await import('../model/introspect.js');
    const { compareStageWithSpec } = await import('../model/compare.js');
    try {
      mismatches.push(...compareStageWithSpec(stage, await introspectModel(join(ir.specDir, stage.source.path), options.modelReader)));
    } catch (error) {
      if (!(error instanceof ModelIntrospectionError)) throw error;
      m.modelUnreadable(
        { message: error.message.replace(ir.specDir + sep, '').replace(ir.specDir, '.') },
        spec.locate([...stage.path, 'source']),
      );
    }
  }
  for (const mismatch of mismatches) {
    const at = spec.locate(mismatch.path);
    const data = { message: mismatch.message, actual: String(mismatch.actual) };
    if (mismatch.id === 'label-count') m.modelLabelCount(data, at);
    else if (mismatch.id === 'activation-twice') m.modelActivationTwice(data, at);
    else m.modelMismatch(data, at);
  }
  return { modelInfo: { ...result.info, file: relative(ir.specDir, result.info.file) } };
}

/**
 * Reads a zipped Custom Vision export's model entry (and labels entry, when `wantLabels`), reporting an entry it
 * lacks or an archive it cannot read.
 */
function readExportArchive(
  file: string,
  source: { modelFile: string; labelsFile: string },
  wantLabels: boolean,
  missing: (entry: string) => void,
  unreadable: (reason: string) => void,
): { hasModel: boolean; labels?: Buffer } {
  try {
    const found = readArchiveFiles(file, wantLabels ? [source.modelFile, source.labelsFile] : [source.modelFile]);
    const hasModel = found.get(source.modelFile) !== undefined;
    if (!hasModel) missing(source.modelFile);
    const labels = wantLabels ? found.get(source.labelsFile) : undefined;
    if (wantLabels && !labels) missing(source.labelsFile);
    return { hasModel, ...(labels ? { labels } : {}) };
  } catch (error) {
    if (!(error instanceof ZipError)) throw error;
    unreadable(error.message);
    return { hasModel: false };
  }
}

/**
 * Cascade stages' model and labels files, and every text-recognition decoder's character list (main model and
 * stages). A character list is read verbatim: an entry may be a space (PaddleOCR's keys hold U+3000), so lines are
 * neither trimmed nor skipped; only the line ends and one final empty line go.
 */
function resolveCascadeFiles(
  ir: WorkflowIR,
  spec: SpecDocument,
  m: ReturnType<typeof bindMessages<typeof resolveMessages>>,
  need: (what: string, path: string, kind: Kind, at: SpecPath) => string | undefined,
): void {
  const readText = (what: string, path: string, at: SpecPath): string | undefined => {
    const file = need(what, path, 'file', at);
    if (!file) return undefined;
    const size = statSync(file).size;
    if (size > MAX_LABELS_BYTES) return void m.fileTooLarge({ what, path, size, limit: MAX_LABELS_BYTES }, spec.locate(at));
    return readFileSync(file, 'utf8');
  };
  const readCharacters = (decoder: WorkflowIR['model']['decoder'], at: SpecPath): void => {
    if (decoder.kind !== 'text-recognition') return;
    const text = readText('character list', decoder.charactersFile, [...at, 'characters']);
    if (text === undefined) return;
    const lines = text.split(/\r?\n/);
    if (lines[lines.length - 1] === '') lines.pop();
    if (lines.length === 0) m.charactersEmpty({ path: decoder.charactersFile }, spec.locate([...at, 'characters']));
    else decoder.characters = lines;
  };
  readCharacters(ir.model.decoder, ['model', 'postprocess']);
  for (const stage of ir.model.cascade?.stages ?? []) {
    need('stage model file', stage.source.path, 'file', [...stage.path, 'source', 'file']);
    if (stage.labelsFile && !stage.labels) {
      const text = readText('labels file', stage.labelsFile, [...stage.path, 'labelsFile']);
      const labels = text
        ?.split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line.length > 0);
      if (labels && labels.length === 0) m.labelsEmpty({ path: stage.labelsFile }, spec.locate([...stage.path, 'labelsFile']));
      else if (labels) stage.labels = labels;
    }
    readCharacters(stage.decoder, [...stage.path, 'postprocess']);
  }
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
