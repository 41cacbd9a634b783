// Comparing rendered files with a folder on disk: missing, extra, changed bytes, executable bit, symlinks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareOutput, describeDifference } from '../../dist/emit/compare-output.js';
import { readTree } from '../../dist/emit/read-tree.js';

const dir = mkdtempSync(join(tmpdir(), 'edgeml-compare-'));

test('reports each kind of difference once, sorted by path', async () => {
  mkdirSync(join(dir, 'scripts'));
  writeFileSync(join(dir, 'same.txt'), 'same\n');
  writeFileSync(join(dir, 'changed.txt'), 'old\n');
  writeFileSync(join(dir, 'scripts/run.sh'), '#!/bin/sh\n');
  chmodSync(join(dir, 'scripts/run.sh'), 0o644);
  writeFileSync(join(dir, 'extra.txt'), 'x\n');
  writeFileSync(join(dir, 'target.txt'), 'link target\n');
  symlinkSync(join(dir, 'target.txt'), join(dir, 'link.txt'));
  const expected = [
    { path: 'same.txt', content: 'same\n' },
    { path: 'changed.txt', content: 'new\n' },
    { path: 'scripts/run.sh', content: '#!/bin/sh\n', mode: 0o755 },
    { path: 'missing.bin', content: new Uint8Array([1]) },
    { path: 'link.txt', content: 'link target\n' },
    { path: 'target.txt', content: 'link target\n' },
  ];
  const differences = compareOutput(expected, await readTree(dir));
  assert.equal(differences, [
    { kind: 'changed', path: 'changed.txt' },
    { kind: 'extra', path: 'extra.txt' },
    { kind: 'changed', path: 'link.txt' },
    { kind: 'missing', path: 'missing.bin' },
    { kind: 'mode', path: 'scripts/run.sh', expectedExecutable: true },
  ]);
  assert.equal(differences.map(describeDifference), [
    'changed: changed.txt',
    'not produced by the spec: extra.txt',
    'changed: link.txt',
    'missing: missing.bin',
    'should be executable: scripts/run.sh',
  ]);
});

test('a folder that does not exist reads as empty, so every file is missing', async () => {
  const tree = await readTree(join(dir, 'nope'));
  assert.is(tree.size, 0);
  assert.equal(compareOutput([{ path: 'a', content: 'a\n' }], tree), [{ kind: 'missing', path: 'a' }]);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
