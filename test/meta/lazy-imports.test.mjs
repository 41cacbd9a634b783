// Start-up stays fast: nothing reachable by static imports from the CLI entry loads a heavy dependency.
// Commands, onnxruntime, sharp, the Azure SDKs and dockerode are reached only through `await import()`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

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

test('the executable only imports the compiled CLI', () => {
  const imports = staticImports(join(process.cwd(), 'bin', 'edgeml.js'));
  assert.equal(imports.sort(), ['../dist/cli/io.js', '../dist/cli/main.js']);
});

test.run();
