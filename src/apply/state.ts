// The apply state file: what edgeml created for one workflow (so destroy removes exactly that), image digests and
// the last applied content hash. Versioned JSON at .edgeml/state/<name>.json next to the spec, validated on every
// read (older formats are migrated), written atomically (temp file, fsync, rename, fsync of the folder) with a
// serial that grows by one per write. Never holds secrets. Apply stage.
import { readFileSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../emit/write-file-atomic.js';
import { parseDocument, type Document } from 'yaml';
import { validateStateData, type StateProblem } from './state-schema.js';

/** The format this edgeml writes. Version 1 (no serial) is still read and migrated. */
export const stateFormatVersion = 2;
const readableVersions = new Set([1, 2]);

/** An Azure resource apply made sure of. `created` is true only when edgeml created it. */
export interface ResourceRecord {
  name: string;
  id?: string;
  created: boolean;
  /**
   * Set just before edgeml asks Azure to create the resource and cleared after: when an apply is killed in
   * between, the next run knows a resource it finds was created by edgeml.
   */
  creating?: boolean;
}

export interface ImageRecord {
  ref: string;
  /** Registry digest (sha256:…) of the pushed image. */
  digest: string;
  /** Hash of the build context and platform the image was built from; an equal hash skips the rebuild. */
  contextHash: string;
}

export interface ApplyState {
  version: typeof stateFormatVersion;
  /** Grows by one with every write: a saved plan records it, and apply refuses the plan if it moved. */
  serial: number;
  workflow: string;
  subscription?: string;
  resourceGroup?: ResourceRecord;
  iotHub?: ResourceRecord;
  registry?: ResourceRecord;
  device?: ResourceRecord;
  /** Fleet configurations edgeml created that may still exist. */
  configurations: string[];
  /**
   * The modules edgeml deployed to a device it did not create (an existing device, e.g. one shared with other workloads): destroy
   * removes them again, unless the device's deployment has changed since.
   */
  deviceModules?: { device: string; modules: string[] };
  images: Record<string, ImageRecord>;
  lastAppliedContentHash?: string;
  updatedAt?: string;
}

export function emptyState(workflow: string): ApplyState {
  return { version: stateFormatVersion, serial: 0, workflow, configurations: [], images: {} };
}

/** `.edgeml/state/<workflow>.json` in the spec's folder, unless --state names a file. */
export function statePath(specFile: string, workflow: string, override?: string, cwd = process.cwd()): string {
  if (override) return resolve(cwd, override);
  return join(dirname(resolve(cwd, specFile)), '.edgeml', 'state', `${workflow}.json`);
}

/**
 * A state file edgeml cannot use. `start`/`length` locate the problem in `text` (when there is text), so it is
 * reported at file:line:column with a code frame.
 */
export class StateError extends Error {
  constructor(
    readonly kind: 'unreadable' | 'version' | 'invalid',
    readonly file: string,
    readonly detail: string,
    readonly location: { text?: string; start?: number; length?: number } = {},
  ) {
    super(`${file}: ${detail}`);
  }
}

/** Reads the state; a missing file is an empty state. Throws StateError for any file it cannot trust. */
export function readState(file: string, workflow: string): ApplyState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return emptyState(workflow);
    const reason = code === 'EISDIR' ? 'it is a folder, not a file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new StateError('unreadable', file, reason);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const { start, reason } = jsonErrorAt(text, error as Error);
    throw new StateError('unreadable', file, `it is not valid JSON (${reason}); it may have been cut short`, { text, start, length: 1 });
  }
  const version = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as { version?: unknown }).version : undefined;
  if (typeof version === 'number' && !readableVersions.has(version)) {
    throw new StateError('version', file, String(version), { text, ...locateJsonPath(text, ['version']) });
  }
  const problem: StateProblem | undefined = validateStateData(data);
  if (problem)
    throw new StateError('invalid', file, `'${problem.path.join('.') || '(top level)'}' ${problem.expected}`, {
      text,
      ...locateJsonPath(text, problem.path),
    });
  return migrateState(data as StoredState, workflow);
}

/** What any readable version holds; `serial` came with version 2. */
type StoredState = Omit<ApplyState, 'version' | 'serial'> & { version: 1 | 2; serial?: number };

function migrateState(data: StoredState, workflow: string): ApplyState {
  const { version: _version, serial, ...rest } = data;
  return { ...emptyState(workflow), ...rest, version: stateFormatVersion, serial: serial ?? 0 };
}

/** Writes the state (serial + 1) atomically: a crash leaves either the old or the new file, never a torn one. */
export function writeState(file: string, state: ApplyState, now: Date = new Date()): void {
  state.serial += 1;
  writeFileAtomic(file, JSON.stringify({ ...state, updatedAt: now.toISOString() }, null, 2) + '\n', 0o600);
}

export function deleteState(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * The record after an ensure call: once edgeml created a resource it stays "created" (a later apply finds it
 * existing), and a create interrupted after Azure accepted it counts as edgeml's too.
 */
export function recordResource(
  previous: ResourceRecord | undefined,
  info: { name: string; id?: string; created: boolean },
): ResourceRecord {
  const samePrevious = previous?.name === info.name ? previous : undefined;
  const created = info.created || samePrevious?.created === true || samePrevious?.creating === true;
  const record: ResourceRecord = { name: info.name, created };
  if (info.id) record.id = info.id;
  return record;
}

/** True when the state records anything destroy would delete. */
export function hasCreatedResources(state: ApplyState): boolean {
  return (
    state.configurations.length > 0 ||
    [state.resourceGroup, state.iotHub, state.registry, state.device].some((r) => r?.created === true || r?.creating === true)
  );
}

/** Where JSON.parse stopped: Node names a position for a bad token; a file cut short ends at its last byte. */
function jsonErrorAt(text: string, error: Error): { start: number; reason: string } {
  const position = /at position (\d+)/.exec(error.message);
  const reason = error.message.replace(/ in JSON at position \d+.*$/, '').replace(/^Unexpected end of JSON input$/, 'the text ends early');
  return { start: position ? Math.min(Number(position[1]), Math.max(0, text.length - 1)) : Math.max(0, text.trimEnd().length - 1), reason };
}

/** The offset and length of the value at `path` in JSON `text` (the nearest existing ancestor; the whole text at worst). */
function locateJsonPath(text: string, path: readonly (string | number)[]): { start?: number; length?: number } {
  // JSON is YAML 1.2, so the yaml parser gives every node its source range.
  const doc = parseJsonDocument(text);
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc?.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return { start: node.range[0], length: Math.max(1, node.range[1] - node.range[0]) };
  }
  return {};
}

function parseJsonDocument(text: string): Document | undefined {
  try {
    return parseDocument(text);
  } catch {
    return undefined;
  }
}
