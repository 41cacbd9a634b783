// `edgeml test` as a user runs it (node bin/edgeml.js): real PaddleOCR orientation model on the example spec's
// samples and on fixture images; --json; failing expectations, unreadable images and bad specs exit 1 without stacks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const spec = 'specs/text-orientation.yaml';
const edgeml = (...args) => {
  const r = spawnSync(process.execPath, ['bin/edgeml.js', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** Rows of the predictions table: [image or '', label, score]. */
const rows = (stdout) =>
  stdout
    .split('\n')
    .map((l) => /^(\S*)\s+(\S+)\s+(\d\.\d{4})$/.exec(l))
    .filter(Boolean)
    .map(([, file, label, score]) => [file, label, Number(score)]);

test("the example spec's samples get the right orientation, and model.expect passes", () => {
  const r = edgeml('test', spec);
  assert.is(r.code, 0, r.stderr);
  const table = rows(r.stdout);
  const top = table.filter(([file]) => file !== '');
  assert.equal(
    top.map(([file, label]) => [file.replace(/^.*\//, ''), label]),
    [
      ['text-rotated.jpg', '180'],
      ['text-upright.jpg', '0'],
    ],
  );
  assert.ok(
    top.every(([, , score]) => score > 0.9),
    'confident',
  );
  assert.match(r.stdout, /decode\+preprocess [\d.]+, inference [\d.]+, postprocess [\d.]+/);
  assert.match(r.stdout, "expect top label '180' with score ≥ 0.8 on specs/samples/text/text-rotated.jpg: ok");
  assert.match(r.stdout, '2 of 2 image(s) scored');
});

test('--image scores the given files; --json gives predictions and timings per image', () => {
  const r = edgeml(
    'test',
    spec,
    '--json',
    '--image',
    'test/fixtures/images/text2-rotated.png',
    '--image',
    'test/fixtures/images/text-upright.webp',
  );
  assert.is(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.is(report.ok, true);
  assert.equal(
    report.images.map((i) => i.predictions[0].label),
    ['180', '0'],
  );
  assert.ok(report.images.every((i) => i.timings.inferenceMs > 0 && i.timings.totalMs >= i.timings.inferenceMs));
  assert.is(report.model.input.width, 192);
  // EML3730: the example deploys from localhost:5000 until REGISTRY_ADDRESS is set, and says so.
  assert.equal(
    report.diagnostics.map((d) => d.code).filter((code) => code !== 'EML3730'),
    ['EML7009'],
    'expect is not checked for --image, and says so',
  );
});

test('an expectation that is not met exits 1 with EML7006 at model.expect.label', () => {
  const r = edgeml('test', spec, '--set', 'model.expect.label="0"');
  assert.is(r.code, 1);
  assert.match(r.stdout, 'FAILED');
  assert.match(r.stderr, /specs\/text-orientation\.yaml:\d+:\d+ - error EML7006: The top prediction for '.*text-rotated\.jpg' is '180'/);
  assert.not.match(r.stderr, '    at ');
});

test('unreadable and non-image files fail with one line each, no stack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-testcmd-'));
  try {
    const notImage = join(dir, 'notes.jpg');
    writeFileSync(notImage, 'hello');
    const r = edgeml(
      'test',
      spec,
      '--image',
      join(dir, 'missing.jpg'),
      '--image',
      notImage,
      '--image',
      'test/fixtures/images/text-rotated.jpg',
    );
    assert.is(r.code, 1);
    assert.match(r.stderr, "error EML7004: The image '" + join(dir, 'missing.jpg') + "' cannot be read: no such file.");
    assert.match(r.stderr, 'error EML7005');
    assert.not.match(r.stderr, '    at ');
    assert.equal(
      rows(r.stdout)
        .filter(([f]) => f)
        .map(([, label]) => label),
      ['180'],
      'the good image is still scored',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a spec with errors exits 1 with its diagnostics and scores nothing', () => {
  const r = edgeml('test', spec, '--set', 'model.preprocess.resize=sideways');
  assert.is(r.code, 1);
  assert.match(r.stderr, 'error EML');
  assert.is(r.stdout, '');
});

test.run();
