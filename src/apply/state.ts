// The apply state file: what edgeml created for one workflow (so destroy removes exactly that), image digests and
// the last applied content hash. Versioned JSON at .edgeml/state/<name>.json next to the spec, written atomically
// (temp file, fsync, rename, fsync of the folder). Never holds secrets. Apply stage.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export const stateFormatVersion = 1;

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
  return { version: stateFormatVersion, workflow, configurations: [], images: {} };
}

/** `.edgeml/state/<workflow>.json` in the spec's folder, unless --state names a file. */
export function statePath(specFile: string, workflow: string, override?: string, cwd = process.cwd()): string {
  if (override) return resolve(cwd, override);
  return join(dirname(resolve(cwd, specFile)), '.edgeml', 'state', `${workflow}.json`);
}

export class StateError extends Error {
  constructor(
    readonly kind: 'unreadable' | 'version',
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/** Reads the state; a missing file is an empty state. Throws StateError for a corrupt or unknown-version file. */
export function readState(file: string, workflow: string): ApplyState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState(workflow);
    throw new StateError('unreadable', file, (error as Error).message);
  }
  let data: Partial<ApplyState>;
  try {
    data = JSON.parse(text) as Partial<ApplyState>;
  } catch (error) {
    throw new StateError('unreadable', file, `not JSON (${(error as Error).message})`);
  }
  if (data.version !== stateFormatVersion) throw new StateError('version', file, String(data.version));
  return { ...emptyState(workflow), ...data, configurations: data.configurations ?? [], images: data.images ?? {} } as ApplyState;
}

/** Writes the state so a crash leaves either the old or the new file, never a torn one. */
export function writeState(file: string, state: ApplyState, now: Date = new Date()): void {
  const folder = dirname(file);
  mkdirSync(folder, { recursive: true });
  const temp = join(folder, `.${basename(file)}.${process.pid}.tmp`);
  const text = JSON.stringify({ ...state, updatedAt: now.toISOString() }, null, 2) + '\n';
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  try {
    const dirFd = openSync(folder, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Some file systems cannot fsync a folder; the rename itself is still atomic.
  }
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
export function recordResource(previous: ResourceRecord | undefined, info: { name: string; id?: string; created: boolean }): ResourceRecord {
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
