// The atomic writer: exact replacement of the output folder, refused paths and folders, stale temp cleanup, and a
// writer killed half-way through leaving the previous output byte-identical.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOutput, cleanStaleFolders } from '../../dist/emit/write-output.js';
import { getUnsafePathReason } from '../../dist/emit/safe-path.js';
import { readTree } from '../../dist/emit/read-tree.js';
import { compareOutput } from '../../dist/emit/compare-output.js';

const work = mkdtempSync(join(tmpdir(), 'edgeml-emit-'));
let counter = 0;
const freshDir = () => {
  const dir = join(work, `case-${++counter}`);
  mkdirSync(dir);
  return dir;
};
const files = [
  { path: 'README.md', content: '# hi\n' },
  { path: 'scripts/01-create-resources.sh', content: '#!/usr/bin/env bash\necho hi\n', mode: 0o755 },
  { path: 'modules/a/model/model.onnx', content: new Uint8Array([0, 1, 2, 255]) },
];
const siblings = (dir) => readdirSync(dir).sort();

test('writes exactly the rendered files, with modes, and replaces earlier output completely', async () => {
  const cwd = freshDir();
  const first = await writeOutput('out', files, cwd);
  assert.equal(first.diagnostics, []);
  assert.is(first.written, 3);
  assert.equal(compareOutput(files, await readTree(join(cwd, 'out'))), []);
  assert.is(statSync(join(cwd, 'out/scripts/01-create-resources.sh')).mode & 0o777, 0o755);
  assert.is(statSync(join(cwd, 'out/README.md')).mode & 0o777, 0o644);

  writeFileSync(join(cwd, 'out/stale.txt'), 'left over\n');
  const second = await writeOutput('out', [files[0]], cwd);
  assert.equal(second.diagnostics, []);
  assert.equal([...(await readTree(join(cwd, 'out'))).keys()], ['README.md']);
  assert.equal(siblings(cwd), ['out'], 'no temp or set-aside folder remains');
});

test('skipUnchanged writes nothing only when the folder holds exactly the files: names, bytes, modes, nothing else', async () => {
  const cwd = freshDir();
  const options = { skipUnchanged: true, preservePaths: ['scripts/.edgeml-created'] };
  assert.is((await writeOutput('out', files, cwd, options)).unchanged, undefined, 'first write');
  writeFileSync(join(cwd, 'out/scripts/.edgeml-created'), 'device d1\n');
  const same = await writeOutput('out', files, cwd, options);
  assert.equal([same.unchanged, same.written], [true, 0], 'a preserved run-time file does not count as a change');
  const out = join(cwd, 'out');
  const changes = {
    'an extra file': () => writeFileSync(join(out, 'extra.txt'), 'x'),
    'a missing file': () => rmSync(join(out, 'README.md')),
    'different bytes, same size': () => writeFileSync(join(out, 'README.md'), '# ho\n'),
    'a lost executable bit': () => chmodSync(join(out, 'scripts/01-create-resources.sh'), 0o644),
    'a symlink in place of a file': () => {
      rmSync(join(out, 'README.md'));
      symlinkSync('/etc/hostname', join(out, 'README.md'));
    },
  };
  for (const [name, change] of Object.entries(changes)) {
    change();
    const result = await writeOutput('out', files, cwd, options);
    assert.is(result.unchanged, undefined, name);
    assert.is(result.written, files.length, name);
    assert.equal(compareOutput(files, await readTree(out), ['scripts/.edgeml-created']), [], `${name}: repaired`);
  }
});

