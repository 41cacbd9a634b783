// The rollout history of one workflow: every revision edgeml rolled out or rolled back to, with its content (secret
// references only, never values), the rings it reached and how it ended. `.edgeml/state/<name>.history.json` beside
// the state file, versioned and written atomically. A rollout in progress is a revision with outcome 'in-progress':
// a re-run after Ctrl-C, kill -9 or a lost network resumes it from the ring it records. Rollout stage.
import { readFileSync } from 'node:fs';
import type { ConfigurationContent } from '../providers/types.js';
import { writeFileAtomic } from '../emit/write-file-atomic.js';

export const historyFormatVersion = 1;
/** Revisions whose content is kept for `rollback --to`; older ones keep their summary only. */
export const REVISIONS_WITH_CONTENT = 20;

export type RevisionOutcome = 'in-progress' | 'succeeded' | 'rolled-back' | 'halted' | 'superseded';

export interface Revision {
  revision: number;
  /** 'rollout' for a spec's content, 'rollback' for a return to an earlier revision. */
  kind: 'rollout' | 'rollback';
  configurationId: string;
  contentHash: string;
  /** The deployment content with secret references (resolved again when rolling back to it). */
  content?: ConfigurationContent;
  startedAt: string;
  endedAt?: string;
  /** Rings in the rollout, and how many passed their gate. */
  rings: number;
  ringsPassed: number;
  /** The ring being widened or judged while in progress; its gate clock started at ringStartedAt. */
  ringIndex?: number;
  ringStartedAt?: string;
  ringName?: string;
  outcome: RevisionOutcome;
  reason?: string;
  /** For a rollback: the revision it returned to. */
  rolledBackTo?: number;
}

export interface RolloutHistory {
  version: typeof historyFormatVersion;
  workflow: string;
  revisions: Revision[];
}

export class HistoryError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/** `<state>.history.json` beside the state file. */
export function historyPath(statePath: string): string {
  return statePath.replace(/\.json$/, '') + '.history.json';
}

const OUTCOMES = new Set<RevisionOutcome>(['in-progress', 'succeeded', 'rolled-back', 'halted', 'superseded']);

function isRevision(value: unknown): value is Revision {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    Number.isInteger(r.revision) &&
    (r.kind === 'rollout' || r.kind === 'rollback') &&
    typeof r.configurationId === 'string' &&
    typeof r.contentHash === 'string' &&
    typeof r.startedAt === 'string' &&
    Number.isInteger(r.rings) &&
    Number.isInteger(r.ringsPassed) &&
    typeof r.outcome === 'string' &&
    OUTCOMES.has(r.outcome as RevisionOutcome)
  );
}

export function readHistory(file: string, workflow: string): RolloutHistory {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: historyFormatVersion, workflow, revisions: [] };
    throw new HistoryError(file, (error as Error).message);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new HistoryError(file, `not JSON (${(error as Error).message})`);
  }
  const doc = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : undefined;
  if (!doc || doc.version !== historyFormatVersion)
    throw new HistoryError(file, `expected an object with "version": ${historyFormatVersion}`);
  if (!Array.isArray(doc.revisions)) throw new HistoryError(file, '"revisions" is not a list');
  const bad = doc.revisions.findIndex((r) => !isRevision(r));
  if (bad >= 0) throw new HistoryError(file, `revision entry ${bad + 1} is malformed`);
  return { version: historyFormatVersion, workflow, revisions: doc.revisions as Revision[] };
}

/** Writes the history, keeping content only for the newest revisions (rollback targets). */
export function writeHistory(file: string, history: RolloutHistory): void {
  const keepFrom = history.revisions.length - REVISIONS_WITH_CONTENT;
  const revisions = history.revisions.map((r, i) => (i < keepFrom && r.content ? { ...r, content: undefined } : r));
  writeFileAtomic(file, JSON.stringify({ ...history, revisions }, null, 2) + '\n');
}

export function activeRevision(history: RolloutHistory): Revision | undefined {
  return history.revisions.findLast((r) => r.outcome === 'in-progress');
}

export function nextRevisionNumber(history: RolloutHistory): number {
  return history.revisions.reduce((n, r) => Math.max(n, r.revision), 0) + 1;
}
