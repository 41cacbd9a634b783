// The error a build-context or script renderer throws when its input is unusable (render stage). It carries a
// catalogue diagnostic so the program can report it like any other; the check functions find these up front.
import type { Diagnostic, MessageDef } from '../../diagnostics/types.js';

export class RenderProblem extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
    this.name = 'RenderProblem';
  }
}

/** Builds a diagnostic from a catalogue entry (no spec location: render problems concern the whole module). */
export function renderDiagnostic<D>(block: string, key: string, def: MessageDef<D>, data: D): Diagnostic {
  const diagnostic: Diagnostic = { code: def.code, id: `${block}/${key}`, category: def.category, message: def.text(data) };
  const hint = def.hint?.(data);
  if (hint) diagnostic.hint = hint;
  return diagnostic;
}
