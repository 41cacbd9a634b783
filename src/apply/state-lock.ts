// An exclusive lock next to the state file (`<state>.lock`), held by apply, destroy and state recover for as long as
// they read and write the state, so two runs on one workflow cannot interleave their Azure calls and state writes.
// The lock names its owner (user, host, pid, command, start time) so the refused run can say who holds it; a lock
// whose process is gone (same host, pid no longer running, e.g. after a kill) is taken over. Apply stage.
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';

export interface LockOwner {
  user: string;
  host: string;
  pid: number;
  command: string;
  startedAt: string;
}

export interface StateLock {
  file: string;
  owner: LockOwner;
  /** Deletes the lock file, if it is still ours. Safe to call twice. */
  release(): void;
}

export type LockResult =
  | { lock: StateLock /** The dead run whose lock was taken over, if any. */; replaced?: LockOwner }
  | { heldBy: LockOwner | undefined; file: string };

export function lockFileFor(statePath: string): string {
  return `${statePath}.lock`;
}

/** True when a process with this pid runs on this machine (EPERM: it runs as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    if (typeof data.pid !== 'number' || typeof data.host !== 'string') return undefined;
    return {
      user: String(data.user ?? '?'),
      host: data.host,
      pid: data.pid,
      command: String(data.command ?? '?'),
      startedAt: String(data.startedAt ?? '?'),
    };
  } catch {
    return undefined;
  }
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? '?');
  }
}

const sameOwner = (a: LockOwner | undefined, b: LockOwner) => a?.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;

/**
 * Moves a dead run's lock out of the way. The lock is renamed (atomic) rather than deleted, so that if another run
 * replaced it in the meantime, the lock moved aside is that live run's, and it is put back (link fails rather than
 * overwrite) instead of being lost. True when the stale lock is gone.
 */
function takeOverStaleLock(file: string, stale: LockOwner): boolean {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(file, aside);
  } catch {
    return true; // another run moved it first; creating the lock decides who wins
  }
  if (sameOwner(readOwner(aside), stale)) {
    unlinkSync(aside);
    return true;
  }
  try {
    linkSync(aside, file);
  } catch {
    // A third run created a lock meanwhile: it holds the lock now, and this run will find it.
  }
  unlinkSync(aside);
  return false;
}

/**
 * Takes the lock for `command` ('apply', 'destroy', 'state recover'), or reports who holds it. Creating the file
 * with O_EXCL is atomic on local file systems, so of two runs racing for it exactly one wins.
 */
export function acquireStateLock(statePath: string, command: string, now: Date = new Date()): LockResult {
  const file = lockFileFor(statePath);
  mkdirSync(dirname(file), { recursive: true });
  const owner: LockOwner = { user: currentUser(), host: hostname(), pid: process.pid, command, startedAt: now.toISOString() };
  let replaced: LockOwner | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readOwner(file);
      // Only a lock from this machine can be proven stale; a lock from another host is always respected.
      if (attempt === 0 && holder && holder.host === owner.host && !isRunning(holder.pid) && takeOverStaleLock(file, holder)) {
        replaced = holder;
        continue;
      }
      return { heldBy: readOwner(file) ?? holder, file };
    }
    try {
      writeSync(fd, JSON.stringify(owner, null, 2) + '\n');
    } finally {
      closeSync(fd);
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const current = readOwner(file);
      if (current && (current.pid !== owner.pid || current.startedAt !== owner.startedAt)) return;
      try {
        unlinkSync(file);
      } catch {
        // Already gone.
      }
    };
    return { lock: { file, owner, release }, ...(replaced ? { replaced } : {}) };
  }
  return { heldBy: readOwner(file), file };
}
