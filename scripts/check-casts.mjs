// Lint step: `as never` and `as unknown as` silence the type checker entirely, so each one in src/ must carry a
// reason on the line above (`// cast: …`). Prints every unexplained cast at file:line and exits 1 if there is one.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const CAST = /\bas never\b|\bas unknown as\b/;
const REASON = /^\s*\/\/ cast: \S/;

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

/** Unexplained casts in `root`/src as `file:line: text`. */
export function findUnexplainedCasts(root = process.cwd()) {
  const found = [];
  for (const file of sourceFiles(join(root, 'src'))) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, index) => {
      // Only code: a cast named inside a string or comment is not one.
      const code = line.replace(/'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`|"(?:[^"\\]|\\.)*"|\/\/.*$/g, '');
      if (CAST.test(code) && !REASON.test(lines[index - 1] ?? '')) found.push(`${relative(root, file)}:${index + 1}: ${line.trim()}`);
    });
  }
  return found;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = findUnexplainedCasts();
  for (const line of found)
    console.error(
      `${line}\n  a cast that hides type errors needs a '// cast: <reason>' line above it, or a type that makes it unnecessary`,
    );
  if (found.length > 0) process.exitCode = 1;
  else console.log('check-casts: every `as never` / `as unknown as` in src/ has a reason');
}