test('preserved run-time files are carried over from the old output; rendered files, symlinks and unsafe paths are not', async () => {
  const cwd = freshDir();
  await writeOutput('out', files, cwd);
  writeFileSync(join(cwd, 'out/scripts/.edgeml-created'), 'resource-group rg1\n', { mode: 0o600 });
  writeFileSync(join(cwd, 'secret-elsewhere.txt'), 'not mine\n');
  symlinkSync(join(cwd, 'secret-elsewhere.txt'), join(cwd, 'out/linked-state'));
  writeFileSync(join(cwd, 'out/README.md'), 'edited by hand\n');
  const preservePaths = ['scripts/.edgeml-created', 'linked-state', 'README.md', '../secret-elsewhere.txt', 'never-existed'];
  const result = await writeOutput('out', files, cwd, { preservePaths });
  assert.equal(result.diagnostics, []);
  const tree = await readTree(join(cwd, 'out'));
  assert.is(Buffer.from(tree.get('scripts/.edgeml-created').content).toString(), 'resource-group rg1\n');
  assert.is(statSync(join(cwd, 'out/scripts/.edgeml-created')).mode & 0o777, 0o600);
  assert.not.ok(tree.has('linked-state'), 'a symlink is never followed or carried over');
  assert.is(Buffer.from(tree.get('README.md').content).toString(), '# hi\n', 'a rendered file wins over the old one');
  assert.equal(compareOutput(files, tree, ['scripts/.edgeml-created']), []);
  assert.equal(
    compareOutput(files, tree).map((d) => d.kind + ' ' + d.path),
    ['extra scripts/.edgeml-created'],
  );
});

test('path traversal and absolute paths are refused before anything is written', async () => {
  const cwd = freshDir();
  await writeOutput('out', files, cwd);
  const before = await readTree(join(cwd, 'out'));
  for (const path of ['../escape.txt', 'modules/../../escape.txt', '/etc/passwd', 'C:/x', 'a\\..\\b', 'a//b', './a', '']) {
    const result = await writeOutput('out', [...files, { path, content: 'x\n' }], cwd);
    assert.equal(
      result.diagnostics.map((d) => d.id),
      ['emit/unsafeOutputPath'],
      `path ${JSON.stringify(path)}`,
    );
    assert.is(result.diagnostics[0].code, 'EML4100');
    assert.is(result.written, 0);
  }
  assert.not.ok(existsSync(join(cwd, 'escape.txt')));
  assert.equal(compareOutput(files, before), []);
  assert.equal(compareOutput(files, await readTree(join(cwd, 'out'))), [], 'previous output untouched');
  assert.equal(siblings(cwd), ['out']);
  assert.is(getUnsafePathReason('modules/a/Dockerfile.amd64'), undefined);
});

test('duplicate paths and file/folder clashes are refused', async () => {
  const cwd = freshDir();
  const dup = await writeOutput('out', [files[0], { path: 'README.md', content: 'again\n' }], cwd);
  assert.equal(
    dup.diagnostics.map((d) => d.id),
    ['emit/duplicateOutputPath'],
  );
  const clash = await writeOutput(
    'out',
    [
      { path: 'a', content: '1\n' },
      { path: 'a/b', content: '2\n' },
    ],
    cwd,
  );
  assert.equal(
    clash.diagnostics.map((d) => d.id),
    ['emit/duplicateOutputPath'],
  );
  assert.not.ok(existsSync(join(cwd, 'out')));
});

test('a symlink inside the old output cannot redirect writes outside it', async () => {
  const cwd = freshDir();
  const elsewhere = join(cwd, 'elsewhere');
  mkdirSync(elsewhere);
  mkdirSync(join(cwd, 'out'));
  symlinkSync(elsewhere, join(cwd, 'out/modules'));
  const result = await writeOutput('out', files, cwd);
  assert.equal(result.diagnostics, []);
  assert.equal(readdirSync(elsewhere), [], 'nothing written through the symlink');
  assert.ok(statSync(join(cwd, 'out/modules')).isDirectory());
  assert.not.ok((await readTree(join(cwd, 'out'))).get('modules/a/model/model.onnx')?.symlink);
});

test('an output folder given as a symlink is followed, and its target replaced', async () => {
  const cwd = freshDir();
  mkdirSync(join(cwd, 'real'));
  symlinkSync(join(cwd, 'real'), join(cwd, 'link'));
  const result = await writeOutput('link', files, cwd);
  assert.equal(result.diagnostics, []);
  assert.equal(compareOutput(files, await readTree(join(cwd, 'real'))), []);
});

