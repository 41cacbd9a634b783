// Generates the small committed test images under test/fixtures/images/ (text lines rendered from SVG with sharp):
// upright and 180°-rotated "HELLO WORLD" lines for the PaddleOCR orientation classifier, in JPEG, PNG, WebP and BMP.
// Run: node test/helpers/images-fixtures.mjs  (deterministic; the outputs are committed so tests need no fonts).
import sharp from 'sharp';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { encodeBmp24 } from './images-bmp.mjs';

const out = fileURLToPath(new URL('../fixtures/images/', import.meta.url));
mkdirSync(out, { recursive: true });

/** A black text line on white, as an SVG the size of a typical text-line crop. */
function textLineSvg(text, width, height) {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect width="100%" height="100%" fill="white"/>` +
      `<text x="8" y="${Math.round(height * 0.72)}" font-family="DejaVu Sans" font-size="${Math.round(height * 0.6)}" fill="black">${text}</text>` +
      `</svg>`,
  );
}

const upright = await sharp(textLineSvg('HELLO WORLD', 320, 64))
  .flatten({ background: 'white' })
  .png()
  .toBuffer();
const rotated = await sharp(upright).rotate(180).png().toBuffer();

writeFileSync(join(out, 'text-upright.png'), upright);
writeFileSync(join(out, 'text-rotated.png'), rotated);
writeFileSync(join(out, 'text-upright.jpg'), await sharp(upright).jpeg({ quality: 90 }).toBuffer());
writeFileSync(join(out, 'text-rotated.jpg'), await sharp(rotated).jpeg({ quality: 90 }).toBuffer());
writeFileSync(join(out, 'text-upright.webp'), await sharp(upright).webp({ quality: 90 }).toBuffer());
const raw = await sharp(rotated).removeAlpha().raw().toBuffer({ resolveWithObject: true });
writeFileSync(join(out, 'text-rotated.bmp'), encodeBmp24(raw.data, raw.info.width, raw.info.height));
// A second, different line so tests do not hinge on one rendering.
const second = await sharp(textLineSvg('EDGE SCORING 2026', 360, 56))
  .flatten({ background: 'white' })
  .png()
  .toBuffer();
writeFileSync(join(out, 'text2-upright.png'), second);
writeFileSync(join(out, 'text2-rotated.png'), await sharp(second).rotate(180).png().toBuffer());
console.log(`wrote fixtures to ${out}`);
