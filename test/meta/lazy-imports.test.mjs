// Start-up stays fast: nothing reachable by static imports from the CLI entry loads a heavy dependency.
// Commands, onnxruntime, sharp, the Azure SDKs and dockerode are reached only through `await import()`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { runBundledCli } from '../helpers/bundled-cli.mjs';

const HEAVY = ['onnxruntime-node', 'sharp', 'dockerode', 'azure-iothub', 'azure-iot-device', 'handlebars', 'busboy'];
const heavy = (specifier) => HEAVY.includes(specifier) || specifier.startsWith('@azure/');

function staticImports(file) {
  const text = readFileSync(file, 'utf8');
  // `import x from '...'` and `export ... from '...'`, not `import('...')`.
  const found = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\s[^;()]*?from\s+['"]([^'"]+)['"]/gm)) found.push(match[1]);
  for (const match of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) found.push(match[1]);
  return found;
}

function reach(entry) {
  const seen = new Set();
  const packages = new Map();
  const stack = [entry];
  while (stack.length) {
    const file = stack.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith('.')) stack.push(resolve(dirname(file), specifier));
      else if (!specifier.startsWith('node:')) packages.set(specifier, file);
    }
  }
  return { files: seen, packages };
}

test('edgeml validate and the CLI table load no heavy dependency statically', () => {
  for (const entry of ['dist/cli/main.js', 'dist/cli/commands/validate.js', 'dist/program.js']) {
    const { packages } = reach(join(process.cwd(), entry));
    const offenders = [...packages.entries()].filter(([specifier]) => heavy(specifier));
    assert.equal(offenders, [], `${entry} reaches ${offenders.map(([s, f]) => `${s} (from ${f})`).join(', ')}`);
  }
});

test('the executable loads the bundled CLI; its code cache is used and a compile loads no heavy dependency', () => {
  assert.match(readFileSync(join(process.cwd(), 'bin', 'edgeml.js'), 'utf8'), /require\('\.\/load-cli\.cjs'\)/);
  const out = mkdtempSync(join(tmpdir(), 'edgeml-lazy-'));
  try {
    // In a fresh process: load the bundle as bin/edgeml.js does, compile an example spec, list the CommonJS modules loaded.
    const { code, cacheUsed, modules } = runBundledCli(process.cwd(), [
      'compile',
      'specs/wf3-custom-vision.yaml',
      '--out',
      join(out, 'wf3'),
    ]);
    assert.is(code, 0);
    assert.ok(cacheUsed, 'dist/edgeml.cjs.cache was made by the build for this Node and accepted by V8');
    const offenders = modules.filter(
      (path) => HEAVY.some((name) => path.includes(`/node_modules/${name}/`)) || path.includes('/node_modules/@azure/'),
    );
    assert.equal(offenders, []);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test.run();
