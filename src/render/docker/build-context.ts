// Renders the build context of one generated module (render stage, Dockerfiles): modules/<m>/ with a Dockerfile per
// image variant, .dockerignore, package.json (exact versions), config.json, the runtime code under app/, the model
// under model/ (or, for a remote model, model/source.json naming what 03-build-push.sh downloads) and capture media.
import type { ModuleIR, ModelSource, WorkflowIR } from '../../ir/types.js';
import { renderScriptMessages as M } from '../../diagnostics/codes/render-scripts.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { ModelInfo } from '../../model/model-info.js';
import { createScoringConfig, stageModelPath } from '../../model/scoring-config.js';
import { createTelemetryConfig } from '../../model/telemetry-config.js';
import { createCaptureConfig } from '../capture-config.js';
import type { RenderContext, RenderedFile } from '../types.js';
import { renderDockerfile } from './dockerfile.js';
import { renderDiagnostic, RenderProblem } from './errors.js';
import { generatedKindOf } from './module-kinds.js';
import { stableJson } from '../stable-json.js';
import { isGeneratedModule, moduleVariants, targetVariant } from './variants.js';

type GeneratedModule = ModuleIR & { kind: 'scoring' | 'image-capture' };

const BLOCK = 'render-scripts';

/** Folder of a module's build context, relative to the output folder. */
export const moduleDir = (module: ModuleIR): string => `modules/${module.name}`;

/** Media bundled into a capture image live under media/, at their spec-relative path. */
const MEDIA_DIR = 'media';

const DOCKERIGNORE = `# Only what the Dockerfiles copy: keeps stray files (and anything secret) out of the image.
*
!package.json
!config.json
!app
!model
!${MEDIA_DIR}
`;

/** Where the model file of a local source sits among the spec's files, or undefined for remote sources. */
export function localModelPath(source: ModelSource): string | undefined {
  switch (source.kind) {
    case 'file':
      return source.path;
    case 'customvision':
      return joinSpecPath(source.path, source.modelFile);
    case 'azureml':
    case 'url':
      return undefined;
  }
}

/** Labels file of a Custom Vision export, as a spec-relative path. */
function labelsPath(ir: WorkflowIR): string | undefined {
  if (ir.model.labelsFile) return ir.model.labelsFile;
  return ir.model.source.kind === 'customvision' ? joinSpecPath(ir.model.source.path, ir.model.source.labelsFile) : undefined;
}

/** modelFile may be given relative to the export folder or already spec-relative. */
function joinSpecPath(folder: string, file: string): string {
  return file.startsWith(`${folder}/`) ? file : `${folder.replace(/\/+$/, '')}/${file}`;
}

/** Problems that would stop the build contexts from rendering, found before rendering (empty when none). */
export function checkBuildContexts(ctx: RenderContext): Diagnostic[] {
  const problems: Diagnostic[] = [];
  for (const module of ctx.ir.modules.filter(isGeneratedModule)) {
    const kind = generatedKindOf(ctx.ir.task, module);
    for (const pkg of kind.packages) {
      if (!ctx.assets.packageVersions.get(pkg))
        problems.push(renderDiagnostic(BLOCK, 'missingPackageVersion', M.missingPackageVersion, { module: module.name, pkg }));
    }
    for (const folder of kind.runtimeFolders) {
      if (![...ctx.assets.runtime.keys()].some((p) => p.startsWith(`${folder}/`))) {
        problems.push(renderDiagnostic(BLOCK, 'missingRuntime', M.missingRuntime, { module: module.name, folder }));
      }
    }
    if (!targetVariant(ctx.ir, module)) {
      problems.push(
        renderDiagnostic(BLOCK, 'noPlatformImage', M.noPlatformImage, { module: module.name, platform: ctx.ir.target.platform }),
      );
    } else if (
      ctx.ir.target.accelerator === 'nvidia-gpu' &&
      module.kind === 'scoring' &&
      targetVariant(ctx.ir, module)!.accelerator !== 'nvidia-gpu'
    ) {
      problems.push(renderDiagnostic(BLOCK, 'gpuWithoutCuda', M.gpuWithoutCuda, { module: module.name, platform: ctx.ir.target.platform }));
    }
    for (const file of requiredFiles(ctx.ir, module)) {
      if (!ctx.assets.files.has(file))
        problems.push(renderDiagnostic(BLOCK, 'missingAsset', M.missingAsset, { module: module.name, file }));
    }
    const media = mediaRoot(module);
    if (media && ![...ctx.assets.files.keys()].some((p) => isUnder(p, media))) {
      problems.push(renderDiagnostic(BLOCK, 'missingAsset', M.missingAsset, { module: module.name, file: media }));
    }
  }
  return problems;
}

function requiredFiles(ir: WorkflowIR, module: GeneratedModule): string[] {
  if (module.kind !== 'scoring') return [];
  const model = localModelPath(ir.model.source);
  return [...(model ? [model] : []), ...(ir.model.cascade?.stages ?? []).map((stage) => stage.source.path)];
}

/** The folder or file a capture module bundles (spec-relative), if any. */
function mediaRoot(module: GeneratedModule): string | undefined {
  const source = module.capture?.source;
  const root = module.capture?.bundle ?? (source && (source.kind === 'video' || source.kind === 'folder') ? source.path : undefined);
  return root?.replace(/\/+$/, '');
}

const isUnder = (path: string, root: string): boolean => path === root || path.startsWith(`${root}/`);

