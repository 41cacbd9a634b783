// Pixels for cascade stages: cut a region (a quadrilateral, possibly tilted) out of the decoded image as an upright
// rectangle, turn it by a multiple of 90 degrees, and fit it to a stage's network input. Runtime stage (scoring),
// used by cascade.ts.
import sharp from 'sharp';
import { planResize } from './geometry.js';
import type { ResolvedInput, PreparedImage } from './preprocess.js';
import type { Quad } from './decoders/index.js';

/** Packed RGB pixels. */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

type Vec = [number, number];
const sub = (a: Vec, b: Vec): Vec => [a[0] - b[0], a[1] - b[1]];
const length = (v: Vec): number => Math.hypot(v[0], v[1]);

/** Side lengths of a quadrilateral [TL, TR, BR, BL]: the longer of each pair of opposite sides. */
export function quadSize(quad: Quad): { width: number; height: number } {
  const [tl, tr, br, bl] = quad;
  return { width: Math.max(length(sub(tr, tl)), length(sub(br, bl))), height: Math.max(length(sub(bl, tl)), length(sub(br, tr))) };
}

/** The pixel size cropQuad will give for this quad and padding (before any turn). */
export function cropSize(quad: Quad, padding: number): { width: number; height: number } {
  const { width, height } = quadSize(quad);
  const pad = padding * Math.min(width, height);
  return { width: Math.max(1, Math.round(width + 2 * pad)), height: Math.max(1, Math.round(height + 2 * pad)) };
}

/**
 * Cuts the quadrilateral [TL, TR, BR, BL] out of `image` as an upright rectangle: the top edge becomes horizontal
 * (PaddleOCR's rotated crop), `padding` times the shorter side is added around it, samples are bilinear and the
 * border pixels repeat outside the image. A crop at least 1.5 times taller than wide is turned a quarter to lie
 * flat, as PaddleOCR does for vertical text.
 */
export function cropQuad(image: RgbImage, quad: Quad, padding: number): RgbImage {
  const [tl, tr, , bl] = quad;
  const { width: w, height: h } = quadSize(quad);
  const pad = padding * Math.min(w, h);
  const { width: W, height: H } = cropSize(quad, padding);
  const top = sub(tr, tl);
  const side = sub(bl, tl);
  const u: Vec = length(top) > 0 ? [top[0] / length(top), top[1] / length(top)] : [1, 0];
  const v: Vec = length(side) > 0 ? [side[0] / length(side), side[1] / length(side)] : [-u[1], u[0]];
  const ox = tl[0] - pad * u[0] - pad * v[0];
  const oy = tl[1] - pad * u[1] - pad * v[1];
  const su = (w + 2 * pad) / W;
  const sv = (h + 2 * pad) / H;
  const out = Buffer.alloc(W * H * 3);
  const src = image.data;
  const maxX = image.width - 1;
  const maxY = image.height - 1;
  for (let j = 0; j < H; j++) {
    const dv = (j + 0.5) * sv;
    for (let i = 0; i < W; i++) {
      const du = (i + 0.5) * su;
      // Continuous source position, then to pixel-centre coordinates.
      const x = Math.min(maxX, Math.max(0, ox + du * u[0] + dv * v[0] - 0.5));
      const y = Math.min(maxY, Math.max(0, oy + du * u[1] + dv * v[1] - 0.5));
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const x1 = Math.min(maxX, x0 + 1);
      const y1 = Math.min(maxY, y0 + 1);
      const fx = x - x0;
      const fy = y - y0;
      const a = (y0 * image.width + x0) * 3;
      const b = (y0 * image.width + x1) * 3;
      const c = (y1 * image.width + x0) * 3;
      const d = (y1 * image.width + x1) * 3;
      const o = (j * W + i) * 3;
      for (let k = 0; k < 3; k++) {
        const topRow = src[a + k]! + (src[b + k]! - src[a + k]!) * fx;
        const bottomRow = src[c + k]! + (src[d + k]! - src[c + k]!) * fx;
        out[o + k] = Math.round(topRow + (bottomRow - topRow) * fy);
      }
    }
  }
  const crop = { data: out, width: W, height: H };
  return H >= 1.5 * W ? turn(crop, 270) : crop;
}

/** The image turned clockwise by 90, 180 or 270 degrees. */
export function turn(image: RgbImage, degrees: 90 | 180 | 270): RgbImage {
  const { data, width, height } = image;
  const W = degrees === 180 ? width : height;
  const H = degrees === 180 ? height : width;
  const out = Buffer.alloc(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Where source pixel (x, y) lands.
      const [nx, ny] = degrees === 90 ? [height - 1 - y, x] : degrees === 180 ? [width - 1 - x, height - 1 - y] : [y, width - 1 - x];
      data.copy(out, (ny * W + nx) * 3, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return { data: out, width: W, height: H };
}

/** Fits decoded pixels to a stage's network input exactly as prepareImage fits image bytes (same resize plans and kernel). */
export async function prepareRgb(image: RgbImage, input: ResolvedInput): Promise<PreparedImage> {
  const geometry = planResize(input.resize, image.width, image.height, input.width, input.height);
  let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).resize(
    geometry.contentWidth,
    geometry.contentHeight,
    { fit: 'fill', kernel: 'linear' },
  );
  let placeX = geometry.offsetX;
  let placeY = geometry.offsetY;
  if (placeX < 0 || placeY < 0) {
    pipeline = pipeline.extract({ left: -placeX, top: -placeY, width: input.width, height: input.height });
    placeX = 0;
    placeY = 0;
  }
  const raw = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { rgb: raw.data, rgbWidth: raw.info.width, rgbHeight: raw.info.height, placeX, placeY, geometry };
}
