// Resolve stage: expands ${env:NAME} and ${env:NAME:-default} in every string of the spec.
// Secret fields keep their reference (resolved only at apply time); every missing variable is reported at once.
import { schemaMessages } from '../diagnostics/codes/schema.js';
import { bindMessages, type Reporter } from '../diagnostics/report.js';
import type { SecretRef, SpecPath } from '../ir/types.js';
import type { SpecDocument } from '../parse/load-spec.js';
import { closest } from './suggest.js';

type Sensitivity = 'secret' | 'secret-allowed' | 'plain';

/** Fields holding secrets: 'secret' must be a reference; 'secret-allowed' keeps a lone reference unresolved. */
const SENSITIVE_FIELDS: readonly { path: readonly string[]; sensitivity: Sensitivity }[] = [
  { path: ['azure', 'registry', 'password'], sensitivity: 'secret' },
  { path: ['modules', '*', 'env', '*', 'secret'], sensitivity: 'secret' },
  { path: ['azure', 'registry', 'username'], sensitivity: 'secret-allowed' },
  { path: ['modules', '*', 'source', 'rtsp'], sensitivity: 'secret-allowed' },
];

const REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const ANY_BRACED = /\$\{([^}]*)\}?/g;
const LONE_REFERENCE = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;

export function sensitivityOf(path: SpecPath): Sensitivity {
  for (const field of SENSITIVE_FIELDS) {
    if (field.path.length === path.length && field.path.every((segment, i) => segment === '*' || segment === path[i]))
      return field.sensitivity;
  }
  return 'plain';
}

/** Parses a lone `${env:NAME}` reference into a SecretRef, or undefined. */
export function parseSecretRef(value: unknown): SecretRef | undefined {
  if (typeof value !== 'string') return undefined;
  const match = LONE_REFERENCE.exec(value);
  return match ? { kind: 'secret', env: match[1] } : undefined;
}

export function describePath(path: SpecPath): string {
  return path.length === 0
    ? 'the spec'
    : path
        .map((p) => (typeof p === 'number' ? `[${p}]` : p))
        .join('.')
        .replace(/\.\[/g, '[');
}

/**
 * Returns a copy of `value` with variables expanded. Secret fields keep their `${env:NAME}` text so the schema
 * still sees a string; lowering turns them into SecretRefs.
 */
export function resolveVariables(
  spec: SpecDocument,
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  reporter: Reporter,
): unknown {
  const m = bindMessages(reporter, 'variables', schemaMessages);
  const missing = new Map<string, { start: number; length: number; file: string }[]>();

  const referenceSpan = (path: SpecPath, text: string) => {
    const span = spec.locate(path);
    const raw = spec.text.slice(span.start, span.start + span.length);
    const index = raw.indexOf(text);
    return index >= 0 ? { file: span.file, start: span.start + index, length: text.length } : span;
  };

  const expandString = (text: string, path: SpecPath): unknown => {
    const sensitivity = sensitivityOf(path);
    // Report ${...} forms that are not ${env:...}.
    for (const match of text.matchAll(ANY_BRACED)) {
      const index = match.index ?? 0;
      if (index > 0 && text[index - 1] === '$') continue; // $${ is an escaped literal
      if (!/^env:[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?$/.test(match[1]) || !match[0].endsWith('}')) {
        const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(match[1]) ? match[1] : undefined;
        m.badVariableSyntax(
          { text: match[0], suggestion: name ? `\${env:${name}}` : closest(match[1], ['env:']) },
          referenceSpan(path, match[0]),
        );
      }
    }
    if (sensitivity === 'secret') {
      const lone = LONE_REFERENCE.exec(text);
      const where = describePath(path);
      if (lone) return text;
      const references = [...text.matchAll(REFERENCE)];
      if (references.length === 0) m.literalSecret({ where, example: '${env:' + suggestEnvName(path) + '}' }, spec.locate(path));
      else if (references.some((r) => r[2] !== undefined)) m.secretWithDefault({ where }, spec.locate(path));
      else m.secretMixed({ where }, spec.locate(path));
      return text;
    }
    if (sensitivity === 'secret-allowed' && LONE_REFERENCE.test(text)) return text;

    const whole = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}$/.exec(text);
    let expanded = '';
    let last = 0;
    for (const match of text.matchAll(REFERENCE)) {
      const index = match.index ?? 0;
      if (index > 0 && text[index - 1] === '$') continue;
      const [reference, name, fallback] = match;
      const fromEnv = env[name];
      let replacement: string;
      if (fromEnv !== undefined && fromEnv !== '') replacement = fromEnv;
      else if (fallback !== undefined) replacement = fallback;
      else {
        const spans = missing.get(name) ?? [];
        spans.push(referenceSpan(path, reference));
        missing.set(name, spans);
        replacement = '';
      }
      expanded += text.slice(last, index) + replacement;
      last = index + reference.length;
    }
    expanded += text.slice(last);
    expanded = expanded.replace(/\$\$\{/g, '${');
    // A field that is only a reference takes the type its value reads as (ports, booleans), like YAML would.
    if (whole && expanded !== '') {
      if (/^-?\d+(\.\d+)?$/.test(expanded)) return Number(expanded);
      if (expanded === 'true' || expanded === 'false') return expanded === 'true';
    }
    return expanded;
  };

  const walk = (node: unknown, path: SpecPath): unknown => {
    if (typeof node === 'string') return node.includes('${') || sensitivityOf(path) === 'secret' ? expandString(node, path) : node;
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = Object.create(null);
      for (const [key, child] of Object.entries(node)) out[key] = walk(child, [...path, key]);
      return out;
    }
    if (sensitivityOf(path) === 'secret' && node !== undefined && node !== null) {
      m.literalSecret({ where: describePath(path), example: '${env:' + suggestEnvName(path) + '}' }, spec.locate(path));
    }
    return node;
  };

  const result = walk(value, []);
  if (missing.size > 0) {
    const names = [...missing.keys()].sort();
    const all = names.flatMap((name) => missing.get(name)!.map((span) => ({ ...span, message: `'${name}' is used here.` })));
    m.unresolvedVariables({ names: names.join(', ') }, all[0], all.slice(1));
  }
  return result;
}

function suggestEnvName(path: SpecPath): string {
  const last = [...path].reverse().find((p) => typeof p === 'string' && p !== 'secret');
  if (path[0] === 'azure' && path[1] === 'registry') return 'ACR_PASSWORD';
  return String(last ?? 'SECRET')
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_');
}
