// image-header.ts must agree with sharp's metadata (format and size after EXIF orientation) for the formats it reads,
// and step aside (undefined) for anything unusual, so preprocessing never sees a wrong size.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sharp from 'sharp';
import { readFileSync, readdirSync } from 'node:fs';
import { readImageHeader } from '../../dist/runtime/scoring/image-header.js';
import { FIXTURE_IMAGES } from '../helpers/onnx-configs.mjs';

async function sharpSays(bytes) {
  const m = await sharp(bytes).metadata();
  return { format: m.format, width: m.autoOrient?.width ?? m.width, height: m.autoOrient?.height ?? m.height };
}

const base = () => sharp({ create: { width: 37, height: 21, channels: 3, background: '#3a6' } });
const baseAlpha = () => sharp({ create: { width: 29, height: 40, channels: 4, background: { r: 1, g: 2, b: 3, alpha: 0.5 } } });

test('JPEG with every EXIF orientation, progressive and plain', async () => {
  for (let orientation = 1; orientation <= 8; orientation++) {
    const jpeg = await base().jpeg().withMetadata({ orientation }).toBuffer();
    assert.equal(readImageHeader(jpeg), await sharpSays(jpeg), `orientation ${orientation}`);
  }
  const progressive = await base().jpeg({ progressive: true }).toBuffer();
  assert.equal(readImageHeader(progressive), await sharpSays(progressive));
});

test('PNG (RGB, alpha, grey) and WebP (lossy, lossless, alpha)', async () => {
  const samples = [
    await base().png().toBuffer(),
    await baseAlpha().png().toBuffer(),
    await base().greyscale().png().toBuffer(),
    await base().webp({ quality: 80 }).toBuffer(),
    await base().webp({ lossless: true }).toBuffer(),
    await baseAlpha().webp({ quality: 80 }).toBuffer(),
  ];
  for (const bytes of samples) {
    const header = readImageHeader(bytes);
    assert.ok(header, 'read in JavaScript');
    assert.equal(header, await sharpSays(bytes));
  }
});

test('the committed fixtures agree with sharp', async () => {
  for (const name of readdirSync(FIXTURE_IMAGES).filter((n) => !n.endsWith('.bmp'))) {
    const bytes = readFileSync(FIXTURE_IMAGES + name);
    assert.equal(readImageHeader(bytes), await sharpSays(bytes), name);
  }
});

test('unusual or broken headers are left to sharp', async () => {
  assert.is(readImageHeader(Buffer.from('not an image')), undefined);
  const jpeg = await base().jpeg().toBuffer();
  assert.is(readImageHeader(jpeg.subarray(0, 40)), undefined, 'truncated before the frame header');
  const webpExif = await base().webp().withMetadata({ orientation: 6 }).toBuffer();
  const header = readImageHeader(webpExif);
  assert.ok(header === undefined || header.width === (await sharpSays(webpExif)).width, 'WebP with EXIF goes to sharp');
  const gif = await base().gif().toBuffer();
  assert.is(readImageHeader(gif), undefined);
});

test.run();
