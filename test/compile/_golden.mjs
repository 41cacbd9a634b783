// Shared by the golden tests and `npm run accept`: which specs are examples, the fixed environment they compile in
// (canary values for every ${env:NAME} they mention), and compiling one spec in memory.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileInMemory } from '../../dist/cli/commands/compile.js';
import { formatDiagnostics } from '../../dist/diagnostics/render.js';

export const root = fileURLToPath(new URL('../../', import.meta.url));

/** Example specs, relative to the repository root: every specs/*.yaml. */
export function exampleSpecs() {
  return readdirSync(join(root, 'specs'))
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
    .sort()
    .map((name) => `specs/${name}`);
}

/** A recognisable value per variable: it must never show up in output where the spec holds it as a secret. */
export function canaryValue(name) {
  return `canary-${name.toLowerCase()}-9f27c1`;
}

/**
 * The environment golden output is compiled in, so it never depends on the machine: each variable the spec
 * references without a default is set to its canary; variables with a default (`${env:X:-value}`) stay unset.
 */
export function goldenEnv(specPath) {
  const text = readFileSync(join(root, specPath), 'utf8');
  const env = {};
  for (const match of text.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g)) env[match[1]] = canaryValue(match[1]);
  return env;
}

export async function compileGolden(specPath, env = goldenEnv(specPath)) {
  return compileInMemory(specPath, { env, cwd: root });
}

/** Diagnostics as plain text, for failure messages. */
export function describeDiagnostics(compiled) {
  return formatDiagnostics(compiled.diagnostics, compiled.sources);
}

/** Every secret reference in the IR (objects { kind: 'secret', env }), found by walking it. */
export function secretNames(ir) {
  const names = new Set();
  const walk = (value) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      if (value.kind === 'secret' && typeof value.env === 'string') names.add(value.env);
      Object.values(value).forEach(walk);
    }
  };
  walk(ir);
  return [...names].sort();
}
