// The device twin tags a fleet's target condition selects (render stage, scripts): step 1 prints them as the
// `az iot hub device-twin update --tags` example, so a device tagged as shown is one the deployment reaches.
// Reads only conjunctions of `tags.<path> = <literal>` (IoT Hub query syntax: strings in single quotes, '' for a
// quote); anything else (OR, NOT, comparisons, properties) gives no example rather than a wrong one.

type TagValue = string | number | boolean;

const TERM = /^tags\.([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\s*=\s*(?:'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?)|(true|false))$/;

/** Splits on AND outside quotes; undefined when the condition uses OR/NOT or parentheses. */
function conjuncts(condition: string): string[] | undefined {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < condition.length; i++) {
    const c = condition[i]!;
    if (c === "'") {
      const end = condition.indexOf("'", i + 1);
      let j = end;
      while (j >= 0 && condition[j + 1] === "'") j = condition.indexOf("'", j + 2);
      if (j < 0) return undefined;
      current += condition.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === '(' || c === ')') return undefined;
    const rest = condition.slice(i);
    const keyword = /^\s+(AND|OR|NOT)\s+/i.exec(rest) ?? (i === 0 ? /^(NOT)\s+/i.exec(rest) : null);
    if (keyword) {
      if (keyword[1]!.toUpperCase() !== 'AND') return undefined;
      parts.push(current.trim());
      current = '';
      i += keyword[0].length - 1;
      continue;
    }
    current += c;
  }
  parts.push(current.trim());
  return parts;
}

/** The tags object a device twin needs to match `condition`, or undefined when the condition is not simple tags. */
export function tagsForCondition(condition: string): Record<string, unknown> | undefined {
  const terms = conjuncts(condition.trim());
  if (!terms || terms.length === 0) return undefined;
  const tags: Record<string, unknown> = Object.create(null);
  for (const term of terms) {
    const match = TERM.exec(term);
    if (!match) return undefined;
    const [, path, quoted, number, bool] = match;
    const value: TagValue = quoted !== undefined ? quoted.replace(/''/g, "'") : number !== undefined ? Number(number) : bool === 'true';
    const keys = path!.split('.');
    let node = tags;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      if (next !== undefined && (typeof next !== 'object' || next === null)) return undefined;
      node = (node[key] ??= Object.create(null)) as Record<string, unknown>;
    }
    const last = keys[keys.length - 1]!;
    if (node[last] !== undefined && node[last] !== value) return undefined; // tags.a='x' AND tags.a='y': nothing matches
    node[last] = value;
  }
  return tags;
}
