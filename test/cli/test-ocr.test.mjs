// `edgeml test specs/ocr.yaml` as a user runs it: the OCR cascade compiled from the example spec reads the project's
// rendered samples (every line found, upside-down lines turned, ≥ 95% of characters right, checked on --json), the
// table shows each line's text, and --annotate writes one PNG per image the size of the original (or one error).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { OCR_TRUTH, gradeOcr, regionsOf } from '../helpers/ocr-cascade.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const edgeml = (...args) => {
  const r = spawnSync(process.execPath, ['bin/edgeml.js', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 300_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

test('the example spec reads its samples: every line, turned where upside down, ≥ 95% of characters (--json)', () => {
  const r = edgeml('test', 'specs/ocr.yaml', '--json');
  assert.is(r.code, 0, r.stderr + r.stdout.slice(0, 2000));
  const report = JSON.parse(r.stdout);
  assert.is(report.expectation.ok, true);
  assert.equal(
    report.model.stages.map((s) => s.name),
    ['orientation', 'text'],
  );
  for (const image of report.images) {
    const file = image.file.replace(/^.*\//, '');
    assert.is(image.predictions.length, OCR_TRUTH[file].length, `${file}: ${JSON.stringify(regionsOf(image.predictions))}`);
    const { pairs, accuracy } = gradeOcr(file, regionsOf(image.predictions));
    for (const pair of pairs) assert.is(pair.turned, pair.upsideDown ? 180 : 0, `${file}: '${pair.truth}' read as '${pair.read}'`);
    assert.ok(accuracy >= 0.95, `${file}: character accuracy ${accuracy.toFixed(3)} ${JSON.stringify(pairs)}`);
  }
});

test('the table shows each line with its orientation and text; --annotate writes the images', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-annotate-'));
  try {
    const r = edgeml('test', 'specs/ocr.yaml', '--image', 'specs/samples/ocr/shipping-label.png', '--annotate', join(dir, 'out'));
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /↳ orientation: 180 \([\d.]+\), turned 180° · text: "Keep this side up" \([\d.]+\)/);
    assert.match(r.stdout, /↳ orientation: 0 \([\d.]+\) · text: "FRAGILE"/);
    assert.equal(readdirSync(join(dir, 'out')), ['shipping-label.png']);
    const meta = await sharp(join(dir, 'out', 'shipping-label.png')).metadata();
    assert.equal([meta.format, meta.width, meta.height], ['png', 720, 340]);
    const original = await sharp(join(root, 'specs/samples/ocr/shipping-label.png')).raw().toBuffer();
    const drawn = await sharp(join(dir, 'out', 'shipping-label.png'))
      .removeAlpha()
      .raw()
      .toBuffer();
    assert.not.equal(Buffer.compare(original, drawn), 0, 'something was drawn');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an --annotate folder that cannot be made is one EML7010 error (the images are still scored), exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-annotate-'));
  try {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const r = edgeml('test', 'specs/text-orientation.yaml', '--annotate', join(blocker, 'out'));
    assert.is(r.code, 1);
    assert.is(r.stderr.match(/EML7010/g)?.length, 1, r.stderr);
    assert.match(r.stderr, /cannot be written to '.*a-file\/out': ENOTDIR/);
    assert.match(r.stdout, '2 of 2 image(s) scored');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
