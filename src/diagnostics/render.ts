// Renders diagnostics for people (file:line:column, message, code frame with a caret line, hint) and for machines
// (JSON with line and column). Colour is applied through a `paint` function so only cli/output.ts knows about it.
import { LineIndex } from './line-index.js';
import type { Diagnostic } from './types.js';

export type Style = 'error' | 'warning' | 'suggestion' | 'location' | 'gutter' | 'caret' | 'hint' | 'code' | 'bold';
export type Paint = (style: Style, text: string) => string;
const plain: Paint = (_style, text) => text;

export interface JsonDiagnostic extends Diagnostic {
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

export function formatDiagnostics(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>, paint: Paint = plain): string {
  const indexes = new Map<string, LineIndex>();
  const indexFor = (file: string | undefined) => {
    if (file === undefined || !sources.has(file)) return undefined;
    let index = indexes.get(file);
    if (!index) indexes.set(file, (index = new LineIndex(sources.get(file)!)));
    return index;
  };
  const blocks = diagnostics.map((d) => formatOne(d, indexFor(d.file), paint, indexFor));
  return blocks.join('\n') + (blocks.length ? '\n' + summary(diagnostics, paint) + '\n' : '');
}

function formatOne(d: Diagnostic, index: LineIndex | undefined, paint: Paint, indexFor: (file?: string) => LineIndex | undefined): string {
  const lines: string[] = [];
  const where =
    index && d.start !== undefined ? `${d.file}:${index.position(d.start).line}:${index.position(d.start).column}` : (d.file ?? 'edgeml');
  lines.push(`${paint('location', where)} - ${paint(d.category, d.category)} ${paint('code', d.code)}: ${d.message}`);
  if (index && d.start !== undefined) lines.push(...codeFrame(index, d.start, d.length ?? 1, paint));
  for (const related of d.related ?? []) {
    const relatedIndex = indexFor(related.file ?? d.file);
    if (!relatedIndex) continue;
    const pos = relatedIndex.position(related.start);
    lines.push(`  ${paint('location', `${related.file ?? d.file}:${pos.line}:${pos.column}`)}: ${related.message}`);
    lines.push(...codeFrame(relatedIndex, related.start, related.length, paint));
  }
  if (d.hint) lines.push(`  ${paint('hint', 'hint:')} ${d.hint}`);
  return lines.join('\n') + '\n';
}

/** The offending line with one line of context above, and carets under the span (clipped to that line). */
export function codeFrame(index: LineIndex, start: number, length: number, paint: Paint = plain): string[] {
  const { line, column } = index.position(start);
  const width = String(line).length;
  const out: string[] = [''];
  if (line > 1) out.push(`  ${paint('gutter', String(line - 1).padStart(width) + ' |')} ${visible(index.lineText(line - 1))}`);
  const text = index.lineText(line);
  out.push(`  ${paint('gutter', String(line).padStart(width) + ' |')} ${visible(text)}`);
  const caretCount = Math.max(1, Math.min(length, text.length - column + 1));
  out.push(
    `  ${paint('gutter', ' '.repeat(width) + ' |')} ${' '.repeat(Math.max(0, column - 1))}${paint('caret', '^'.repeat(caretCount))}`,
  );
  return out;
}

/** Tabs shown as one space keep the caret aligned; long lines are cut. */
function visible(text: string): string {
  const shown = text.replace(/\t/g, ' ');
  return shown.length > 200 ? shown.slice(0, 200) + '…' : shown;
}

export function summary(diagnostics: readonly Diagnostic[], paint: Paint = plain): string {
  const count = (category: string) => diagnostics.filter((d) => d.category === category).length;
  const errors = count('error');
  const warnings = count('warning');
  const notes = count('suggestion');
  const parts = [`${errors} error${errors === 1 ? '' : 's'}`, `${warnings} warning${warnings === 1 ? '' : 's'}`];
  if (notes > 0) parts.push(`${notes} note${notes === 1 ? '' : 's'}`);
  const files = [...new Set(diagnostics.map((d) => d.file).filter(Boolean))];
  return paint(
    'bold',
    `Found ${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}${files.length ? ` in ${files.join(', ')}` : ''}.`,
  );
}

export function toJsonDiagnostics(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>): JsonDiagnostic[] {
  const indexes = new Map<string, LineIndex>();
  return diagnostics.map((d) => {
    if (d.file === undefined || d.start === undefined || !sources.has(d.file)) return { ...d };
    let index = indexes.get(d.file);
    if (!index) indexes.set(d.file, (index = new LineIndex(sources.get(d.file)!)));
    const start = index.position(d.start);
    const end = index.position(d.start + (d.length ?? 0));
    return { ...d, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  });
}
