// Build contexts for generated modules (render stage): the public entry points of render/docker.
import type { Diagnostic } from '../../diagnostics/types.js';
import type { RenderContext, RenderedFile } from '../types.js';
import { checkBuildContexts, renderModuleContext } from './build-context.js';

export { resolveImages, defaultRepository, contextHash } from './images.js';
export { BASE_IMAGES, VARIANTS, moduleVariants, targetVariant, isGeneratedModule } from './variants.js';
export { RenderProblem } from './errors.js';
export { moduleDir } from './build-context.js';

/** Problems that stop renderBuildContexts (errors) or deserve a note (warnings); call before rendering. */
export function checkRenderBuildContexts(ctx: RenderContext): Diagnostic[] {
  return checkBuildContexts(ctx);
}

/** Every generated module's build context under modules/<name>/; throws RenderProblem on an input error. */
export function renderBuildContexts(ctx: RenderContext): RenderedFile[] {
  return ctx.ir.modules.flatMap((module) => renderModuleContext(ctx, module));
}
