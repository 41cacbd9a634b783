// `edgeml test --annotate DIR`: draws each image's predictions onto a copy (quadrilaterals or boxes, with the text a
// cascade read or the label and score) and writes it as DIR/<name>.png, because people check OCR by looking.
// Local stage. Text is drawn with whatever font librsvg finds; without one the shapes are still drawn.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';

export interface DrawnPrediction {
  label: string;
  score: number;
  boxPixels?: { left: number; top: number; width: number; height: number };
  quad?: [number, number][];
  stages?: Record<string, { predictions: { label: string; score: number; text?: string }[]; rotated?: number }>;
}

/** What to write next to a region: the text a stage read, else the label and score. */
export function captionOf(p: DrawnPrediction): string {
  const text = Object.values(p.stages ?? {}).flatMap((s) =>
    s.predictions.map((q) => q.text).filter((t): t is string => t !== undefined),
  )[0];
  const turned = Object.values(p.stages ?? {}).some((s) => s.rotated) ? ' ↻' : '';
  return text !== undefined ? `${text}${turned}` : `${p.label} ${p.score.toFixed(2)}`;
}

const escapeXml = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The image with its predictions drawn on it, as PNG. */
export async function annotateImage(bytes: Uint8Array, predictions: readonly DrawnPrediction[]): Promise<Buffer> {
  const image = sharp(bytes).rotate(); // EXIF orientation applied, as the scorer saw it
  const { data, info } = await image.png().toBuffer({ resolveWithObject: true });
  const size = Math.max(12, Math.round(Math.min(info.width, info.height) / 28));
  const shapes = predictions.map((p) => {
    const points = p.quad ?? (p.boxPixels ? corners(p.boxPixels) : undefined);
    if (!points) return '';
    const [x, y] = points.reduce(([ax, ay], [px, py]) => [Math.min(ax, px), Math.min(ay, py)], [Infinity, Infinity]);
    const polygon = `<polygon points="${points.map(([px, py]) => `${px},${py}`).join(' ')}" fill="none" stroke="#e4002b" stroke-width="2"/>`;
    const caption = `<text x="${x}" y="${Math.max(size, y - 3)}" font-family="DejaVu Sans, sans-serif" font-size="${size}" fill="#e4002b" stroke="#ffffff" stroke-width="3" paint-order="stroke">${escapeXml(captionOf(p))}</text>`;
    return polygon + caption;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${info.width}" height="${info.height}">${shapes.join('')}</svg>`;
  return sharp(data)
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
}

/** Writes the annotated copy of `file` into `dir` (created when missing); returns the path written. */
export async function writeAnnotatedImage(
  dir: string,
  file: string,
  bytes: Uint8Array,
  predictions: readonly DrawnPrediction[],
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const out = join(dir, `${basename(file, extname(file))}.png`);
  await writeFile(out, await annotateImage(bytes, predictions));
  return out;
}

const corners = (b: { left: number; top: number; width: number; height: number }): [number, number][] => [
  [b.left, b.top],
  [b.left + b.width, b.top],
  [b.left + b.width, b.top + b.height],
  [b.left, b.top + b.height],
];
