// Deterministic JSON text for every rendered artifact (render stage): object keys sorted by code unit, arrays kept
// in order, LF line ends. Two compiles of the same spec must give the same bytes, whatever order the IR was built in.

/** Returns a copy of `value` with object keys sorted recursively; `undefined` members are dropped, as JSON does. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortKeysDeep(item)));
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(compareKeys)) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) sorted[key] = sortKeysDeep(member);
    }
    return sorted;
  }
  return value;
}

/** Code-unit order, not localeCompare: locale-dependent sorting would make output depend on the machine. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Pretty JSON (2-space indent) with sorted keys and a final newline: the form of every .json file edgeml writes. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value), null, 2) + '\n';
}

/** Minified JSON with sorted keys and no newline: used for createOptions strings and content hashes. */
export function stableJsonMinified(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
}
