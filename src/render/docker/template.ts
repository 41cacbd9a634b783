// Handlebars for text artifacts (render stage): Dockerfiles, scripts and the README are templates held as string
// constants, compiled once. HTML escaping is off (none of these outputs is HTML); shell values are quoted in
// TypeScript before they reach a script template, never by the template itself.
import Handlebars from 'handlebars';

const engine = Handlebars.create();

/** Compiles a template held in a string constant; the result is a pure function of its view object. */
export function compileTemplate<V>(source: string): (view: V) => string {
  const template = engine.compile(source, { noEscape: true, strict: true });
  // Sections left out by {{#if}} leave blank lines behind; keep at most one.
  return (view: V) => template(view).replace(/\n{3,}/g, '\n\n');
}
