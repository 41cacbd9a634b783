// `edgeml history` as a table, one row per revision: when, kind, content hash, rings reached, outcome and why.
// Rollout stage (pure).
import type { Revision } from './history.js';
import { textTable } from '../text-table.js';

function when(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function rings(r: Revision): string {
  if (r.kind === 'rollback') return `→ revision ${r.rolledBackTo ?? '?'}`;
  const stopped = r.outcome !== 'succeeded' && r.ringName ? ` (${r.ringName})` : '';
  return `${r.ringsPassed}/${r.rings}${stopped}`;
}

export function renderHistoryText(revisions: readonly Revision[], live: ReadonlySet<string>): string {
  if (revisions.length === 0) return 'No revisions yet: `edgeml apply` records one per rollout.\n';
  const rows = revisions.map((r) => [
    String(r.revision),
    r.kind,
    when(r.startedAt),
    r.contentHash.slice(0, 12),
    rings(r),
    r.outcome + (live.has(r.configurationId) && r.outcome !== 'rolled-back' ? ' (live)' : ''),
    r.reason ?? '',
  ]);
  const header = ['REV', 'KIND', 'STARTED (UTC)', 'CONTENT', 'RINGS', 'OUTCOME', 'REASON'];
  return textTable(header, rows);
}
