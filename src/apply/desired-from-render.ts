// Turns what compile renders into the DesiredDeployment plan and apply consume: the typed deployment behind the
// manifest file compile writes (deployment.json or deployment.fleet.json), the image references from resolveImages
// and each generated module's build context. Apply stage. It calls the renderers; it never renders anything itself.
import { isAbsolute, relative, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../diagnostics/types.js';
import { hasErrors } from '../diagnostics/types.js';
import { renderWorkflow, type RenderWorkflowResult } from '../render/index.js';
import { resolveImages } from '../render/docker/images.js';
import { moduleDir } from '../render/docker/build-context.js';
import { targetVariant } from '../render/docker/variants.js';
import { hashConfigurationContent } from '../render/manifest/content-hash.js';
import type { RenderContext, RenderedFile } from '../render/types.js';
import type { ConfigurationContent } from '../providers/types.js';
import type { DesiredDeployment, DesiredImage } from '../plan/desired.js';
import type { TarEntry } from '../providers/docker/tar.js';
import { applyDiagnostic } from './errors.js';

export interface DesiredResult {
  desired?: DesiredDeployment;
  /** Problems of its own (the render's diagnostics stay with the render result). */
  diagnostics: Diagnostic[];
}

/** The files of one generated module's build context, relative to its folder. */
function contextEntries(files: readonly RenderedFile[], dir: string): TarEntry[] {
  return files
    .filter((f) => f.path.startsWith(`${dir}/`))
    .map((f) => ({ path: f.path.slice(dir.length + 1), content: f.content, mode: f.mode }));
}

/** The desired deployment from what `renderWorkflow(ctx)` returned (the Program renders once for compile and apply). */
export function desiredFromRender(ctx: RenderContext, rendered: RenderWorkflowResult = renderWorkflow(ctx)): DesiredResult {
  const { ir } = ctx;
  if (hasErrors(rendered.diagnostics)) return { diagnostics: [] };
  // The renderer hands over the typed deployment that its manifest file holds: nothing is parsed back from text.
  if (!rendered.deployment) return { diagnostics: [applyDiagnostic('renderFailed', { reason: 'render produced no deployment manifest' })] };
  const content: ConfigurationContent = rendered.deployment.content;
  const configurationId = rendered.deployment.configurationId;

  const refs = resolveImages(ctx);
  const images: DesiredImage[] = [];
  for (const module of ir.modules) {
    const ref = refs.get(module.name);
    if (!ref) continue;
    const image: DesiredImage = { module: module.name, ref, platform: ir.target.platform };
    if (module.image.kind === 'generated') {
      const variant = targetVariant(ir, module);
      if (variant) {
        const entries = contextEntries(rendered.files, moduleDir(module));
        image.build = {
          context: { kind: 'files', files: new Map(entries.map((e) => [e.path, e.content])) },
          dockerfile: `Dockerfile.${variant.id}`,
        };
      }
    } else if (module.image.kind === 'user-build') {
      image.build = {
        context: { kind: 'folder', path: resolve(ir.specDir, module.image.context) },
        dockerfile: userDockerfile(ir.specDir, module.image.context, module.image.dockerfile),
      };
    }
    images.push(image);
  }

  const desired: DesiredDeployment = {
    workflow: ir.name,
    azure: ir.azure,
    platform: ir.target.platform,
    content,
    contentHash: hashConfigurationContent(content),
    images,
  };
  if (configurationId) desired.configurationId = configurationId;
  return { desired, diagnostics: [] };
}

/** The Dockerfile path as the build sees it: relative to the context when inside it, else absolute (read in). */
function userDockerfile(specDir: string, context: string, dockerfile: string): string {
  const contextDir = resolve(specDir, context);
  const file = resolve(specDir, dockerfile);
  const rel = relative(contextDir, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel.split('\\').join('/');
}

/** A Dockerfile outside its context is added to the tar under this name. */
export const outsideDockerfileName = '.edgeml.Dockerfile';

/** Reads an out-of-context Dockerfile (absolute path) into a tar entry; undefined when it is inside the context. */
export function outsideDockerfileEntry(dockerfile: string): TarEntry | undefined {
  return isAbsolute(dockerfile) ? { path: outsideDockerfileName, content: readFileSync(dockerfile) } : undefined;
}
