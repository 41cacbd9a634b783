// Compiling the OCR example (specs/ocr.yaml) for its Raspberry Pi (arm64v8) and for amd64: the scoring module's build
// context carries all three models where its config names them, and the config is one the scoring runtime accepts
// (a cascade with the crop settings, the turn, and the recogniser's 6,625-class alphabet).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileGolden, describeDiagnostics, goldenEnv, root } from './_golden.mjs';
import { compileInMemory } from '../../dist/cli/commands/compile.js';
import { validateScoringConfig } from '../../dist/runtime/scoring/config.js';
import { compileContract } from '../../dist/contracts/validate.js';

const SPEC = 'specs/ocr.yaml';
const fileOf = (compiled, path) => compiled.files.find((f) => f.path === path)?.content;

// amd64 means another device too: an Ubuntu VM instead of the Pi.
for (const platform of ['arm64v8', 'amd64']) {
  test(`${platform}: the scoring module carries the three models and a valid cascade config`, async () => {
    const compiled =
      platform === 'arm64v8'
        ? await compileGolden(SPEC)
        : await compileInMemory(SPEC, {
            env: goldenEnv(SPEC),
            cwd: root,
            sets: [`target.platform=${platform}`, 'target.device=ubuntu-vm', 'target.os=ubuntu-24.04'],
          });
    assert.ok(compiled.files.length > 0, describeDiagnostics(compiled));
    const dir = 'modules/ocr';
    assert.ok(fileOf(compiled, `${dir}/Dockerfile.${platform}`), `Dockerfile.${platform}`);
    const config = validateScoringConfig(JSON.parse(fileOf(compiled, `${dir}/config.json`)));
    assert.is(config.decoder.kind, 'text-detection');
    assert.equal(
      config.cascade.stages.map((s) => [s.name, s.model.path]),
      [
        ['orientation', 'model/stages/orientation.onnx'],
        ['text', 'model/stages/text.onnx'],
      ],
    );
    assert.equal(config.cascade.stages[0].crop, { padding: 0.15, maxRegions: 50, minSize: 4 });
    assert.equal(config.cascade.stages[0].rotate, { label: '180', degrees: 180, minScore: 0.9 });
    assert.is(config.cascade.stages[1].maxWidth, 1280);
    const { alphabet, blank } = config.cascade.stages[1].decoder;
    assert.equal([alphabet.length, blank, alphabet[0], alphabet[alphabet.length - 1]], [6625, 0, '', ' ']);
    assert.ok(alphabet.includes('\u3000'), 'the full-width space entry of the keys file survives');
    const same = (path, specPath) =>
      assert.ok(Buffer.from(fileOf(compiled, `${dir}/${path}`)).equals(readFileSync(join(root, 'specs', specPath))), path);
    same('model/model.onnx', 'models/ocr/text-detection.onnx');
    same('model/stages/orientation.onnx', 'models/text-orientation/model.onnx');
    same('model/stages/text.onnx', 'models/ocr/text-recognition.onnx');
  });
}

test('the capture output contract nests the stages: quads on lines, orientation with its turn, text; nothing else', async () => {
  const compiled = await compileGolden(SPEC);
  const contract = compileContract(JSON.parse(fileOf(compiled, 'contracts/scanner.pages.schema.json')));
  const line = (stages) => ({
    probability: 0.9,
    tagId: 0,
    tagName: 'text',
    boundingBox: { left: 0.1, top: 0.1, width: 0.5, height: 0.1 },
    quad: [
      [1, 2],
      [3, 2],
      [3, 4],
      [1, 4],
    ],
    ...(stages ? { stages } : {}),
  });
  const read = {
    orientation: { predictions: [{ probability: 1, tagId: 1, tagName: '180' }], rotated: 180 },
    text: { predictions: [{ probability: 0.99, tagId: 0, tagName: 'FRAGILE', text: 'FRAGILE' }] },
  };
  const body = (predictions) => ({
    id: 'x',
    project: 'ocr',
    iteration: '',
    created: '2026-12-07T18:00:00.000Z',
    predictions,
    summary: { count: predictions.length, topProbability: 0.9, topTagName: 'text' },
    timings: { preprocessMs: 1, inferenceMs: 1, postprocessMs: 1, totalMs: 3, batchSize: 1 },
  });
  assert.equal(contract(body([line(read), line()])), [], 'a read line, and a line left uncropped');
  assert.ok(contract(body([line({ orientation: read.orientation })])).length > 0, 'a cropped line lacks its text stage');
  assert.ok(contract(body([line({ ...read, orientation: { ...read.orientation, rotated: 90 } })])).length > 0, 'only 0 or 180');
  assert.ok(contract(body([{ ...line(read), quad: undefined }])).length > 0, 'text regions carry quads');
});

test.run();
