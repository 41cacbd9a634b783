// The limited JsonPath edgeHub accepts after `$body.` and in twin_change_includes (JsonPath.g4 of edgeHub's
// routing core: `a.b[0].c`), and how such a path reads a parsed JSON body. Routes stage.

export interface PathSegment {
  name: string;
  index?: number;
}

export type JsonPathResult = { ok: true; segments: PathSegment[] } | { ok: false; reason: string; offset: number };

// IDENTIFIER stops at these characters (JsonPath.g4 ID_CHARS, which also excludes '.').
const IDENTIFIER_STOP = new Set([...'()<>@,;:\\"/[]?={}.\t\n\r']);

/** Checks `path` (the part after `$body.`) against edgeHub's JsonPath grammar; offsets are into `path`. */
export function parseJsonPath(path: string): JsonPathResult {
  if (path.length === 0) return { ok: false, reason: 'the path is empty', offset: 0 };
  const segments: PathSegment[] = [];
  let pos = 0;
  for (;;) {
    const nameStart = pos;
    while (pos < path.length && !IDENTIFIER_STOP.has(path[pos]!)) pos++;
    const name = path.slice(nameStart, pos);
    if (name.length === 0) {
      const found = path[pos];
      return {
        ok: false,
        reason: found === undefined ? 'a name is missing at the end' : `a name is expected before '${found}'`,
        offset: pos,
      };
    }
    // A segment of digits only is lexed as INT, not IDENTIFIER, so edgeHub rejects it.
    if (/^[0-9]+$/.test(name))
      return { ok: false, reason: `'${name}' is a number, not a name; use [${name}] to index an array`, offset: nameStart };
    const segment: PathSegment = { name };
    if (path[pos] === '[') {
      const close = path.indexOf(']', pos);
      const inside = close < 0 ? path.slice(pos + 1) : path.slice(pos + 1, close);
      if (close < 0 || !/^[0-9]+$/.test(inside)) {
        return { ok: false, reason: 'an index must be a non-negative whole number in [ ]', offset: pos };
      }
      segment.index = Number(inside);
      pos = close + 1;
    }
    segments.push(segment);
    if (pos === path.length) return { ok: true, segments };
    if (path[pos] !== '.') return { ok: false, reason: `'${path[pos]}' is not allowed here`, offset: pos };
    pos++;
  }
}

/** Where a path led: not found, or a JSON value (objects and arrays are 'object'). */
export type JsonLookup = { found: false } | { found: true; value: null | boolean | number | string } | { found: true; object: true };

/** Reads `segments` from a parsed JSON value the way Json.NET's SelectTokens does for these simple paths. */
export function lookupJsonPath(root: unknown, segments: PathSegment[]): JsonLookup {
  let current: unknown = root;
  for (const segment of segments) {
    if (!isPlainObject(current) || !Object.hasOwn(current, segment.name)) return { found: false };
    current = current[segment.name];
    if (segment.index !== undefined) {
      if (!Array.isArray(current) || segment.index >= current.length) return { found: false };
      current = current[segment.index];
    }
  }
  // Json.NET reads ISO-8601 and /Date(…)/ strings as dates, which edgeHub's queries treat like objects.
  if (typeof current === 'string' && looksLikeJsonNetDate(current)) return { found: true, object: true };
  if (current === null || typeof current === 'boolean' || typeof current === 'number' || typeof current === 'string') {
    return { found: true, value: current };
  }
  return { found: true, object: true };
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,7})?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;
const MS_DATE = /^\/Date\(-?\d+(?:[+-]\d{4})?\)\/$/;

/** Json.NET's default date detection when parsing a body: 19–40 characters, a digit first and 'T' at index 10. */
export function looksLikeJsonNetDate(text: string): boolean {
  if (MS_DATE.test(text)) return true;
  if (text.length < 19 || text.length > 40) return false;
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The paths twin_change_includes accepts must start with one of these. */
export const TWIN_CHANGE_PREFIXES = ['properties.reported.', 'properties.desired.', 'tags.'] as const;

/** Checks a twin_change_includes argument as edgeHub does: a valid JsonPath, then a known prefix (any case). */
export function checkTwinChangePath(path: string): { ok: true } | { ok: false; reason: string } {
  const parsed = parseJsonPath(path);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  const lower = path.toLowerCase();
  if (!TWIN_CHANGE_PREFIXES.some((prefix) => lower.startsWith(prefix))) {
    return { ok: false, reason: `the path must start with ${TWIN_CHANGE_PREFIXES.map((p) => `'${p}'`).join(', ')}` };
  }
  return { ok: true };
}
