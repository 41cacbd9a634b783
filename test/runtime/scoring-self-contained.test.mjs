// The scoring runtime is copied into Docker images from dist/runtime/ (scoring/ and shared/): it may import only
// from src/runtime/**, node builtins and onnxruntime-node, sharp, busboy. This test reads every import to enforce it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const runtime = fileURLToPath(new URL('../../src/runtime/', import.meta.url));
const ALLOWED_PACKAGES = new Set(['onnxruntime-node', 'sharp', 'busboy']);

function tsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? tsFiles(full) : name.endsWith('.ts') ? [full] : [];
  });
}

const specifiers = (text) => [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]);

test('scoring and shared runtime files import only runtime files, builtins and the three packages', () => {
  const files = [...tsFiles(join(runtime, 'scoring')), ...tsFiles(join(runtime, 'shared'))];
  assert.ok(files.length > 10, 'found the runtime sources');
  const offenders = [];
  for (const file of files) {
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('node:')) continue;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        const inside = ['scoring', 'shared'].some((folder) => !relative(join(runtime, folder), target).startsWith('..'));
        if (!inside) offenders.push(`${relative(runtime, file)} → ${spec}`);
      } else if (!ALLOWED_PACKAGES.has(spec)) {
        offenders.push(`${relative(runtime, file)} → ${spec}`);
      }
    }
  }
  assert.equal(offenders, []);
});

test('the check catches an import from the compiler', () => {
  assert.equal(specifiers("import type { X } from '../../ir/types.js';\nconst m = await import('yaml');"), ['../../ir/types.js', 'yaml']);
});

test.run();
