// A compile killed in the middle of writing (SIGKILL while the writer pauses after half of its temp files, via the
// EDGEML_TEST_EMIT_PAUSE_AFTER seam) leaves the previous output byte-identical; the next compile removes the temp folder.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import compile from '../../dist/cli/commands/compile.js';
import { readTree } from '../../dist/emit/read-tree.js';
import { createFixture, FIXTURE_ENV, specText } from './_fixture-spec.mjs';

const fixture = createFixture();
const quietIO = (env = FIXTURE_ENV) => ({ stdout: { write() {} }, stderr: { write() {} }, env, cwd: fixture.dir });
const sameTree = (a, b) =>
  a.size === b.size &&
  [...a].every(
    ([path, entry]) =>
      b.has(path) && Buffer.from(entry.content).equals(Buffer.from(b.get(path).content)) && entry.executable === b.get(path).executable,
  );

test('killing compile mid-write keeps the previous output; the next compile cleans up and writes the new one', async () => {
  assert.is(await compile(['spec.yaml'], { out: 'out' }, quietIO()), 0);
  const before = await readTree(join(fixture.dir, 'out'));
  assert.ok(before.size > 4);

  // The next compile changes the spec, so new output differs from the old.
  writeFileSync(join(fixture.dir, 'spec.yaml'), specText({ ttl: 60 }));
  const compileModule = new URL('../../dist/cli/commands/compile.js', import.meta.url).href;
  const script = `
    const { default: compile } = await import(${JSON.stringify(compileModule)});
    const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: ${JSON.stringify(fixture.dir)} };
    process.exitCode = await compile(['spec.yaml'], { out: 'out' }, io);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...FIXTURE_ENV, PATH: process.env.PATH, EDGEML_TEST_EMIT_PAUSE_AFTER: 'half' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tempDir = await new Promise((resolvePaused, reject) => {
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      const match = /edgeml: test pause after \d+ files in (.+)\n/.exec(err);
      if (match) resolvePaused(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`compile exited before pausing (${code}): ${err}`)));
  });
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;

  assert.ok(existsSync(tempDir), 'the killed compile left its half-written temp folder');
  assert.ok(sameTree(before, await readTree(join(fixture.dir, 'out'))), 'previous output is byte-identical');

  assert.is(await compile(['spec.yaml'], { out: 'out' }, quietIO()), 0);
  assert.not.ok(existsSync(tempDir));
  assert.equal(
    readdirSync(fixture.dir).filter((name) => name.startsWith('out')),
    ['out'],
    'no temp or set-aside folders remain',
  );
  const after = await readTree(join(fixture.dir, 'out'));
  assert.not.ok(sameTree(before, after), 'the new output was written');
  assert.match(Buffer.from(after.get('deployment.json').content).toString(), /"timeToLiveSecs": 60/);
});

test.after(() => fixture.cleanup());
test.run();
