// Resize geometry: where an original image lands in the network input for each resize mode, and the inverse
// mapping that turns network-space boxes back into original-image boxes (pixels and 0..1). Runtime stage, pure.
import type { ResizeMode } from './config.js';

/** How one image was fitted to the network input: network = original * (content / original) + offset. */
export interface ImageGeometry {
  originalWidth: number;
  originalHeight: number;
  networkWidth: number;
  networkHeight: number;
  /** Size the whole original image is scaled to. */
  contentWidth: number;
  contentHeight: number;
  /** Network coordinates of the scaled image's top-left corner (negative when the image is cropped). */
  offsetX: number;
  offsetY: number;
}

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

type Planner = (
  ow: number,
  oh: number,
  nw: number,
  nh: number,
) => Pick<ImageGeometry, 'contentWidth' | 'contentHeight' | 'offsetX' | 'offsetY'>;

const atLeastOne = (n: number): number => Math.max(1, n);

const planners: Record<ResizeMode, Planner> = {
  stretch: (_ow, _oh, nw, nh) => ({ contentWidth: nw, contentHeight: nh, offsetX: 0, offsetY: 0 }),
  letterbox: (ow, oh, nw, nh) => {
    const s = Math.min(nw / ow, nh / oh);
    const cw = Math.min(nw, atLeastOne(Math.round(ow * s)));
    const ch = Math.min(nh, atLeastOne(Math.round(oh * s)));
    return { contentWidth: cw, contentHeight: ch, offsetX: Math.floor((nw - cw) / 2), offsetY: Math.floor((nh - ch) / 2) };
  },
  crop: (ow, oh, nw, nh) => {
    const s = Math.max(nw / ow, nh / oh);
    const cw = Math.max(nw, Math.round(ow * s));
    const ch = Math.max(nh, Math.round(oh * s));
    return { contentWidth: cw, contentHeight: ch, offsetX: -Math.floor((cw - nw) / 2), offsetY: -Math.floor((ch - nh) / 2) };
  },
  // PaddleOCR's resize_norm_img: height fits exactly, width follows the ratio (rounded up) but never exceeds the input.
  'pad-right': (ow, oh, nw, nh) => ({
    contentWidth: Math.min(nw, atLeastOne(Math.ceil((ow * nh) / oh))),
    contentHeight: nh,
    offsetX: 0,
    offsetY: 0,
  }),
};

export function planResize(
  mode: ResizeMode,
  originalWidth: number,
  originalHeight: number,
  networkWidth: number,
  networkHeight: number,
): ImageGeometry {
  const plan = planners[mode](originalWidth, originalHeight, networkWidth, networkHeight);
  return { originalWidth, originalHeight, networkWidth, networkHeight, ...plan };
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * Maps a box given as corners in network pixels back onto the original image, clipped to it.
 * Returns null when nothing of the box is left inside the image (e.g. it lies entirely in the padding).
 */
export function networkBoxToImage(
  g: ImageGeometry,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
): { pixels: Box; normalized: Box } | null {
  const sx = g.originalWidth / g.contentWidth;
  const sy = g.originalHeight / g.contentHeight;
  const left = clamp((Math.min(x1, x2) - g.offsetX) * sx, 0, g.originalWidth);
  const right = clamp((Math.max(x1, x2) - g.offsetX) * sx, 0, g.originalWidth);
  const top = clamp((Math.min(y1, y2) - g.offsetY) * sy, 0, g.originalHeight);
  const bottom = clamp((Math.max(y1, y2) - g.offsetY) * sy, 0, g.originalHeight);
  if (right - left <= 0 || bottom - top <= 0) return null;
  const pixels = { left, top, width: right - left, height: bottom - top };
  const normalized = {
    left: left / g.originalWidth,
    top: top / g.originalHeight,
    width: pixels.width / g.originalWidth,
    height: pixels.height / g.originalHeight,
  };
  return { pixels: roundBox(pixels, 2), normalized: roundBox(normalized, 8) };
}

function roundBox(b: Box, digits: number): Box {
  const f = 10 ** digits;
  const r = (v: number): number => Math.round(v * f) / f;
  return { left: r(b.left), top: r(b.top), width: r(b.width), height: r(b.height) };
}
