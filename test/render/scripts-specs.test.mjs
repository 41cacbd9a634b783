// The step scripts of every example spec (specs/*.yaml, compiled in memory): they parse, pass shellcheck (skipped
// without it), and lib.sh holds exactly the values the spec gave, so the fixtures in scripts.test.mjs stay honest about real workflows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileInMemory } from '../../dist/cli/commands/compile.js';
import { requires } from '../helpers/requires.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const specs = readdirSync(join(root, 'specs'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const temps = [];
const withShellcheck = requires(test, 'shellcheck');

/** Compiles `spec` in memory and writes its scripts to a temp folder (once per spec); returns what the tests need. */
const compiledScripts = new Map();
function scriptsOf(spec) {
  if (!compiledScripts.has(spec)) {
    compiledScripts.set(
      spec,
      (async () => {
        const compiled = await compileInMemory(`specs/${spec}`, { cwd: root, env: { REGISTRY_ADDRESS: 'localhost:5000' } });
        assert.ok(compiled.files.length > 0, compiled.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
        const dir = mkdtempSync(join(tmpdir(), 'edgeml-spec-scripts-'));
        temps.push(dir);
        const scripts = compiled.files.filter((f) => f.path.startsWith('scripts/') && f.path.endsWith('.sh'));
        for (const f of scripts) {
          mkdirSync(dirname(join(dir, f.path)), { recursive: true });
          writeFileSync(join(dir, f.path), f.content);
        }
        return { ir: compiled.ir, dir, names: scripts.map((f) => f.path.slice('scripts/'.length)) };
      })(),
    );
  }
  return compiledScripts.get(spec);
}

for (const spec of specs) {
  test(`${spec}: scripts parse and carry the spec's values`, async () => {
    const { ir, dir, names } = await scriptsOf(spec);
    assert.is(names.length, 7);
    for (const name of names) {
      const parse = spawnSync('bash', ['-n', join(dir, 'scripts', name)], { encoding: 'utf8' });
      assert.is(parse.status, 0, `${name} parses: ${parse.stderr}`);
    }
    const probe = spawnSync(
      'bash',
      ['-c', 'source "$1"; printf "%s\\n" "$RESOURCE_GROUP" "$IOT_HUB" "$REGISTRY_ADDRESS"', 'probe', join(dir, 'scripts/lib.sh')],
      { encoding: 'utf8' },
    );
    assert.equal(probe.stdout.trim().split('\n'), [ir.azure.resourceGroup, ir.azure.iotHub.name, ir.azure.registry.address]);
  });

  withShellcheck(`${spec}: scripts pass shellcheck`, async () => {
    const { dir, names } = await scriptsOf(spec);
    const lint = spawnSync('shellcheck', ['-x', '--severity=style', ...names], { cwd: join(dir, 'scripts'), encoding: 'utf8' });
    assert.is(lint.status, 0, lint.stdout + lint.stderr);
  });
}

test.after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

test.run();
