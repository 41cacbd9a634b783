// The resolve stage: files the spec names must exist inside its folder, labels files are read, and the spec is
// compared with the real ONNX model, with mismatches reported at the spec's own lines.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWorkflow } from '../../dist/program.js';
import { LineIndex } from '../../dist/diagnostics/line-index.js';
import { createZip } from '../helpers/onnx-zip.mjs';

const model = readFileSync('specs/models/text-orientation/model.onnx');
const SPEC = `edgeml: 1
name: files
task: image-classification
model:
  source: { file: models/cls.onnx }
  labelsFile: labels.txt
  preprocess: { width: 192, height: 48, resize: pad-right }
  postprocess: { activation: none }
  samples: [samples/a.jpg]
azure:
  resourceGroup: rg
  iotHub: { name: hub-1 }
  registry: { create: { name: demoregistry } }
  device: { id: dev1 }
target: { platform: amd64, runtime: "1.6" }
modules:
  scorer: { type: scoring }
  cam:
    type: image-capture
    source: { folder: frames }
    sendTo: scorer
routes:
  - from: cam
    to: upstream
`;

async function load(files, text = SPEC) {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-files-'));
  try {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      if (content === null) mkdirSync(join(dir, path), { recursive: true });
      else if (typeof content === 'object' && content.symlink) symlinkSync(content.symlink, join(dir, path));
      else writeFileSync(join(dir, path), content);
    }
    writeFileSync(join(dir, 'spec.yaml'), text);
    const result = await loadWorkflow('spec.yaml', { cwd: dir, env: {} });
    const index = new LineIndex(text);
    return { ...result, found: result.diagnostics.map((d) => ({ id: d.id, ...index.position(d.start ?? 0), message: d.message })) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const complete = () => ({ 'models/cls.onnx': model, 'labels.txt': '0\n180\n', 'samples/a.jpg': 'x', 'frames/1.png': 'x' });

test('a complete folder resolves: labels are read from the file', async () => {
  const r = await load(complete());
  assert.equal(
    r.found.filter((d) => !d.id.startsWith('resolve/modelDeferred')),
    [],
  );
  assert.equal(r.ir.model.labels, ['0', '180']);
});

test('the IR is immutable once lowered and resolved: a later stage cannot change what another sees', async () => {
  const r = await load(complete());
  assert.ok(Object.isFrozen(r.ir) && Object.isFrozen(r.ir.model) && Object.isFrozen(r.ir.model.labels));
  assert.ok(r.ir.modules.every((m) => Object.isFrozen(m) && Object.isFrozen(m.path)));
  assert.throws(() => {
    r.ir.model.labels.push('90');
  }, TypeError);
  assert.throws(() => {
    r.ir.modules[0].name = 'other';
  }, TypeError);
});

test('every missing file is reported at the line that names it', async () => {
  const r = await load({ 'labels.txt': '', frames: null });
  const ids = r.found.map((d) => `${d.id}@${d.line}`);
  assert.ok(ids.includes('resolve/fileMissing@5'), ids.join());
  assert.ok(ids.includes('resolve/labelsEmpty@6'), ids.join());
  assert.ok(ids.includes('resolve/fileMissing@9'), ids.join());
  assert.ok(ids.includes('resolve/folderEmpty@20'), ids.join());
  assert.is(r.ir, undefined);
});

test('a symbolic link that leaves the spec folder is refused', async () => {
  const files = complete();
  delete files['samples/a.jpg'];
  files['samples/a.jpg'] = { symlink: '/etc/hostname' };
  const r = await load(files);
  assert.ok(
    r.found.some((d) => d.id === 'resolve/escapesFolder' && d.line === 9),
    JSON.stringify(r.found),
  );
});

const CV_SPEC = SPEC.replace('source: { file: models/cls.onnx }', 'source: { customvision: export.zip }').replace(
  '  labelsFile: labels.txt\n',
  '',
);

test('a zipped Custom Vision export is read in place: labels from the archive, the model compared with the spec', async () => {
  const zip = createZip([
    { name: 'model.onnx', data: model },
    { name: 'labels.txt', data: '0\n180\n' },
    { name: 'python/predict.py', data: '' },
  ]);
  const r = await load({ ...complete(), 'export.zip': zip }, CV_SPEC);
  assert.equal(r.found, []);
  assert.equal(r.ir.model.labels, ['0', '180']);
  assert.is(r.modelInfo.inputs[0].name, 'x');
  // The same archive with three labels: the model's two classes are reported at the spec line.
  const three = await load(
    {
      ...complete(),
      'export.zip': createZip([
        { name: 'model.onnx', data: model },
        { name: 'labels.txt', data: 'a\nb\nc\n' },
      ]),
    },
    CV_SPEC,
  );
  assert.ok(
    three.found.some((d) => d.id === 'resolve/modelLabelCount' && d.line === 5),
    JSON.stringify(three.found),
  );
});

test('a damaged export, or one without model.onnx or labels.txt, is reported at model.source', async () => {
  const notZip = await load({ ...complete(), 'export.zip': 'PK' }, CV_SPEC);
  assert.ok(
    notZip.found.some((d) => d.id === 'resolve/archiveUnreadable' && d.line === 5 && /not a zip/.test(d.message)),
    JSON.stringify(notZip.found),
  );
  const empty = await load({ ...complete(), 'export.zip': createZip([{ name: 'readme.txt', data: 'x' }]) }, CV_SPEC);
  assert.equal(
    empty.found.filter((d) => d.id === 'resolve/archiveEntryMissing').map((d) => [d.line, /'(\S+)'\.$/.exec(d.message)[1]]),
    [
      [5, 'model.onnx'],
      [5, 'labels.txt'],
    ],
  );
  const missing = await load(complete(), CV_SPEC);
  assert.ok(
    missing.found.some((d) => d.id === 'resolve/fileMissing' && d.line === 5),
    JSON.stringify(missing.found),
  );
});

test("a wrong model/spec pairing is reported at the spec line with the model's values", async () => {
  const text = SPEC.replace(
    'preprocess: { width: 192, height: 48, resize: pad-right }',
    'preprocess: { width: 224, height: 224, layout: NHWC, resize: pad-right }',
  ).replace('labelsFile: labels.txt', 'labels: [a, b, c]');
  const r = await load(complete(), text);
  const mismatches = r.found.filter((d) => d.id.startsWith('resolve/model'));
  assert.ok(mismatches.length >= 2, JSON.stringify(mismatches));
  const layout = mismatches.find((d) => /layout|NCHW/.test(d.message));
  assert.ok(layout, JSON.stringify(mismatches));
  assert.is(layout.line, 7);
  const labels = mismatches.find((d) => d.id === 'resolve/modelLabelCount');
  assert.ok(labels);
  assert.is(labels.line, 6);
  assert.match(labels.message, '2');
});

test('a decoder that does not fit the model is reported where model.postprocess says it', async () => {
  const r = await load(complete(), SPEC.replace('postprocess: { activation: none }', 'postprocess: { activation: none, output: probs }'));
  const found = r.found.filter((d) => d.id === 'resolve/modelMismatch');
  assert.equal(
    found.map((d) => [d.line, d.column]),
    [[8, 44]],
    JSON.stringify(r.found),
  ); // at 'probs'
  assert.match(found[0].message, /no output 'probs'/);
});

test('a file that is not ONNX is reported at model.source', async () => {
  const files = complete();
  files['models/cls.onnx'] = '{"not": "onnx"}';
  const r = await load(files);
  const error = r.found.find((d) => d.id === 'resolve/modelUnreadable');
  assert.ok(error, JSON.stringify(r.found));
  assert.is(error.line, 5);
  assert.not.match(error.message, tmpdir(), 'no absolute temp paths in messages');
});

test('Custom Vision sources default to BGR and raw pixel values; xyActivation reaches the IR', async () => {
  const text = SPEC.replace('source: { file: models/cls.onnx }', 'source: { customvision: cv }')
    .replace('  labelsFile: labels.txt\n', '')
    .replace('task: image-classification', 'task: object-detection')
    .replace('  postprocess: { activation: none }\n', '  postprocess: { format: yolo-grid, xyActivation: none }\n')
    .replace('preprocess: { width: 192, height: 48, resize: pad-right }', 'preprocess: {}');
  const files = {
    'cv/model.onnx': readFileSync('specs/models/people-detector/model.onnx'),
    'cv/labels.txt': 'person\n',
    'samples/a.jpg': 'x',
    'frames/1.png': 'x',
  };
  const r = await load(files, text);
  assert.equal(
    r.found.filter((d) => !d.id.includes('Deferred')),
    [],
  );
  assert.is(r.ir.model.preprocess.colorOrder, 'BGR');
  assert.is(r.ir.model.preprocess.scale, 1);
  assert.is(r.ir.model.decoder.xyActivation, 'none');
  assert.equal(r.ir.model.labels, ['person']);
});

test.run();
