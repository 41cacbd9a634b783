// The CLI bundle's V8 code cache is used only with the bundle it was made for: a cache from another build (or a
// damaged one) is ignored and the CLI still works, because stale bytecode would run old code without any error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBundledCli } from '../helpers/bundled-cli.mjs';

const root = process.cwd();

/** A copy of the installed package (bin, dist, package.json) whose bundle and cache the test may change. */
function packageCopy() {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-bundle-cache-'));
  cpSync(join(root, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(root, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Loads the CLI from `dir` in a fresh process: whether V8 took the cache, and what `--version` printed. */
function load(dir) {
  const { code, cacheUsed, stdout } = runBundledCli(dir, ['--version']);
  return { code, cacheUsed, out: stdout };
}

const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const dir = packageCopy();

test('the build made a cache this Node accepts', () => {
  assert.equal(load(dir), { code: 0, cacheUsed: true, out: `${version}\n` });
});

test('a cache made for another build of the bundle is ignored, even when the bundle has the same length', () => {
  const bundlePath = join(dir, 'dist', 'edgeml.cjs');
  const bundle = readFileSync(bundlePath, 'utf8');
  const id = /^\/\/ edgeml-bundle ([0-9a-f]{64})\n/.exec(bundle)[1];
  const otherId = id.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  writeFileSync(bundlePath, bundle.replace(id, otherId));
  assert.equal(load(dir), { code: 0, cacheUsed: false, out: `${version}\n` });
  writeFileSync(bundlePath, bundle);
});

test('a damaged or missing cache is ignored', () => {
  const cachePath = join(dir, 'dist', 'edgeml.cjs.cache');
  const cache = readFileSync(cachePath);
  writeFileSync(cachePath, Buffer.concat([cache.subarray(0, 64), Buffer.alloc(cache.length - 64, 7)]));
  assert.equal(load(dir), { code: 0, cacheUsed: false, out: `${version}\n` });
  rmSync(cachePath);
  assert.equal(load(dir), { code: 0, cacheUsed: false, out: `${version}\n` });
  writeFileSync(cachePath, cache);
});

test('without a bundle, bin/edgeml.js runs the compiled modules', () => {
  const copy = packageCopy();
  try {
    rmSync(join(copy, 'dist', 'edgeml.cjs'));
    const result = spawnSync(process.execPath, [join(copy, 'bin', 'edgeml.js'), '--version'], { encoding: 'utf8' });
    assert.is(result.status, 0, result.stderr);
    assert.is(result.stdout, `${version}\n`);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
