// test/run.mjs on a folder of small test files: skips are counted as skipped with their reason, a file past its limit
// is killed with the processes it started and reported as a failure naming the file and the limit, and the run ends
// with the slowest files, the total time and "N passed, N failed, N skipped".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const uvu = pathToFileURL(join(root, 'node_modules/uvu/dist/index.mjs')).href;
const requires = pathToFileURL(join(root, 'test/helpers/requires.mjs')).href;
const dir = mkdtempSync(join(tmpdir(), 'edgeml-runner-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const marker = `edgeml-runner-orphan-${process.pid}`;
const files = {
  'a-pass.test.mjs': `import { test } from '${uvu}';\ntest('one', () => {});\ntest('two', () => {});\ntest.run();\n`,
  'b-skip.test.mjs': `import { test } from '${uvu}';\nimport { testUnless } from '${requires}';\ntestUnless(test, 'no frobnicator here')('needs a frobnicator', () => {});\ntest('runs', () => {});\ntest.run();\n`,
  // Starts a child in its own process group's reach, then never finishes.
  'c-hang.test.mjs': `import { spawn } from 'node:child_process';\nspawn('bash', ['-c', 'exec -a ${marker} sleep 300'], { stdio: 'ignore' });\nsetInterval(() => {}, 1000);\n`,
  'd-fail.test.mjs': `import { test } from '${uvu}';\nimport * as assert from '${pathToFileURL(join(root, 'node_modules/uvu/assert/index.mjs')).href}';\ntest('bad', () => assert.is(1, 2));\ntest.run();\n`,
};

const orphans = () =>
  spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => l.startsWith(marker));

test('counts passes, skips and failures; kills a hanging file with its children; ends with the summary line', () => {
  const tests = join(dir, 'tests');
  mkdirSync(tests);
  for (const [name, body] of Object.entries(files)) writeFileSync(join(tests, name), body);
  const r = spawnSync(process.execPath, [join(root, 'test/run.mjs')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, EDGEML_TEST_DIR: tests, EDGEML_TEST_TIMEOUT_MS: '3000', EDGEML_TEST_CONCURRENCY: '2' },
  });
  const lines = r.stdout.trimEnd().split('\n');
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.is(lines.at(-1), '3 passed, 2 failed, 1 skipped', 'the closing line');
  assert.match(lines.at(-2), /^4 file\(s\) in \d+\.\d s, 2 at a time$/);
  assert.match(r.stdout, 'SKIP needs a frobnicator: no frobnicator here');
  assert.match(r.stdout, /c-hang\.test\.mjs ran past its limit of 3 s \(EDGEML_TEST_TIMEOUT_MS\); killed its process group\./);
  assert.match(r.stdout, /Failing files:\n(.*\n)*.*c-hang\.test\.mjs \(killed at its 3\.0 s limit\)/);
  assert.match(r.stdout, /Failing files:\n(.*\n)*.*d-fail\.test\.mjs/);
  assert.match(r.stdout, /Slowest files:\n +\d+\.\d s {2}.*c-hang\.test\.mjs\n/, 'the hanging file is the slowest');
  assert.equal(orphans(), [], 'the child of the hanging file was killed with it');
});

test('a run where every test is skipped passes; an all-green run says 0 failed, 0 skipped', () => {
  const only = join(dir, 'only');
  mkdirSync(only);
  writeFileSync(join(only, 'skip.test.mjs'), files['b-skip.test.mjs'].replace("test('runs', () => {});\n", ''));
  const skipped = spawnSync(process.execPath, [join(root, 'test/run.mjs')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, EDGEML_TEST_DIR: only },
  });
  assert.is(skipped.status, 0, skipped.stdout);
  assert.is(skipped.stdout.trimEnd().split('\n').at(-1), '0 passed, 0 failed, 1 skipped');

  writeFileSync(join(only, 'skip.test.mjs'), files['a-pass.test.mjs']);
  const green = spawnSync(process.execPath, [join(root, 'test/run.mjs')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, EDGEML_TEST_DIR: only },
  });
  assert.is(green.status, 0, green.stdout);
  assert.is(green.stdout.trimEnd().split('\n').at(-1), '2 passed, 0 failed, 0 skipped');
});

test.run();
