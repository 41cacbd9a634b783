// Check: every `$body` path in a route condition can exist in the messages of the route's source, by its message
// contract (generated modules always have one; container modules where `outputs` declares one). A path no message
// has makes edgeHub read null, which routes or blocks every message regardless of the data. Also warns where the
// path leads to something edgeHub's queries read as undefined (objects, arrays, ISO 8601 date strings).
import { defineCheck } from '../define-check.js';
import { didYouMean } from '../../routes/did-you-mean.js';
import { contractPaths, contractValuePaths, unreadableValue } from '../../routes/contract-paths.js';
import {
  allContracted,
  conditionalRoutes,
  describeSources,
  lookupAcross,
  parseBodyReads,
  sourceContracts,
  spanIn,
} from '../route-contracts.js';

const UNREADABLE = {
  object: 'an object, and edgeHub reads objects through $body as undefined',
  array: 'an array, and edgeHub reads arrays through $body as undefined',
  date: 'an ISO 8601 date string, which edgeHub (Json.NET) parses as a date and reads as undefined',
} as const;

export default defineCheck({
  meta: {
    id: 'route-body-path-exists',
    description: "Every $body path in a route condition exists in the source's message contract.",
    messages: {
      unknownPath: {
        code: 'EML3210',
        text: (d: { path: string; sources: string; reason: string }) =>
          `No message from ${d.sources} has $body.${d.path}: ${d.reason}. edgeHub reads it as null in every message.`,
        hint: (d: { suggestion?: string; fields: string }) =>
          d.suggestion ? `Did you mean $body.${d.suggestion}?` : `The messages have: ${d.fields}.`,
      },
      unreadable: {
        code: 'EML3211',
        category: 'warning',
        text: (d: { path: string; what: string }) => `$body.${d.path} is ${d.what}, so a condition on it never routes.`,
        hint: (d: { fields: string }) => `Compare a plain field instead: ${d.fields}.`,
      },
    },
  },
  check(ctx) {
    for (const { route, base } of conditionalRoutes(ctx.ir, ctx.text, (p) => ctx.locate(p))) {
      const contracts = sourceContracts(ctx.ir, route.from);
      if (!allContracted(contracts)) continue;
      const parsed = parseBodyReads(route.when);
      if (!parsed) continue;
      const valuePaths = [...new Set(contracts.flatMap((c) => contractValuePaths(c.schema)))];
      const fields = valuePaths.slice(0, 8).join(', ') + (valuePaths.length > 8 ? ` and ${valuePaths.length - 8} more` : '');
      for (const read of parsed.reads) {
        const verdict = lookupAcross(contracts, read.segments, read.path);
        if (verdict.kind === 'impossible') {
          const suggestion =
            didYouMean(read.path, [...new Set(contracts.flatMap((c) => contractPaths(c.schema)))]) ?? synonym(read.path, valuePaths);
          ctx.report(
            'unknownPath',
            { path: read.path, sources: describeSources(contracts), reason: verdict.reason, fields, ...(suggestion ? { suggestion } : {}) },
            spanIn(base, read.node),
          );
        } else if (verdict.kind === 'found') {
          const what = verdict.schemas.map(unreadableValue);
          if (what.every((w) => w !== undefined))
            ctx.report('unreadable', { path: read.path, what: UNREADABLE[what[0]!], fields }, spanIn(base, read.node));
        }
      }
    }
  },
});

/** What people call a model's score and label in other tools, mapped to the field names contracts use. */
const SYNONYMS: Record<string, readonly string[]> = {
  probability: ['confidence', 'score', 'prob', 'probability', 'conf'],
  tagname: ['label', 'class', 'classname', 'tag', 'tagname', 'name'],
};

/** A contract path whose last name means the same as the path's last name (confidence → topProbability). */
function synonym(path: string, candidates: readonly string[]): string | undefined {
  const last = (path.split('.').pop() ?? '').replace(/\[\d+\]$/, '').toLowerCase();
  for (const [meaning, words] of Object.entries(SYNONYMS)) {
    if (!words.includes(last)) continue;
    const matching = candidates.filter((c) => c.toLowerCase().endsWith(meaning));
    // Prefer a field every message has (a summary) over one inside an array element.
    return matching.find((c) => !c.includes('[')) ?? matching[0];
  }
  return undefined;
}
