// Reading render inputs: runtime code, spec-named files (never outside the spec folder), pinned package versions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeIR, makeCaptureModule, makeScoringModule } from '../helpers/ir-fixtures.mjs';
import { loadPackageVersions, loadRuntimeCode, loadSpecFiles, specInputPaths } from '../../dist/emit/load-render-assets.js';

const work = mkdtempSync(join(tmpdir(), 'edgeml-assets-'));
const put = (path, content) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
};

test('specInputPaths lists the model, labels, samples and capture media', () => {
  const ir = makeIR({
    modules: [
      makeScoringModule(),
      makeCaptureModule({ capture: { ...makeCaptureModule().capture, source: { kind: 'folder', path: 'frames/' }, bundle: 'extra' } }),
    ],
  });
  ir.model.labelsFile = 'models/detector/labels.txt';
  assert.equal(specInputPaths(ir), ['extra', 'frames', 'models/detector/labels.txt', 'models/detector/model.onnx', 'samples/people.jpg']);
});

test('loadSpecFiles reads files and folders, and skips missing paths and symlinks leaving the spec folder', () => {
  const specDir = join(work, 'spec');
  put(join(specDir, 'models/detector/model.onnx'), 'onnx');
  put(join(specDir, 'models/detector/labels.txt'), 'person\n');
  put(join(specDir, 'frames/a.jpg'), 'a');
  put(join(specDir, 'frames/sub/b.jpg'), 'b');
  put(join(work, 'secret.txt'), 'do not copy');
  symlinkSync(join(work, 'secret.txt'), join(specDir, 'samples-link.jpg'));
  const ir = makeIR({
    specDir,
    modules: [makeCaptureModule({ capture: { ...makeCaptureModule().capture, source: { kind: 'folder', path: 'frames' } } })],
  });
  ir.model.samples = ['samples-link.jpg', 'missing.jpg'];
  const files = loadSpecFiles(ir);
  assert.equal([...files.keys()].sort(), ['frames/a.jpg', 'frames/sub/b.jpg', 'models/detector/labels.txt', 'models/detector/model.onnx']);
  assert.is(Buffer.from(files.get('frames/sub/b.jpg')).toString(), 'b');
});

test('loadPackageVersions prefers package-lock.json and falls back to node_modules', () => {
  const root = join(work, 'pkg');
  put(join(root, 'package.json'), JSON.stringify({ dependencies: { sharp: '^0.34.0', busboy: '^1.6.0', absent: '1' } }));
  put(join(root, 'node_modules/busboy/package.json'), JSON.stringify({ version: '1.6.0' }));
  put(join(root, 'node_modules/sharp/package.json'), JSON.stringify({ version: '0.34.9' }));
  assert.equal(
    [...loadPackageVersions(root)],
    [
      ['busboy', '1.6.0'],
      ['sharp', '0.34.9'],
    ],
  );
  put(join(root, 'package-lock.json'), JSON.stringify({ packages: { 'node_modules/sharp': { version: '0.34.5' } } }));
  assert.equal(loadPackageVersions(root).get('sharp'), '0.34.5');
});

test('loadPackageVersions takes the versions the build recorded in dist/package-versions.json first', () => {
  const root = join(work, 'pinned');
  put(join(root, 'package.json'), JSON.stringify({ dependencies: { sharp: '^0.34.0' } }));
  put(join(root, 'package-lock.json'), JSON.stringify({ packages: { 'node_modules/sharp': { version: '0.34.5' } } }));
  put(join(root, 'dist/package-versions.json'), JSON.stringify({ sharp: '0.34.7' }));
  assert.equal([...loadPackageVersions(root)], [['sharp', '0.34.7']]);
  assert.equal([...loadPackageVersions(root, { pinned: false })], [['sharp', '0.34.5']], 'what the build step reads');
});

test('loadRuntimeCode reads only .js files, with forward-slash relative paths', () => {
  const dir = join(work, 'runtime');
  put(join(dir, 'scoring/server.js'), 'export {};\n');
  put(join(dir, 'scoring/server.d.ts'), 'x');
  put(join(dir, 'shared/limiter.js'), '// l\n');
  assert.equal(
    [...loadRuntimeCode(dir)],
    [
      ['scoring/server.js', 'export {};\n'],
      ['shared/limiter.js', '// l\n'],
    ],
  );
});

test('loadRuntimeCode with a source folder skips stale output whose .ts source is gone', () => {
  const dist = join(work, 'stale/dist');
  const src = join(work, 'stale/src');
  put(join(dist, 'scoring/server.js'), 'live\n');
  put(join(dist, 'scoring/old-name.js'), 'stale\n');
  put(join(src, 'scoring/server.ts'), 'live');
  assert.equal([...loadRuntimeCode(dist, src).keys()], ['scoring/server.js']);
  assert.equal([...loadRuntimeCode(dist, join(work, 'stale/no-src')).keys()], ['scoring/old-name.js', 'scoring/server.js']);
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
