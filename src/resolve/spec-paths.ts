// Which paths a spec may name: relative to the spec's folder and never leaving it (shared by the resolve stage, which
// reads them, and the model-decoder-task check, which reports the unsafe ones).

/** True for a relative path without '..' segments, NUL characters or a drive letter. */
export function isSafeRelative(path: string): boolean {
  if (!path || path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.includes('\0')) return false;
  return !path.split('/').some((segment) => segment === '..');
}
