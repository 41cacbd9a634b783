// The one place image references are decided (render stage): repository and tag for every module, used by the
// manifest renderer, the build script and apply. Generated modules are tagged with a hash of their build context, so
// any change to code, model or config gives a new tag and only that module is updated on the device.
import { createHash } from 'node:crypto';
import type { ModuleIR, WorkflowIR } from '../../ir/types.js';
import type { RenderContext, RenderedFile } from '../types.js';
import { moduleDir, renderModuleContext } from './build-context.js';
import { targetVariant } from './variants.js';

/** `<registry address>/<workflow name>/<module name>`, lower case (Docker repositories must be). */
export function defaultRepository(ir: WorkflowIR, module: ModuleIR): string {
  return `${ir.azure.registry.address}/${ir.name}/${module.name}`.toLowerCase();
}

/**
 * First 12 hex digits of sha256 over the build-context files, sorted by path (relative to the module folder), each
 * fed as path, NUL, content, NUL.
 */
export function contextHash(files: readonly RenderedFile[], dir: string): string {
  const hash = createHash('sha256');
  const entries = files.map((f) => ({ path: f.path.startsWith(`${dir}/`) ? f.path.slice(dir.length + 1) : f.path, content: f.content }));
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const { path, content } of entries) {
    hash.update(path).update('\0').update(content).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

// Build contexts can hold large models; the manifest and script renderers both ask for the images of the same context.
const cache = new WeakMap<RenderContext, Map<string, string>>();

/**
 * Image reference per module name:
 * - generated: `<repository>:<version>-<contextHash12>-<variant>` where variant is the target's (e.g. amd64, amd64-cuda);
 * - user-build: `<repository>:<version>-<platform>`;
 * - prebuilt: the reference as given.
 * A generated module that cannot run on the target (see checkBuildContexts) is left out.
 */
export function resolveImages(ctx: RenderContext): Map<string, string> {
  const cached = cache.get(ctx);
  if (cached) return new Map(cached);
  const images = new Map<string, string>();
  for (const module of ctx.ir.modules) {
    const image = module.image;
    switch (image.kind) {
      case 'generated': {
        const variant = targetVariant(ctx.ir, module);
        if (!variant) break;
        const repository = image.repository || defaultRepository(ctx.ir, module);
        const hash = contextHash(renderModuleContext(ctx, module), moduleDir(module));
        images.set(module.name, `${repository}:${module.version}-${hash}-${variant.id}`);
        break;
      }
      case 'user-build':
        images.set(module.name, `${image.repository || defaultRepository(ctx.ir, module)}:${module.version}-${ctx.ir.target.platform}`);
        break;
      case 'prebuilt':
        images.set(module.name, image.ref);
        break;
    }
  }
  cache.set(ctx, images);
  return new Map(images);
}
