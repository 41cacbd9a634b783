// Collects diagnostics for one stage instead of throwing: every stage reports through a Reporter.
import type { DataOf, Diagnostic, MessageDef, RelatedLocation } from './types.js';

export interface At {
  file?: string;
  start: number;
  length: number;
}

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  constructor(private readonly defaultFile?: string) {}

  /** Reports message `id` (a key of its catalogue block, qualified by the block name) at `at`. */
  report<D>(id: string, def: MessageDef<D>, data: D, at?: At, related?: RelatedLocation[]): Diagnostic {
    const diagnostic: Diagnostic = {
      code: def.code,
      id,
      category: def.category,
      file: at?.file ?? this.defaultFile,
      start: at?.start,
      length: at?.length,
      message: def.text(data),
    };
    const hint = def.hint?.(data);
    if (hint) diagnostic.hint = hint;
    if (related?.length) diagnostic.related = related;
    this.diagnostics.push(diagnostic);
    return diagnostic;
  }

  add(...diagnostics: Diagnostic[]): void {
    this.diagnostics.push(...diagnostics);
  }

  get errorCount(): number {
    return this.diagnostics.filter((d) => d.category === 'error').length;
  }
}

/** Binds a catalogue block to a reporter so call sites read `r.unknownKey(data, at)`. */
export function bindMessages<T extends Record<string, MessageDef<any>>>(reporter: Reporter, block: string, messages: T): BoundMessages<T> {
  const bound: Partial<Record<keyof T, (data: unknown, at?: At, related?: RelatedLocation[]) => Diagnostic>> = {};
  for (const key of Object.keys(messages) as (keyof T & string)[]) {
    bound[key] = (data: unknown, at?: At, related?: RelatedLocation[]) =>
      reporter.report(`${block}/${key}`, messages[key], data, at, related);
  }
  // Each entry was made for its key just above; the mapped type only narrows each one's data parameter.
  return bound as BoundMessages<T>;
}

export type BoundMessages<T extends Record<string, MessageDef<any>>> = {
  [K in keyof T]: (data: DataOf<T[K]>, at?: At, related?: RelatedLocation[]) => Diagnostic;
};
