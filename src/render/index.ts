// The render stage's entry point: IR → every output file in memory (build contexts, manifest, scripts, README),
// with the byte rules every file obeys (LF, final newline). Path safety is enforced later, by the writer (emit/).
import type { Diagnostic } from '../diagnostics/types.js';
import { hasErrors } from '../diagnostics/types.js';
import { renderContracts } from './contracts/index.js';
import { checkRenderBuildContexts, renderBuildContexts, RenderProblem } from './docker/index.js';
import { renderManifest, type RenderedDeployment, type SpecLocator } from './manifest/index.js';
import { renderReadme } from './readme/index.js';
import { checkScriptValues, renderScripts } from './scripts/index.js';
import type { RenderContext, RenderedFile } from './types.js';

export interface RenderWorkflowResult {
  /** Sorted by path; empty when there were errors. */
  files: RenderedFile[];
  diagnostics: Diagnostic[];
  /** The deployment the manifest file holds, typed, for plan and apply (absent when there were errors). */
  deployment?: RenderedDeployment;
}

type RendererOutput = RenderedFile[] | { files: RenderedFile[]; diagnostics?: Diagnostic[] };

/** Runs one renderer; an input problem it throws (RenderProblem) becomes a diagnostic, anything else is a bug. */
function runRenderer(render: () => RendererOutput, files: RenderedFile[], diagnostics: Diagnostic[]): void {
  try {
    const output = render();
    if (Array.isArray(output)) files.push(...output);
    else {
      files.push(...output.files);
      diagnostics.push(...(output.diagnostics ?? []));
    }
  } catch (error) {
    if (error instanceof RenderProblem) diagnostics.push(error.diagnostic);
    else throw error;
  }
}

/** Text files always use LF and end with one newline, whatever the renderer or template produced. */
export function normalizeRenderedFile(file: RenderedFile): RenderedFile {
  if (typeof file.content !== 'string' || file.content.length === 0) return file;
  let text = file.content.replace(/\r\n?/g, '\n');
  if (!text.endsWith('\n')) text += '\n';
  return text === file.content ? file : { ...file, content: text };
}

export interface RenderWorkflowOptions {
  /** Maps a spec path to its location, so render diagnostics can point at spec lines (compile passes spec.locate). */
  locate?: SpecLocator;
}

/** Renders the whole output folder for `ctx`. Pure: no clock, environment or file system. */
export function renderWorkflow(ctx: RenderContext, options: RenderWorkflowOptions = {}): RenderWorkflowResult {
  // The checks find every input problem up front, so the renderers below only throw on edgeml bugs. The script
  // check names images, which needs working build contexts, so it runs only after the build-context check passed.
  const diagnostics: Diagnostic[] = [...checkRenderBuildContexts(ctx)];
  if (!hasErrors(diagnostics)) runRenderer(() => ({ files: [], diagnostics: checkScriptValues(ctx) }), [], diagnostics);
  if (hasErrors(diagnostics)) return { files: [], diagnostics };

  const files: RenderedFile[] = [];
  runRenderer(() => renderBuildContexts(ctx), files, diagnostics);
  let deployment: RenderedDeployment | undefined;
  runRenderer(
    () => {
      const manifest = renderManifest(ctx, undefined, options.locate);
      deployment = manifest.deployment;
      return manifest;
    },
    files,
    diagnostics,
  );
  runRenderer(() => renderScripts(ctx), files, diagnostics);
  runRenderer(() => renderContracts(ctx), files, diagnostics);
  runRenderer(() => renderReadme(ctx), files, diagnostics);

  if (hasErrors(diagnostics)) return { files: [], diagnostics };
  const sorted = files.map(normalizeRenderedFile).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files: sorted, diagnostics, ...(deployment ? { deployment } : {}) };
}
