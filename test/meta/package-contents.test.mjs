// The npm package carries what its README points at and what `edgeml init` and `compile` need: the packed file list
// (npm pack --dry-run) holds the LICENSE, every file the README links, and every starter spec with the files it
// names; and the real tarball, unpacked into a temp folder, runs init then compile on its own files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STARTERS } from '../../dist/cli/commands/init.js';
import { loadWorkflow } from '../../dist/program.js';
import { specInputPaths } from '../../dist/emit/load-render-assets.js';
import { testUnless } from '../helpers/requires.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'edgeml-pack-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

// npm's cache and logs go to this test's temp folder, not the user's home; --ignore-scripts: pack the built dist as is.
const npm = (args) =>
  spawnSync('npm', [...args, '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      npm_config_cache: join(work, 'npm-cache'),
      npm_config_logs_max: '0',
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
    },
  });
const npmMissing = npm(['--version']).status === 0 ? undefined : 'npm is not on PATH';
const withNpm = testUnless(test, npmMissing);

const packedFiles = () => {
  const r = npm(['pack', '--dry-run', '--json']);
  assert.is(r.status, 0, r.stderr);
  return new Set(JSON.parse(r.stdout)[0].files.map((f) => f.path));
};

/** Files under `path` (file or folder) relative to the repository root. */
const expand = (path) =>
  statSync(join(root, path)).isDirectory()
    ? readdirSync(join(root, path))
        .sort()
        .flatMap((entry) => expand(`${path}/${entry}`))
    : [path];

withNpm('the package holds the LICENSE, every file the README links, and every starter with the files it names', async () => {
  const files = packedFiles();
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.is(pkg.license, 'MIT');
  assert.ok(files.has('LICENSE'));
  assert.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /^MIT License\n/);
  for (const required of ['README.md', 'package.json', 'bin/edgeml.js', 'dist/edgeml.cjs', 'schemas/edgeml.schema.json'])
    assert.ok(files.has(required), required);

  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const links = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]).filter((href) => !/^[a-z]+:/.test(href));
  assert.ok(links.length >= 2, `README links: ${links.join(', ')}`);
  for (const link of links)
    for (const file of expand(link)) assert.ok(files.has(file), `the README links ${link}, so ${file} must be packed`);

  for (const starter of Object.values(STARTERS)) {
    const spec = `specs/${starter.file}`;
    assert.ok(files.has(spec), spec);
    const loaded = await loadWorkflow(join(root, spec), { cwd: root, env: {}, modelReader: 'header' });
    assert.ok(loaded.ir, `${spec} loads`);
    for (const input of specInputPaths(loaded.ir).flatMap((p) => expand(`specs/${p}`)))
      assert.ok(files.has(input), `${spec} names ${input}, so it must be packed`);
  }
});

withNpm('the tarball on its own runs edgeml init and compile (dependencies from this checkout)', () => {
  const packed = npm(['pack', '--json', '--pack-destination', work]);
  assert.is(packed.status, 0, packed.stderr);
  const tarball = join(work, JSON.parse(packed.stdout)[0].filename);
  const unpacked = join(work, 'unpacked');
  mkdirSync(unpacked);
  const untar = spawnSync('tar', ['-xzf', tarball, '-C', unpacked], { encoding: 'utf8' });
  assert.is(untar.status, 0, untar.stderr);
  const pkgDir = join(unpacked, 'package');
  symlinkSync(join(root, 'node_modules'), join(pkgDir, 'node_modules'), 'dir');
  const project = join(work, 'project');
  mkdirSync(project);
  const edgeml = (args) =>
    spawnSync(process.execPath, [join(pkgDir, 'bin/edgeml.js'), ...args], {
      cwd: project,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
  const init = edgeml(['init', '--workflow', 'wf3']);
  assert.is(init.status, 0, init.stderr);
  assert.match(init.stdout, 'Wrote wf3-custom-vision.yaml');
  const compiled = edgeml(['compile', 'wf3-custom-vision.yaml']);
  assert.is(compiled.status, 0, compiled.stderr);
  assert.match(compiled.stdout, /^Wrote \d+ files to generated\/wf3-custom-vision\.\n/);
  assert.match(compiled.stdout, /^Module graph:$/m);
  assert.match(compiled.stdout, /^ {2}edgeml test wf3-custom-vision\.yaml /m);
});

test.run();
