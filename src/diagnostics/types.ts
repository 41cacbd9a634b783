// Diagnostic shapes shared by every stage. Locations are offsets into the spec text; line and column are computed
// only when a diagnostic is displayed (see render.ts).

export type Category = 'error' | 'warning' | 'suggestion';
export type DiagnosticCode = `EML${number}`;

export interface RelatedLocation {
  file?: string;
  start: number;
  length: number;
  message: string;
}

export interface Diagnostic {
  code: DiagnosticCode;
  /** Stable message id, e.g. 'route-target-exists/unknownModule'. Tests assert on it, never on wording. */
  id: string;
  category: Category;
  file?: string;
  start?: number;
  length?: number;
  /** One sentence: no colour, no code frame. */
  message: string;
  /** One imperative sentence telling the user how to fix it. */
  hint?: string;
  related?: RelatedLocation[];
}

/** A message in the catalogue: its code, category and typed text. */
export interface MessageDef<D = void> {
  code: DiagnosticCode;
  category: Category;
  text: (data: D) => string;
  hint?: (data: D) => string;
}

/** Builds a catalogue block with its data types checked. */
export function defineMessages<const T extends Record<string, MessageDef<any>>>(messages: T): T {
  return messages;
}

/** One finished diagnostic (no position) from a catalogue block; its id is qualified as '<block>/<id>'. */
export function catalogueDiagnostic<T extends Record<string, MessageDef<any>>, K extends keyof T & string>(
  block: string,
  messages: T,
  id: K,
  data: DataOf<T[K]>,
): Diagnostic {
  // Widened once here so the message functions of every id can be called with this id's data.
  const def = messages[id] as MessageDef<unknown>;
  const diagnostic: Diagnostic = { code: def.code, id: `${block}/${id}`, category: def.category, message: def.text(data) };
  const hint = def.hint?.(data);
  if (hint) diagnostic.hint = hint;
  return diagnostic;
}

/**
 * The data a message needs: what its text and its hint read (a hint may read fields the text does not, so both
 * parameter types count; an absent hint adds nothing).
 */
export type DataOf<M> = M extends { text: (data: infer T) => string; hint?: (data: infer H) => string }
  ? unknown extends H
    ? T
    : T & H
  : never;

export function hasErrors(diagnostics: readonly Diagnostic[], strict = false): boolean {
  return diagnostics.some((d) => d.category === 'error' || (strict && d.category === 'warning'));
}

/** Sorts by file, then position, then code; removes exact duplicates. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique: Diagnostic[] = [];
  for (const d of diagnostics) {
    const key = `${d.file}\0${d.start}\0${d.code}\0${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      unique.push(d);
    }
  }
  // Code-unit order, not localeCompare: the same on every machine, and no ICU collator to start (~7 ms).
  return unique.sort((a, b) => compareText(a.file ?? '', b.file ?? '') || (a.start ?? -1) - (b.start ?? -1) || compareText(a.code, b.code));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
