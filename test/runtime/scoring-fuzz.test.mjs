// Robustness: corrupted and hostile inputs (valid magic numbers followed by garbage, truncated files, crafted BMP
// headers) must end in an InputError with a 4xx status or a normal result, never in another error or a crash.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sharp from 'sharp';
import { prepareImage } from '../../dist/runtime/scoring/preprocess.js';
import { encodeBmp24 } from '../helpers/images-bmp.mjs';

const input = {
  name: 'x',
  width: 16,
  height: 16,
  layout: 'NCHW',
  elementType: 'float32',
  dynamicBatch: false,
  colorOrder: 'RGB',
  resize: 'letterbox',
  scale: 1,
  mean: [0, 0, 0],
  std: [1, 1, 1],
  padValue: 0,
};

/** Deterministic pseudo-random bytes. */
function noise(seed, length) {
  let a = seed >>> 0;
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    out[i] = a >>> 24;
  }
  return out;
}

async function outcome(bytes) {
  try {
    await prepareImage(bytes, input);
    return 'ok';
  } catch (error) {
    if (error?.name === 'InputError' && [400, 413, 415].includes(error.status)) return `input-error ${error.status}`;
    return `UNEXPECTED ${error?.name}: ${error?.message}`;
  }
}

test('valid magic numbers followed by garbage, and truncations of real images', async () => {
  const real = [
    await sharp({ create: { width: 40, height: 30, channels: 3, background: '#a53' } })
      .jpeg()
      .toBuffer(),
    await sharp({ create: { width: 40, height: 30, channels: 4, background: '#a53f' } })
      .png()
      .toBuffer(),
    await sharp({ create: { width: 40, height: 30, channels: 3, background: '#a53' } })
      .webp()
      .toBuffer(),
    encodeBmp24(Buffer.alloc(40 * 30 * 3, 90), 40, 30),
  ];
  const cases = [];
  for (const [i, bytes] of real.entries()) {
    for (const cut of [2, 10, 30, 60, Math.floor(bytes.length / 2), bytes.length - 1]) cases.push(bytes.subarray(0, cut));
    for (let seed = 0; seed < 8; seed++) cases.push(Buffer.concat([bytes.subarray(0, 26), noise(seed * 31 + i, 300)]));
    // Flip bytes in the middle of an otherwise valid file.
    const flipped = Buffer.from(bytes);
    for (let k = 20; k < flipped.length; k += 7) flipped[k] ^= 0x5a;
    cases.push(flipped);
  }
  const unexpected = [];
  for (const [i, bytes] of cases.entries()) {
    const result = await outcome(bytes);
    if (result.startsWith('UNEXPECTED')) unexpected.push(`case ${i}: ${result}`);
  }
  assert.equal(unexpected, []);
});

test('crafted BMP headers: huge sizes, negative width, bad bit depths and palettes', async () => {
  const bmp = (edit) => {
    const b = encodeBmp24(Buffer.alloc(4 * 4 * 3, 1), 4, 4);
    edit(b);
    return b;
  };
  const cases = [
    bmp((b) => b.writeInt32LE(100000, 18)), // width far beyond the data
    bmp((b) => b.writeInt32LE(-4, 18)),
    bmp((b) => b.writeInt32LE(-4, 22)), // top-down: valid
    bmp((b) => b.writeInt32LE(1 << 30, 22)),
    bmp((b) => b.writeUInt16LE(16, 28)),
    bmp((b) => b.writeUInt16LE(8, 28) && b.writeUInt32LE(1 << 30, 46)), // palette larger than the file
    bmp((b) => b.writeUInt32LE(0xffffffff, 10)), // pixel data offset past the end
    bmp((b) => b.writeUInt32LE(12, 14)), // old OS/2 header
  ];
  const results = [];
  for (const bytes of cases) results.push(await outcome(bytes));
  assert.ok(
    results.every((r) => !r.startsWith('UNEXPECTED')),
    results.join('\n'),
  );
  assert.is(results[2], 'ok', 'a top-down BMP is fine');
  assert.is(results[3], 'input-error 413', 'an absurd size is refused as too large');
});

test.run();
