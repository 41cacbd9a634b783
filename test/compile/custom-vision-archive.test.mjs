// A Custom Vision export can be named as downloaded (a .zip): compile, validate and `edgeml test` read it in place,
// and it compiles to the same images and manifest as the unzipped folder.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import compile from '../../dist/cli/commands/compile.js';
import testCommand from '../../dist/cli/commands/test.js';
import { readTree } from '../../dist/emit/read-tree.js';
import { createZip } from '../helpers/onnx-zip.mjs';

const dir = mkdtempSync(join(tmpdir(), 'edgeml-cv-zip-'));
cpSync('specs', dir, { recursive: true });
const folder = join(dir, 'models', 'people-detector');
writeFileSync(
  join(dir, 'models', 'people-detector.zip'),
  createZip([
    { name: 'model.onnx', data: readFileSync(join(folder, 'model.onnx')) },
    { name: 'labels.txt', data: readFileSync(join(folder, 'labels.txt')) },
    { name: 'python/predict.py', data: '# sample code from the export\n' },
  ]),
);
const folderSpec = readFileSync(join(dir, 'wf3-custom-vision.yaml'), 'utf8');
const zipSpec = folderSpec.replace('customvision: models/people-detector\n', 'customvision: models/people-detector.zip\n');
assert.is.not(zipSpec, folderSpec);
writeFileSync(join(dir, 'zipped.yaml'), zipSpec);

const env = { ACR_USER: 'u', ACR_PASSWORD: 'p', RTSP_URL: 'rtsp://camera/stream' };
function cli() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (t) => (out.stdout += t) }, stderr: { write: (t) => (out.stderr += t) }, env, cwd: dir } };
}

test('a zipped export compiles to the same build contexts, image tags and manifest as the unzipped folder', async () => {
  const a = cli();
  assert.is(await compile(['wf3-custom-vision.yaml'], { out: 'out-folder' }, a.io), 0, a.out.stderr);
  const b = cli();
  assert.is(await compile(['zipped.yaml'], { out: 'out-zip' }, b.io), 0, b.out.stderr);
  const fromFolder = await readTree(join(dir, 'out-folder'));
  const fromZip = await readTree(join(dir, 'out-zip'));
  assert.equal([...fromZip.keys()], [...fromFolder.keys()], 'the same files, and no archive among them');
  const differing = [...fromFolder.keys()].filter(
    (path) => !Buffer.from(fromFolder.get(path).content).equals(Buffer.from(fromZip.get(path).content)),
  );
  // Only documents that name the model source may differ; the manifest (with its content-hashed image tags) may not.
  assert.ok(
    differing.every((path) => /(^|\/)README\.md$/.test(path)),
    differing.join(', '),
  );
  const model = [...fromZip.keys()].find((path) => path.endsWith('/model/model.onnx'));
  assert.ok(Buffer.from(fromZip.get(model).content).equals(readFileSync(join(folder, 'model.onnx'))));
});

test('edgeml test scores the sample images with the model inside the archive, and leaves no extracted copy behind', async () => {
  const run = async (spec) => {
    const c = cli();
    const code = await testCommand([spec], { json: true }, c.io);
    return { code, report: JSON.parse(c.out.stdout), stderr: c.out.stderr };
  };
  // A private temp folder: other test files running beside this one create edgeml-model-* folders in the shared one.
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = mkdtempSync(join(dir, 'tmp-'));
  const before = new Set(readTmp());
  const zipped = await run('zipped.yaml');
  assert.is(zipped.code, 0, JSON.stringify(zipped.report.diagnostics));
  const unzipped = await run('wf3-custom-vision.yaml');
  const predictions = (r) => r.report.images.map((image) => image.predictions);
  assert.ok(predictions(zipped)[0].length > 0, 'the sample image gets predictions');
  assert.equal(predictions(zipped), predictions(unzipped));
  try {
    assert.equal(
      readTmp().filter((name) => name.startsWith('edgeml-model-') && !before.has(name)),
      [],
    );
  } finally {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
});

function readTmp() {
  return readdirSync(tmpdir());
}

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
