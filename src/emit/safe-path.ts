// Rules for the relative paths renderers produce (emit stage): every file must land inside the output folder, so a
// path is refused if it is absolute, climbs with '..', or could be read differently on another OS.

/** Why `path` may not be written under the output folder, or undefined when it is safe. */
export function getUnsafePathReason(path: string): string | undefined {
  if (path.length === 0) return 'the path is empty';
  if (path.includes('\0')) return 'the path contains a NUL character';
  if (path.includes('\\')) return 'the path contains a backslash; rendered paths use forward slashes';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'the path is absolute';
  const segments = path.split('/');
  if (segments.includes('..')) return "the path contains '..'";
  if (segments.some((s) => s === '' || s === '.')) return "the path has an empty or '.' segment";
  return undefined;
}

/** True when `child` (an absolute, normalized path) is `root` itself or inside it. */
export function isInside(root: string, child: string, sep = '/'): boolean {
  const prefix = root.endsWith(sep) ? root : root + sep;
  return child === root || child.startsWith(prefix);
}
