// Plane geometry for region decoders: convex hull, minimum-area enclosing rectangle (rotating calipers) and the
// corner order PaddleOCR uses for text boxes. Runtime stage (scoring), pure.

export type Point = readonly [number, number];

/** A rectangle at any angle: its centre, side lengths and the unit direction of the `width` side. */
export interface RotatedRect {
  cx: number;
  cy: number;
  width: number;
  height: number;
  /** Unit vector along the width side. */
  ux: number;
  uy: number;
}

const cross = (o: Point, a: Point, b: Point): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** Convex hull (Andrew's monotone chain), counter-clockwise in a y-down frame, without repeated points. */
export function convexHull(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const unique = sorted.filter((p, i) => i === 0 || p[0] !== sorted[i - 1]![0] || p[1] !== sorted[i - 1]![1]);
  if (unique.length <= 2) return unique;
  const lower: Point[] = [];
  for (const p of unique) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = unique.length - 1; i >= 0; i--) {
    const p = unique[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/**
 * The smallest-area rectangle holding every point: one of its sides lies along a hull edge, so each edge direction
 * is tried (rotating calipers). A single point or a segment gives a rectangle with zero height (and width).
 */
export function minAreaRect(points: readonly Point[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length === 0) return { cx: 0, cy: 0, width: 0, height: 0, ux: 1, uy: 0 };
  if (hull.length === 1) return { cx: hull[0]![0], cy: hull[0]![1], width: 0, height: 0, ux: 1, uy: 0 };
  let best: RotatedRect | undefined;
  let bestArea = Infinity;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (length === 0) continue;
    const ux = (b[0] - a[0]) / length;
    const uy = (b[1] - a[1]) / length;
    let minU = Infinity,
      maxU = -Infinity,
      minV = Infinity,
      maxV = -Infinity;
    for (const p of hull) {
      const u = p[0] * ux + p[1] * uy;
      const v = -p[0] * uy + p[1] * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    // Ties (a square, an axis-aligned box found from two edges) keep the first: the scan order is deterministic.
    if (area < bestArea - 1e-9) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = { cx: cu * ux - cv * uy, cy: cu * uy + cv * ux, width: maxU - minU, height: maxV - minV, ux, uy };
    }
  }
  return best!;
}

/** The rectangle grown by `distance` on every side. */
export function growRect(rect: RotatedRect, distance: number): RotatedRect {
  return { ...rect, width: rect.width + 2 * distance, height: rect.height + 2 * distance };
}

/** Corners of a rectangle, in no particular order. */
export function rectCorners(rect: RotatedRect): [Point, Point, Point, Point] {
  const hw = rect.width / 2;
  const hh = rect.height / 2;
  const { cx, cy, ux, uy } = rect;
  const vx = -uy;
  const vy = ux;
  const at = (su: number, sv: number): Point => [cx + su * hw * ux + sv * hh * vx, cy + su * hw * uy + sv * hh * vy];
  return [at(-1, -1), at(1, -1), at(1, 1), at(-1, 1)];
}

/**
 * PaddleOCR's corner order for a text box: of the two leftmost corners the upper is top-left and the lower
 * bottom-left; of the two rightmost the upper is top-right and the lower bottom-right. Returns [TL, TR, BR, BL].
 */
export function orderQuad(corners: readonly Point[]): [Point, Point, Point, Point] {
  const byX = [...corners].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const [l0, l1, r0, r1] = byX as [Point, Point, Point, Point];
  const [tl, bl] = l0[1] <= l1[1] ? [l0, l1] : [l1, l0];
  const [tr, br] = r0[1] <= r1[1] ? [r0, r1] : [r1, r0];
  return [tl, tr, br, bl];
}

/** Whether point (x, y) lies inside the convex quadrilateral (any winding), with `tolerance` pixels of slack. */
export function insideConvexQuad(quad: readonly Point[], x: number, y: number, tolerance = 0): boolean {
  let sign = 0;
  for (let i = 0; i < quad.length; i++) {
    const a = quad[i]!;
    const b = quad[(i + 1) % quad.length]!;
    const ex = b[0] - a[0];
    const ey = b[1] - a[1];
    const length = Math.hypot(ex, ey);
    if (length === 0) continue;
    const side = (ex * (y - a[1]) - ey * (x - a[0])) / length;
    if (Math.abs(side) <= tolerance) continue;
    const s = Math.sign(side);
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}
