// Resolve stage: applies `--set path=value` overrides from the command line to the loaded spec data.
// Values are read as YAML scalars or flow collections, so --set target.runtime=1.6 and --set x.ports=[80] work.
import { parse } from 'yaml';
import { readMessages } from '../diagnostics/codes/read.js';
import { bindMessages, type Reporter } from '../diagnostics/report.js';

const MAX_SET_LENGTH = 4096;

export function applySetOverrides(value: unknown, sets: readonly string[], reporter: Reporter): unknown {
  const m = bindMessages(reporter, 'read', readMessages);
  const root = (value && typeof value === 'object' ? value : Object.create(null)) as Record<string, unknown>;
  for (const arg of sets) {
    const eq = arg.indexOf('=');
    if (eq <= 0) {
      m.badSet({ arg, reason: 'expected path=value' });
      continue;
    }
    if (arg.length > MAX_SET_LENGTH) {
      m.badSet({ arg: arg.slice(0, 40) + '…', reason: `longer than ${MAX_SET_LENGTH} characters` });
      continue;
    }
    const path = arg.slice(0, eq).split('.');
    if (path.some((segment) => segment === '' || segment === '__proto__')) {
      m.badSet({ arg, reason: 'the path has an empty or forbidden segment' });
      continue;
    }
    let parsed: unknown;
    try {
      parsed = parse(arg.slice(eq + 1), { maxAliasCount: 0, strict: true });
    } catch {
      parsed = arg.slice(eq + 1);
    }
    let node: Record<string, unknown> | unknown[] = root;
    let ok = true;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i];
      const next: unknown = Array.isArray(node) ? node[Number(key)] : node[key];
      if (next === undefined || next === null) {
        const created = Object.create(null) as Record<string, unknown>;
        if (Array.isArray(node)) node[Number(key)] = created;
        else node[key] = created;
        node = created;
      } else if (typeof next === 'object') node = next as Record<string, unknown>;
      else {
        m.badSet({ arg, reason: `'${path.slice(0, i + 1).join('.')}' is not a map or list` });
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    const last = path[path.length - 1];
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(last)) {
        m.badSet({ arg, reason: `'${path.slice(0, -1).join('.')}' is a list: use a number as the last segment` });
        continue;
      }
      node[Number(last)] = parsed;
    } else node[last] = parsed;
  }
  return root;
}
