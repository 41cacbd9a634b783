// The capture module's folder source skips an image it cannot read (EACCES, as the image's non-root user meets a file
// the host made private) and logs it, instead of stopping the loop. Tested with an injected reader (works for any
// user) and with real permissions: chmod 000, read in-process by a non-root user, or by a child process dropped to
// uid 65534 when this runs as root (root reads any file). Skipped, counted, with the reason, where neither can run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFolderSource } from '../../dist/runtime/capture/sources/folder.js';
import { testUnless } from '../helpers/requires.mjs';

const FOLDER_JS = fileURLToPath(new URL('../../dist/runtime/capture/sources/folder.js', import.meta.url));

function folderWith(names) {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-unreadable-'));
  for (const name of names) writeFileSync(join(dir, name), name);
  return dir;
}

const eacces = (path) => Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });

test('an unreadable file is logged and skipped; the loop goes on, pass after pass', async () => {
  const dir = folderWith(['a.jpg', 'b.jpg', 'c.jpg']);
  try {
    const lines = [];
    const readFile = async (path) => (path.endsWith('b.jpg') ? Promise.reject(eacces(path)) : Buffer.from(path.slice(-5)));
    const source = await createFolderSource(dir, true, { log: (l) => lines.push(l), readFile });
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push((await source.next()).origin);
    assert.equal(seen, ['a.jpg', 'c.jpg', 'a.jpg', 'c.jpg']);
    assert.is(lines.length, 2, 'once per pass');
    assert.match(lines[0], /'b\.jpg': EACCES/);
    await source.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a pass where no file can be read ends with a clear error instead of spinning', async () => {
  const dir = folderWith(['a.jpg', 'b.jpg']);
  try {
    const source = await createFolderSource(dir, true, { readFile: async (path) => Promise.reject(eacces(path)) });
    const error = await source.next().then(
      () => undefined,
      (e) => e,
    );
    assert.is(error?.name, 'FrameSourceError');
    assert.match(error.message, /No image in .* could be read \(last: '[ab]\.jpg': EACCES\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Reads the folder once with the real fs, in a process of the given user; prints the origins and log lines. */
const READ_ONCE = `
const { createFolderSource } = await import(process.argv[1]);
const lines = [];
const source = await createFolderSource(process.argv[2], false, { log: (l) => lines.push(l) });
const seen = [];
for (let f = await source.next(); f; f = await source.next()) seen.push(f.origin);
console.log(JSON.stringify({ seen, lines }));
`;

const asRoot = process.getuid?.() === 0;
/** As root, why a child process dropped to uid/gid 65534 cannot load the folder source here, or undefined. */
function whyNobodyCannotRead() {
  if (!process.getuid) return 'no POSIX user ids on this platform';
  if (!asRoot) return undefined;
  const probe = spawnSync(process.execPath, ['--input-type=module', '-e', 'await import(process.argv[1])', FOLDER_JS], {
    uid: 65534,
    gid: 65534,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return probe.error || probe.status !== 0
    ? `cannot run a process as uid 65534 here (${probe.error?.message ?? probe.stderr.trim().split('\n')[0]})`
    : undefined;
}

testUnless(test, whyNobodyCannotRead())('real permissions: a chmod 000 file is skipped by a user who cannot read it', async () => {
  const dir = folderWith(['a.jpg', 'b.jpg', 'c.jpg']);
  try {
    chmodSync(join(dir, 'b.jpg'), 0o000);
    if (!asRoot) {
      const lines = [];
      const source = await createFolderSource(dir, false, { log: (l) => lines.push(l) });
      const seen = [];
      for (let f = await source.next(); f; f = await source.next()) seen.push(f.origin);
      assert.equal(seen, ['a.jpg', 'c.jpg']);
      assert.match(lines.join('\n'), /'b\.jpg': EACCES/);
      return;
    }
    // Root reads any file: read as uid/gid 65534 (nobody) instead, as the module's non-root user would.
    chmodSync(dir, 0o755);
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', READ_ONCE, FOLDER_JS, dir], {
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.is(child.status, 0, child.error?.message ?? child.stderr);
    const { seen, lines } = JSON.parse(child.stdout);
    assert.equal(seen, ['a.jpg', 'c.jpg']);
    assert.match(lines.join('\n'), /'b\.jpg': EACCES/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
