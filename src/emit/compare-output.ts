// Compares rendered files with an output folder on disk (emit stage): paths, bytes and the executable bit.
// Used by `compile --check` and the golden tests, so both report differences the same way.
import type { RenderedFile } from '../render/types.js';
import type { TreeEntry } from './read-tree.js';

export type OutputDifference =
  | { kind: 'missing'; path: string }
  | { kind: 'extra'; path: string }
  | { kind: 'changed'; path: string }
  | { kind: 'mode'; path: string; expectedExecutable: boolean };

export function contentBytes(content: RenderedFile['content']): Uint8Array {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
}

export function isExecutableMode(mode: number | undefined): boolean {
  return ((mode ?? 0o644) & 0o111) !== 0;
}

/**
 * Differences between what should be there (`expected`) and what is (`actual`), sorted by path. Files listed in
 * `ignoreExtra` (state that tools write into the output at run time) are not reported when present on disk only.
 */
export function compareOutput(
  expected: readonly RenderedFile[],
  actual: ReadonlyMap<string, TreeEntry>,
  ignoreExtra: readonly string[] = [],
): OutputDifference[] {
  const differences: OutputDifference[] = [];
  const expectedPaths = new Set<string>();
  for (const file of expected) {
    expectedPaths.add(file.path);
    const onDisk = actual.get(file.path);
    if (!onDisk) differences.push({ kind: 'missing', path: file.path });
    else if (onDisk.symlink || !Buffer.from(contentBytes(file.content)).equals(Buffer.from(onDisk.content))) {
      differences.push({ kind: 'changed', path: file.path });
    } else if (isExecutableMode(file.mode) !== onDisk.executable) {
      differences.push({ kind: 'mode', path: file.path, expectedExecutable: isExecutableMode(file.mode) });
    }
  }
  for (const path of actual.keys()) {
    if (!expectedPaths.has(path) && !ignoreExtra.includes(path)) differences.push({ kind: 'extra', path });
  }
  return differences.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** One line per difference, e.g. "changed: deployment.json". */
export function describeDifference(difference: OutputDifference): string {
  switch (difference.kind) {
    case 'missing':
      return `missing: ${difference.path}`;
    case 'extra':
      return `not produced by the spec: ${difference.path}`;
    case 'changed':
      return `changed: ${difference.path}`;
    case 'mode':
      return `${difference.expectedExecutable ? 'should be executable' : 'should not be executable'}: ${difference.path}`;
  }
}
