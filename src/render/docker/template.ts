// Handlebars for text artifacts (render stage): Dockerfiles, scripts and the README are templates held as string
// constants. HTML escaping is off (none of these outputs is HTML); shell values are quoted in TypeScript before they
// reach a script template, never by the template itself. The build precompiles every registered template
// (scripts/precompile-templates.mjs) so a compile loads only Handlebars' small runtime; the full compiler is the
// fallback for a template missing from that table (the precompile step itself starts from an empty one).
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import HandlebarsRuntimeModule from 'handlebars/runtime.js';
import precompiled from './templates.precompiled.js';

type Template = (view: unknown) => string;
interface HandlebarsRuntime {
  create(): { template(spec: unknown): Template; compile(source: string, options: object): Template };
}

export const TEMPLATE_OPTIONS = { noEscape: true, strict: true } as const;

const registered = new Set<string>();

export function templateKey(source: string): string {
  return createHash('sha256').update(source).digest('hex').slice(0, 16);
}

/** Every template source compiled so far: the build step precompiles them. */
export function registeredTemplates(): readonly string[] {
  return [...registered];
}

let runtime: ReturnType<HandlebarsRuntime['create']> | undefined;
let compiler: ReturnType<HandlebarsRuntime['create']> | undefined;

function load(source: string): Template {
  const spec = precompiled[templateKey(source)];
  if (spec !== undefined) {
    // cast: handlebars' typings for the runtime build lack create(), which the runtime has (runtime.js exports an instance).
    runtime ??= (HandlebarsRuntimeModule as unknown as HandlebarsRuntime).create();
    return runtime.template(spec);
  }
  compiler ??= (createRequire(import.meta.url)('handlebars') as HandlebarsRuntime).create();
  return compiler.compile(source, TEMPLATE_OPTIONS);
}

/** Compiles a template held in a string constant (on first use); the result is a pure function of its view. */
export function compileTemplate<V>(source: string): (view: V) => string {
  registered.add(source);
  let template: Template | undefined;
  // Sections left out by {{#if}} leave blank lines behind; keep at most one.
  return (view: V) => (template ??= load(source))(view).replace(/\n{3,}/g, '\n\n');
}