function fail(problem: Diagnostic): never {
  throw new RenderProblem(problem);
}
/** All files of one generated module's build context, paths relative to the output folder, sorted by path. */
export function renderModuleContext(ctx: RenderContext, module: ModuleIR): RenderedFile[] {
  if (!isGeneratedModule(module)) return [];
  const problems = checkBuildContexts({ ...ctx, ir: { ...ctx.ir, modules: [module] } }).filter((d) => d.category === 'error');
  if (problems.length > 0) fail(problems[0]!);

  const dir = moduleDir(module);
  const files: RenderedFile[] = [];
  const add = (path: string, content: string | Uint8Array): void => void files.push({ path: `${dir}/${path}`, content });

  add('.dockerignore', DOCKERIGNORE);
  add('package.json', renderPackageJson(ctx, module));
  for (const [path, text] of runtimeFiles(ctx, module)) add(`app/${path}`, text);

  const model = module.kind === 'scoring' ? modelFiles(ctx) : new Map<string, string | Uint8Array>();
  for (const [path, content] of model) add(path, content);
  const media = module.kind === 'image-capture' ? mediaFiles(ctx, module) : new Map<string, Uint8Array>();
  for (const [path, content] of media) add(path, content);

  add('config.json', stableJson(moduleConfig(ctx, module)));
  for (const variant of moduleVariants(ctx.ir, module)) {
    add(
      `Dockerfile.${variant.id}`,
      renderDockerfile({ module, variant, hasModel: model.size > 0, hasMedia: media.size > 0, kind: generatedKindOf(ctx.ir.task, module) }),
    );
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function renderPackageJson(ctx: RenderContext, module: GeneratedModule): string {
  const dependencies: Record<string, string> = {};
  for (const pkg of generatedKindOf(ctx.ir.task, module).packages) {
    // Exact versions: a caret range would let two builds of the same tag differ.
    dependencies[pkg] = ctx.assets.packageVersions.get(pkg)!.replace(/^[\^~=v]+/, '');
  }
  return stableJson({
    name: `${ctx.ir.name}-${module.name}`.toLowerCase().replace(/[^a-z0-9-]/g, '-'),
    version: '0.0.0',
    private: true,
    description: `IoT Edge module '${module.name}' of workflow '${ctx.ir.name}', generated by edgeml.`,
    type: 'module',
    main: `app/${generatedKindOf(ctx.ir.task, module).entry}`,
    engines: { node: '>=20.9' },
    dependencies,
  });
}

function runtimeFiles(ctx: RenderContext, module: GeneratedModule): [string, string][] {
  const folders = generatedKindOf(ctx.ir.task, module).runtimeFolders;
  return [...ctx.assets.runtime.entries()]
    .filter(([path]) => folders.some((f) => path.startsWith(`${f}/`)) && path.endsWith('.js'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** model/model.onnx and model/labels.txt for local models; model/source.json for models fetched at build time. */
function modelFiles(ctx: RenderContext): Map<string, string | Uint8Array> {
  const files = new Map<string, string | Uint8Array>();
  const { source, labels } = ctx.ir.model;
  const local = localModelPath(source);
  if (local) {
    files.set('model/model.onnx', ctx.assets.files.get(local)!);
  } else if (source.kind === 'url') {
    // Part of the content hash, so a new URL or checksum gives a new image tag even before the download.
    files.set('model/source.json', stableJson({ kind: 'url', url: source.url, sha256: source.sha256, file: source.file }));
  } else if (source.kind === 'azureml') {
    files.set(
      'model/source.json',
      stableJson({
        kind: 'azureml',
        name: source.name,
        version: source.version,
        file: source.file,
        workspace: ctx.ir.azure.ml?.workspace ?? null,
      }),
    );
  }
  const labelsFile = labelsPath(ctx.ir);
  const labelBytes = labelsFile ? ctx.assets.files.get(labelsFile) : undefined;
  if (labelBytes) files.set('model/labels.txt', labelBytes);
  else if (labels?.length) files.set('model/labels.txt', labels.join('\n') + '\n');
  // Cascade stages' models, where config.json names them (their labels and characters are in the config).
  for (const stage of ctx.ir.model.cascade?.stages ?? []) files.set(stageModelPath(stage), ctx.assets.files.get(stage.source.path)!);
  return files;
}

/** The folder or video the capture module plays, copied under media/ at its spec-relative path. */
function mediaFiles(ctx: RenderContext, module: GeneratedModule): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const prefix = mediaRoot(module);
  if (!prefix) return files;
  for (const [path, bytes] of ctx.assets.files) {
    if (isUnder(path, prefix)) files.set(`${MEDIA_DIR}/${path}`, bytes);
  }
  return files;
}

function moduleConfig(ctx: RenderContext, module: GeneratedModule): unknown {
  // A remote model's copy in the local model cache is this machine's state, not the spec's: the output must be the
  // same with or without it (the scoring module reads what the config leaves open from the model when it starts).
  const model = localModelPath(ctx.ir.model.source) === undefined ? undefined : asModelInfo(ctx.model);
  if (module.kind === 'scoring' && ctx.ir.task === 'telemetry') return createTelemetryConfig(ctx.ir, module, model);
  if (module.kind === 'scoring') return createScoringConfig(ctx.ir, module, model);
  return createCaptureConfig(ctx.ir, module, { mapPath: (p) => `${MEDIA_DIR}/${p}` });
}

function asModelInfo(model: unknown): ModelInfo | undefined {
  const info = model as ModelInfo | undefined;
  return info && Array.isArray(info.inputs) && Array.isArray(info.outputs) ? info : undefined;
}
