// Load stage: reads a spec file and parses it with the `yaml` library, keeping source positions.
// Hostile input (huge files, invalid UTF-8, alias bombs, deep nesting, __proto__ keys, tags) ends in diagnostics.
import { readFileSync, statSync } from 'node:fs';
import { type Alias, type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import { readMessages } from '../diagnostics/codes/read.js';
import { bindMessages, Reporter, type At } from '../diagnostics/report.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { SpecPath, Span } from '../ir/types.js';

export const MAX_SPEC_BYTES = 1024 * 1024;
export const MAX_DEPTH = 64;
export const MAX_VALUES = 100_000;
const FORBIDDEN_KEYS = new Set(['__proto__']);
/** The YAML 1.2 core schema's tags: anything else (e.g. !!js/function, !custom) is refused. */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'seq', 'map'].map((t) => `tag:yaml.org,2002:${t}`));

export interface SpecDocument {
  file: string;
  text: string;
  doc: Document;
  /** The spec as plain JSON-like data (objects have no prototype chain to pollute). */
  value: unknown;
  /** Source span of the value (or, with `key: true`, of the key) at `path`; falls back to the nearest ancestor. */
  locate(path: SpecPath, options?: { key?: boolean }): Span;
}

export interface LoadResult {
  spec?: SpecDocument;
  text?: string;
  diagnostics: Diagnostic[];
}

/** Reads and parses `file`. `displayName` is how the file is named in diagnostics. */
export function loadSpecFile(file: string, displayName = file): LoadResult {
  const reporter = new Reporter(displayName);
  const m = bindMessages(reporter, 'read', readMessages);
  let bytes: Buffer;
  try {
    const size = statSync(file).size;
    if (size > MAX_SPEC_BYTES) {
      m.fileTooLarge({ size, limit: MAX_SPEC_BYTES });
      return { diagnostics: reporter.diagnostics };
    }
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') m.fileNotFound({ path: displayName });
    else
      m.fileUnreadable({
        path: displayName,
        reason: code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : String(code ?? error),
      });
    return { diagnostics: reporter.diagnostics };
  }
  return parseSpecText(bytes, displayName);
}

/** Parses spec bytes (or text). Exposed for tests and for `--set` documents. */
export function parseSpecText(input: Uint8Array | string, file: string): LoadResult {
  const reporter = new Reporter(file);
  const m = bindMessages(reporter, 'read', readMessages);
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    if (input.length > MAX_SPEC_BYTES) {
      m.fileTooLarge({ size: input.length, limit: MAX_SPEC_BYTES });
      return { diagnostics: reporter.diagnostics };
    }
    const bad = findInvalidUtf8(input);
    if (bad !== -1) {
      const prefix = new TextDecoder().decode(input.subarray(0, bad));
      m.invalidUtf8({ byte: '0x' + input[bad].toString(16).padStart(2, '0') }, { start: prefix.length, length: 1 });
      return { text: prefix, diagnostics: reporter.diagnostics };
    }
    text = new TextDecoder().decode(input);
  }
  if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1); // keep offsets stable: BOM becomes a space

  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
    merge: false,
    keepSourceTokens: false,
  });
  const documents = Array.isArray(docs) ? docs : [];
  if (documents.length === 0) {
    m.emptySpec(undefined, { start: 0, length: 0 });
    return { text, diagnostics: reporter.diagnostics };
  }
  if (documents.length > 1) m.multipleDocuments(undefined, { start: documents[1].range[0], length: 1 });
  const doc = documents[0];
  for (const error of doc.errors)
    reportYamlError(m, error.code, error.message, { start: error.pos[0], length: Math.max(1, error.pos[1] - error.pos[0]) });
  for (const warning of doc.warnings)
    m.yamlWarning({ message: firstLine(warning.message) }, { start: warning.pos[0], length: Math.max(1, warning.pos[1] - warning.pos[0]) });
  if (reporter.errorCount > 0) return { text, diagnostics: reporter.diagnostics };
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    m.emptySpec(undefined, { start: 0, length: 0 });
    return { text, diagnostics: reporter.diagnostics };
  }

  const converter = new Converter(doc, m);
  const value = converter.convert(doc.contents as Node, 0);
  if (reporter.errorCount > 0) return { text, diagnostics: reporter.diagnostics };
  const spec: SpecDocument = { file, text, doc, value, locate: (path, options) => locateInDocument(doc, file, path, options) };
  return { spec, text, diagnostics: reporter.diagnostics };
}

type ReadMessages = ReturnType<typeof bindMessages<typeof readMessages>>;

