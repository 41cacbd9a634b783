// Draws the scoring answer onto a frame: boxes (normalised 0..1, scaled to the frame's real size, unlike the seed's
// hard-coded 256) with label and score, or the top label for classifiers. Runtime stage (capture), used by the view.

export interface Overlay {
  label: string;
  score: number;
  /** Relative to the frame, 0..1. */
  box?: { left: number; top: number; width: number; height: number };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Reads the predictions of a Custom Vision style answer ({predictions: [{probability, tagName, boundingBox?}]}). */
export function overlaysFromAnswer(answer: unknown, minScore: number): Overlay[] {
  const predictions = isRecord(answer) && Array.isArray(answer.predictions) ? answer.predictions : [];
  const overlays: Overlay[] = [];
  for (const p of predictions) {
    if (!isRecord(p) || !isFiniteNumber(p.probability) || p.probability < minScore) continue;
    const label = typeof p.tagName === 'string' ? p.tagName : String(p.tagId ?? '?');
    const b = p.boundingBox;
    const box =
      isRecord(b) && isFiniteNumber(b.left) && isFiniteNumber(b.top) && isFiniteNumber(b.width) && isFiniteNumber(b.height)
        ? { left: b.left, top: b.top, width: b.width, height: b.height }
        : undefined;
    overlays.push({ label, score: p.probability, ...(box ? { box } : {}) });
  }
  return overlays;
}

/** Pixel rectangles for the boxes on a frame of the given size, clamped to the frame. */
export function boxesInPixels(
  overlays: readonly Overlay[],
  width: number,
  height: number,
): { x: number; y: number; w: number; h: number; overlay: Overlay }[] {
  const clamp = (v: number, max: number): number => Math.min(max, Math.max(0, v));
  return overlays
    .filter((o) => o.box)
    .map((overlay) => {
      const b = overlay.box!;
      const x = clamp(Math.round(b.left * width), width);
      const y = clamp(Math.round(b.top * height), height);
      const x2 = clamp(Math.round((b.left + b.width) * width), width);
      const y2 = clamp(Math.round((b.top + b.height) * height), height);
      return { x, y, w: Math.max(1, x2 - x), h: Math.max(1, y2 - y), overlay };
    });
}

const escapeXml = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** An SVG the size of the frame with one rectangle and caption per box, or a caption line for classifications. */
export function overlaySvg(overlays: readonly Overlay[], width: number, height: number): string {
  const stroke = Math.max(2, Math.round(Math.min(width, height) / 200));
  const font = Math.max(10, Math.round(Math.min(width, height) / 30));
  const caption = (x: number, y: number, text: string): string => {
    const w = Math.round(text.length * font * 0.6) + 6;
    const top = Math.max(0, y - font - 4);
    return `<rect x="${x}" y="${top}" width="${w}" height="${font + 4}" fill="red"/><text x="${x + 3}" y="${top + font}" font-family="sans-serif" font-size="${font}" fill="white">${escapeXml(text)}</text>`;
  };
  const parts: string[] = [];
  for (const { x, y, w, h, overlay } of boxesInPixels(overlays, width, height)) {
    parts.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="red" stroke-width="${stroke}"/>`);
    parts.push(caption(x, y < font + 4 ? y + font + 4 : y, `${overlay.label} ${overlay.score.toFixed(2)}`));
  }
  overlays
    .filter((o) => !o.box)
    .slice(0, 3)
    .forEach((o, i) => parts.push(caption(0, (i + 1) * (font + 4), `${o.label} ${o.score.toFixed(2)}`)));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

/** The frame as JPEG (EXIF orientation applied) with the overlays drawn at its real size. */
export async function annotateFrame(frame: Uint8Array, overlays: readonly Overlay[]): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const meta = await sharp(frame).metadata();
  // Orientations 5-8 swap width and height once rotated upright.
  const swapped = (meta.orientation ?? 1) >= 5;
  const width = (swapped ? meta.height : meta.width) ?? 0;
  const height = (swapped ? meta.width : meta.height) ?? 0;
  const image = sharp(frame).rotate();
  if (overlays.length === 0 || width === 0 || height === 0) return image.jpeg({ quality: 80 }).toBuffer();
  return image
    .composite([{ input: Buffer.from(overlaySvg(overlays, width, height)), top: 0, left: 0 }])
    .jpeg({ quality: 80 })
    .toBuffer();
}
