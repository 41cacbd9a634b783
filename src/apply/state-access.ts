// How commands open the state: read and validate it, turning every problem into a located diagnostic (the file's
// text comes back as a source, for the code frame), and take the state lock for the runs that write it. Apply stage.
import type { Diagnostic } from '../diagnostics/types.js';
import { applyDiagnostic } from './errors.js';
import { acquireStateLock, type LockOwner, type StateLock } from './state-lock.js';
import { StateError, readState, type ApplyState } from './state.js';

export interface LoadedState {
  state?: ApplyState;
  diagnostic?: Diagnostic;
  /** The state file's text by file name, when the diagnostic points into it. */
  sources: Map<string, string>;
}

/** Reads the state file, turning a bad one into a diagnostic at the place in the file that is wrong. */
export function loadState(file: string, workflow: string): LoadedState {
  try {
    return { state: readState(file, workflow), sources: new Map() };
  } catch (error) {
    if (!(error instanceof StateError)) throw error;
    const base =
      error.kind === 'version'
        ? applyDiagnostic('stateVersion', { file: error.file, version: error.detail })
        : error.kind === 'invalid'
          ? applyDiagnostic('stateInvalid', { file: error.file, reason: error.detail })
          : applyDiagnostic('stateUnreadable', { file: error.file, reason: error.detail });
    const { text, start, length } = error.location;
    const sources = new Map<string, string>();
    if (text === undefined || start === undefined) return { diagnostic: { ...base, file: error.file }, sources };
    sources.set(error.file, text);
    return { diagnostic: { ...base, file: error.file, start, length: length ?? 1 }, sources };
  }
}

export function describeLockOwner(owner: LockOwner | undefined): string {
  if (!owner) return 'its lock file cannot be read';
  return `'edgeml ${owner.command}' by ${owner.user} on ${owner.host} (pid ${owner.pid}), started ${owner.startedAt}`;
}

/**
 * Takes the state lock for `command`. On success the caller must release it when done; a lock taken over from a
 * dead run comes back as a warning to show.
 */
export function lockState(file: string, command: string): { lock?: StateLock; diagnostics: Diagnostic[] } {
  const result = acquireStateLock(file, command);
  if ('heldBy' in result)
    return { diagnostics: [applyDiagnostic('stateLocked', { file, holder: describeLockOwner(result.heldBy), lockFile: result.file })] };
  const warnings = result.replaced ? [applyDiagnostic('staleLockReplaced', { holder: describeLockOwner(result.replaced) })] : [];
  return { lock: result.lock, diagnostics: warnings };
}
