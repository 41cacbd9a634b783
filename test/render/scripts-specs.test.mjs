// The step scripts of every example spec (specs/*.yaml, compiled in memory): shellcheck-clean, and lib.sh holds
// exactly the values the spec gave, so the fixtures in scripts.test.mjs stay honest about real workflows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileInMemory } from '../../dist/cli/commands/compile.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const specs = readdirSync(join(root, 'specs')).filter((f) => f.endsWith('.yaml')).sort();
const haveShellcheck = spawnSync('shellcheck', ['--version']).status === 0;
if (!haveShellcheck) console.log('NOTICE: shellcheck is not installed; the example specs\' scripts are only checked with bash -n');
const temps = [];

for (const spec of specs) {
  test(`${spec}: scripts lint clean and carry the spec's values`, async () => {
    const compiled = await compileInMemory(`specs/${spec}`, { cwd: root, env: { REGISTRY_ADDRESS: 'localhost:5000' } });
    assert.ok(compiled.files.length > 0, compiled.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
    const dir = mkdtempSync(join(tmpdir(), 'edgeml-spec-scripts-'));
    temps.push(dir);
    const scripts = compiled.files.filter((f) => f.path.startsWith('scripts/') && f.path.endsWith('.sh'));
    assert.is(scripts.length, 7);
    for (const f of scripts) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
      assert.is(spawnSync('bash', ['-n', join(dir, f.path)]).status, 0, `${f.path} parses`);
    }
    if (haveShellcheck) {
      const lint = spawnSync('shellcheck', ['-x', '--severity=style', ...scripts.map((f) => f.path.slice('scripts/'.length))], { cwd: join(dir, 'scripts'), encoding: 'utf8' });
      assert.is(lint.status, 0, lint.stdout + lint.stderr);
    }
    const ir = compiled.ir;
    const probe = spawnSync('bash', ['-c', 'source "$1"; printf "%s\\n" "$RESOURCE_GROUP" "$IOT_HUB" "$REGISTRY_ADDRESS"', 'probe', join(dir, 'scripts/lib.sh')], { encoding: 'utf8' });
    assert.equal(probe.stdout.trim().split('\n'), [ir.azure.resourceGroup, ir.azure.iotHub.name, ir.azure.registry.address]);
  });
}

test.after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

test.run();
