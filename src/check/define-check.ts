// Check stage, part 2: the shape of a semantic check (one per file in rules/, named by its id, like ESLint rules).
// A check reads the IR, reports through ctx.report, does no I/O, never throws on bad input, and does not depend on order.
import type { Category, DiagnosticCode } from '../diagnostics/types.js';
import type { SpecPath, Span, WorkflowIR } from '../ir/types.js';

export interface CheckMessage<D> {
  code: DiagnosticCode;
  category?: Category;
  text: (data: D) => string;
  hint?: (data: D) => string;
}

export interface CheckMeta<M extends Record<string, CheckMessage<any>>> {
  id: string;
  description: string;
  messages: M;
}

export interface ReportOptions {
  /** Point at the key rather than the value. */
  key?: boolean;
  /** Other places that explain the problem ("first declared here"). */
  related?: { at: SpecPath | Span; message: string; key?: boolean }[];
}

export interface CheckContext<M extends Record<string, CheckMessage<any>>> {
  ir: WorkflowIR;
  /** The checked spec data (after variables), for checks that need what the IR does not keep. */
  data: Record<string, unknown>;
  report<K extends keyof M & string>(messageId: K, data: CheckDataOf<M[K]>, at: SpecPath | Span, options?: ReportOptions): void;
  locate(path: SpecPath, options?: { key?: boolean }): Span;
  /** The spec's text, to point inside a scalar (e.g. at a column of a route condition). */
  text: string;
  /** The date support windows are judged against, YYYY-MM-DD (pinned by SOURCE_DATE_EPOCH; see ir/platform-support.ts). */
  today: string;
}

/** What a message's text and hint read (a hint may need fields the text does not). */
export type CheckDataOf<M> = M extends { text: (data: infer T) => string; hint?: (data: infer H) => string }
  ? unknown extends H
    ? T
    : T & H
  : never;

export interface Check<M extends Record<string, CheckMessage<any>> = Record<string, CheckMessage<any>>> {
  meta: CheckMeta<M>;
  check(ctx: CheckContext<M>): void;
}

export function defineCheck<const M extends Record<string, CheckMessage<any>>>(check: Check<M>): Check<M> {
  return check;
}