function reportYamlError(m: ReadMessages, code: string, message: string, at: At): void {
  switch (code) {
    case 'DUPLICATE_KEY':
      m.duplicateKey({ key: /"([^"]*)"|'([^']*)'/.exec(message)?.slice(1).find(Boolean) ?? keyFromMessage(message) }, at);
      return;
    case 'TAB_AS_INDENT':
      m.tabIndent(undefined, at);
      return;
    case 'RESOURCE_EXHAUSTION':
      m.tooDeep({ limit: MAX_DEPTH }, at);
      return;
    default:
      m.yamlSyntax({ message: firstLine(message) }, at);
  }
}

function keyFromMessage(message: string): string {
  return /key (\S+)/.exec(message)?.[1] ?? '?';
}

function firstLine(message: string): string {
  const line = message
    .split('\n')[0]
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim();
  return /[.!?]$/.test(line) ? line : line + '.';
}

/** Converts YAML nodes to plain data with bounded depth and size; aliases count every value they repeat. */
class Converter {
  private produced = 0;
  private failed = false;

  constructor(
    private readonly doc: Document,
    private readonly m: ReadMessages,
  ) {}

  convert(node: Node | null | undefined, depth: number): unknown {
    if (this.failed || node === null || node === undefined) return null;
    if (++this.produced > MAX_VALUES) return this.fail(() => this.m.tooManyValues({ limit: MAX_VALUES }, rangeOf(node)));
    if (depth > MAX_DEPTH) return this.fail(() => this.m.tooDeep({ limit: MAX_DEPTH }, rangeOf(node)));
    if (isAlias(node)) return this.convert((node as Alias).resolve(this.doc) as Node | undefined, depth + 1);
    if (node.tag && !CORE_TAGS.has(node.tag)) {
      this.m.badTag({ tag: node.tag }, rangeOf(node));
      return null;
    }
    if (isScalar(node)) return node.value;
    if (isSeq(node)) return node.items.map((item) => this.convert(item as Node, depth + 1));
    if (isMap(node)) {
      const result: Record<string, unknown> = Object.create(null);
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        let key: string;
        if (
          isScalar(keyNode) &&
          (typeof keyNode.value === 'string' || typeof keyNode.value === 'number' || typeof keyNode.value === 'boolean')
        )
          key = String(keyNode.value);
        else {
          this.m.nonStringKey(
            { kind: isMap(keyNode) ? 'maps' : isSeq(keyNode) ? 'lists' : 'this value' },
            keyNode ? rangeOf(keyNode) : rangeOf(node),
          );
          continue;
        }
        if (FORBIDDEN_KEYS.has(key)) {
          this.m.forbiddenKey({ key }, rangeOf(keyNode));
          continue;
        }
        result[key] = this.convert(pair.value as Node, depth + 1);
      }
      return result;
    }
    return null;
  }

  private fail(report: () => unknown): null {
    if (!this.failed) report();
    this.failed = true;
    return null;
  }
}

function rangeOf(node: Node): At {
  const range = node.range ?? [0, 0, 0];
  return { start: range[0], length: Math.max(1, range[1] - range[0]) };
}

/** Finds the node at `path` (through aliases) and returns its span, or the nearest ancestor's. */
export function locateInDocument(doc: Document, file: string, path: SpecPath, options: { key?: boolean } = {}): Span {
  let node: Node | null | undefined = doc.contents as Node;
  let keyNode: Node | undefined;
  let last: Node | undefined = node ?? undefined;
  let lastKey: Node | undefined;
  let complete = true;
  for (const segment of path) {
    while (node && isAlias(node)) node = (node as Alias).resolve(doc) as Node | undefined;
    if (!node) break;
    let next: Node | undefined;
    keyNode = undefined;
    if (isMap(node)) {
      const items = node.items as { key: unknown; value: unknown }[];
      const pair = items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair) {
        keyNode = pair.key as Node;
        next = (pair.value as Node | null) ?? keyNode;
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment] as Node | undefined;
    }
    if (!next) {
      complete = false;
      break;
    }
    node = next;
    last = next;
    lastKey = keyNode;
  }
  // A path that is not in the document (a default the user did not write) points at the key of its parent.
  const keyTarget = complete ? keyNode : lastKey;
  const target = (options.key || !complete) && keyTarget ? keyTarget : last;
  const range = target?.range ?? [0, 0, 0];
  return { file, start: range[0], length: Math.max(1, range[1] - range[0]) };
}

/** Index of the first byte that is not part of a valid UTF-8 sequence, or -1. */
export function findInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need = 0;
    let min = 0;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= bytes.length) return i; // truncated sequence at the end
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}
