// edgeml's install folder (package.json, schemas/, dist/runtime/). Found by walking up from this module, because the
// module runs from two places: dist/package-root.js, and the single-file CLI bundle dist/edgeml.cjs.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function isEdgemlPackage(dir: string): boolean {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'edgeml';
  } catch {
    return false;
  }
}

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (isEdgemlPackage(dir)) return dir;
    if (dirname(dir) === dir) throw new Error(`edgeml's package.json was not found above ${start}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside edgeml's install folder, e.g. packagePath('schemas', 'edgeml.schema.json'). */
export function packagePath(...segments: string[]): string {
  return join(PACKAGE_ROOT, ...segments);
}