test('refuses to replace the working directory, one of its parents, or a git repository', async () => {
  const cwd = freshDir();
  for (const out of ['.', '..']) {
    const result = await writeOutput(out, files, cwd);
    assert.equal(
      result.diagnostics.map((d) => d.id),
      ['emit/unsafeOutputFolder'],
      out,
    );
  }
  mkdirSync(join(cwd, 'repo/.git'), { recursive: true });
  const repo = await writeOutput('repo', files, cwd);
  assert.equal(
    repo.diagnostics.map((d) => d.id),
    ['emit/unsafeOutputFolder'],
  );
  assert.ok(existsSync(join(cwd, 'repo/.git')));
  writeFileSync(join(cwd, 'file'), 'x');
  assert.equal(
    (await writeOutput('file', files, cwd)).diagnostics.map((d) => d.id),
    ['emit/unsafeOutputFolder'],
  );
  const protectedSpec = await writeOutput('specs', files, cwd, { protectedPaths: [join(cwd, 'specs/wf.yaml')] });
  assert.equal(
    protectedSpec.diagnostics.map((d) => d.id),
    ['emit/unsafeOutputFolder'],
  );
});

test('stale temp folders of dead processes are removed; a set-aside output is restored if the output is missing', async () => {
  const cwd = freshDir();
  await writeOutput('out', files, cwd);
  const deadPid = 2 ** 22 + 12345; // above Linux's pid_max default, so no live process has it
  mkdirSync(join(cwd, `out.edgeml-tmp-${deadPid}`));
  writeFileSync(join(cwd, `out.edgeml-tmp-${deadPid}/half.txt`), 'x');
  mkdirSync(join(cwd, `out.edgeml-tmp-${process.pid}-not-a-pid`));
  await writeOutput('out', files, cwd);
  assert.equal(siblings(cwd), ['out', `out.edgeml-tmp-${process.pid}-not-a-pid`], 'only dead-pid temp folders are cleaned');

  rmSync(join(cwd, `out.edgeml-tmp-${process.pid}-not-a-pid`), { recursive: true });
  const { renameSync } = await import('node:fs');
  renameSync(join(cwd, 'out'), join(cwd, `out.edgeml-old-${deadPid}`));
  await cleanStaleFolders(join(cwd, 'out'));
  assert.equal(siblings(cwd), ['out']);
  assert.equal(compareOutput(files, await readTree(join(cwd, 'out'))), []);
});

test('a failure half-way (pause hook throws) leaves the previous output and no temp folder', async () => {
  const cwd = freshDir();
  await writeOutput('out', files, cwd);
  const changed = files.map((f) => ({ ...f, content: typeof f.content === 'string' ? f.content + 'changed\n' : f.content }));
  const result = await writeOutput('out', changed, cwd, {
    pauseAfterFiles: 1,
    onPause: async () => {
      throw new Error('disk full');
    },
  });
  assert.equal(
    result.diagnostics.map((d) => d.id),
    ['emit/outputWriteFailed'],
  );
  assert.equal(compareOutput(files, await readTree(join(cwd, 'out'))), []);
  assert.equal(siblings(cwd), ['out']);
});

test('a writer process killed mid-write leaves the previous output byte-identical; the next write cleans up', async () => {
  const cwd = freshDir();
  await writeOutput('out', files, cwd);
  const before = await readTree(join(cwd, 'out'));
  const many = Array.from({ length: 10 }, (_, i) => ({ path: `f${i}.txt`, content: `new ${i}\n` }));
  const writerModule = new URL('../../dist/emit/write-output.js', import.meta.url).href;
  const script = `
    const { writeOutput } = await import(${JSON.stringify(writerModule)});
    await writeOutput('out', ${JSON.stringify(many)}, ${JSON.stringify(cwd)}, {
      pauseAfterFiles: 5,
      onPause: async (dir) => { process.stdout.write('PAUSED ' + dir + '\\n'); await new Promise((r) => setTimeout(r, 60000)); },
    });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pausedDir = await new Promise((resolvePaused, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const match = /PAUSED (.+)\n/.exec(out);
      if (match) resolvePaused(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`writer exited early with ${code}: ${out}`)));
  });
  assert.is(readdirSync(pausedDir).length, 5, 'half of the files were in the temp folder when it was killed');
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;

  assert.equal(
    compareOutput(
      [...before].map(([path, e]) => ({ path, content: e.content, mode: e.executable ? 0o755 : 0o644 })),
      await readTree(join(cwd, 'out')),
    ),
    [],
  );
  assert.ok(existsSync(pausedDir), 'the killed writer left its temp folder');
  const next = await writeOutput('out', many, cwd);
  assert.equal(next.diagnostics, []);
  assert.equal(siblings(cwd), ['out'], 'the next write removed the stale temp folder');
  assert.equal(compareOutput(many, await readTree(join(cwd, 'out'))), []);
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
