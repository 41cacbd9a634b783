// Reads an output folder back into memory (emit stage), for `compile --check` and the golden tests:
// relative path (forward slashes) → bytes and executable bit. Symbolic links are reported, never followed.
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface TreeEntry {
  content: Uint8Array;
  executable: boolean;
  /** True for a symbolic link, which edgeml never writes; its content is empty. */
  symlink?: boolean;
}

/** All files under `root`, keyed by relative path; an empty map when `root` does not exist. */
export async function readTree(root: string): Promise<Map<string, TreeEntry>> {
  const tree = new Map<string, TreeEntry>();
  async function walk(dir: string, prefix: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && prefix === '') return;
      throw error;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = join(dir, entry.name);
      const rel = prefix + entry.name;
      if (entry.isSymbolicLink()) tree.set(rel, { content: new Uint8Array(), executable: false, symlink: true });
      else if (entry.isDirectory()) await walk(full, rel + '/');
      else if (entry.isFile()) {
        const stats = await lstat(full);
        tree.set(rel, { content: await readFile(full), executable: (stats.mode & 0o111) !== 0 });
      }
    }
  }
  await walk(root, '');
  return tree;
}
