// Resolve stage: checks that every file the spec names exists inside the spec's folder, reads the labels file into
// the IR, and compares the spec with the ONNX model (when it is local) so mismatches point at the spec's lines.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { resolveMessages } from '../diagnostics/codes/resolve.js';
import { bindMessages, type Reporter } from '../diagnostics/report.js';
import type { SpecPath, WorkflowIR } from '../ir/types.js';
import { isArchivePath, readArchiveFiles } from '../model/custom-vision-archive.js';
import type { ModelInfo } from '../model/model-info.js';
import { ZipError } from '../model/zip.js';
import type { SpecDocument } from '../parse/load-spec.js';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.bmp', '.webp'];
const MAX_LABELS_BYTES = 4 * 1024 * 1024;

export interface ResolveOptions {
  introspect: boolean;
  modelCacheDir?: string;
  modelReader?: 'onnxruntime' | 'header';
}

type Kind = 'file' | 'folder';

export async function resolveSpecFiles(ir: WorkflowIR, spec: SpecDocument, reporter: Reporter, options: ResolveOptions): Promise<{ modelInfo?: ModelInfo }> {
  const m = bindMessages(reporter, 'resolve', resolveMessages);
  const specRoot = safeRealpath(ir.specDir) ?? ir.specDir;

  /** Returns the absolute path when `path` exists with the right kind inside the spec folder. */
  const need = (what: string, path: string, kind: Kind, at: SpecPath): string | undefined => {
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
  /** The model on disk (file sources, export folders); a zipped export's model is read from the archive. */
  let modelFile: string | undefined;
  let modelInArchive = false;
  /** The labels text, when it comes out of a Custom Vision archive. */
  let archivedLabels: Buffer | undefined;
  const labelsInArchive = source.kind === 'customvision' && isArchivePath(source.path) && ir.model.labelsFile === `${source.path}/${source.labelsFile}`;
  if (source.kind === 'file') modelFile = need('model file', source.path, 'file', sourceAt);
  if (source.kind === 'customvision' && isArchivePath(source.path)) {
    const archive = need('Custom Vision export', source.path, 'file', sourceAt);
    if (archive) {
      try {
        const found = readArchiveFiles(archive, labelsInArchive ? [source.modelFile, source.labelsFile] : [source.modelFile]);
        if (found.get(source.modelFile)) modelInArchive = true;
        else m.archiveEntryMissing({ path: source.path, entry: source.modelFile }, spec.locate(sourceAt));
        if (labelsInArchive && !ir.model.labels) {
          archivedLabels = found.get(source.labelsFile);
          if (!archivedLabels) m.archiveEntryMissing({ path: source.path, entry: source.labelsFile }, spec.locate(sourceAt));
        }
      } catch (error) {
        if (!(error instanceof ZipError)) throw error;
        m.archiveUnreadable({ path: source.path, reason: error.message }, spec.locate(sourceAt));
      }
    }
  } else if (source.kind === 'customvision' && need('Custom Vision export folder', source.path, 'folder', sourceAt)) {
    modelFile = need('model file', `${source.path}/${source.modelFile}`, 'file', sourceAt);
  }

  const labelsFile = ir.model.labelsFile;
  if (labelsFile && !ir.model.labels && !(source.kind === 'customvision' && modelFile === undefined && !modelInArchive)) {
    const at: SpecPath = source.kind === 'customvision' && !(spec.value as { model?: { labelsFile?: string } }).model?.labelsFile ? sourceAt : ['model', 'labelsFile'];
    let bytes: Buffer | undefined = archivedLabels;
    if (!labelsInArchive) {
      const file = need('labels file', labelsFile, 'file', at);
      const size = file ? statSync(file).size : 0;
      if (size > MAX_LABELS_BYTES) m.fileTooLarge({ what: 'labels file', path: labelsFile, size, limit: MAX_LABELS_BYTES }, spec.locate(at));
      else if (file) bytes = readFileSync(file);
    } else if (bytes && bytes.length > MAX_LABELS_BYTES) {
      m.fileTooLarge({ what: 'labels file', path: labelsFile, size: bytes.length, limit: MAX_LABELS_BYTES }, spec.locate(at));
      bytes = undefined;
    }
    if (bytes) {
      const labels = bytes.toString('utf8').split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
      if (labels.length === 0) m.labelsEmpty({ path: labelsFile }, spec.locate(at));
      else ir.model.labels = labels;
    }
  }

  ir.model.samples.forEach((sample, index) => need('sample image', sample, 'file', ['model', 'samples', index]));

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

  if (!options.introspect || reporter.errorCount > 0) return {};
  return compareWithModel(ir, spec, reporter, options, modelFile !== undefined || modelInArchive);
}

async function compareWithModel(ir: WorkflowIR, spec: SpecDocument, reporter: Reporter, options: ResolveOptions, modelIsLocal: boolean): Promise<{ modelInfo?: ModelInfo }> {
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
  for (const mismatch of compareModelWithSpec(ir, result.info)) {
    const at = spec.locate(mismatch.path);
    const data = { message: mismatch.message, actual: String(mismatch.actual) };
    if (mismatch.id === 'label-count') m.modelLabelCount(data, at);
    else if (mismatch.id === 'activation-twice') m.modelActivationTwice(data, at);
    else m.modelMismatch(data, at);
  }
  return { modelInfo: { ...result.info, file: relative(ir.specDir, result.info.file) } };
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
