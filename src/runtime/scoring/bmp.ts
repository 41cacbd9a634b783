// A small BMP reader (sharp's prebuilt libvips cannot load BMP): uncompressed 24/32-bit, BI_BITFIELDS 32-bit and
// 1/4/8-bit palette images, top-down or bottom-up, into packed RGB. Runtime stage, used by preprocess.ts.

export interface RawRgb {
  data: Buffer;
  width: number;
  height: number;
}

export class BmpError extends Error {
  override name = 'BmpError';
  constructor(
    message: string,
    /** True when the file is refused for its size rather than for being broken. */
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 26 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

const MAX_PIXELS = 40_000_000;

/** Decodes a BMP file; throws BmpError for truncated, compressed or otherwise unsupported files. */
export function decodeBmp(bytes: Uint8Array): RawRgb {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (end: number): void => {
    if (end > bytes.length) throw new BmpError('The BMP file is truncated.');
  };
  need(54);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) throw new BmpError('Only BMP files with a BITMAPINFOHEADER or newer are supported.');
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bitsPerPixel = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0) throw new BmpError(`Invalid BMP size ${width}x${height}.`);
  if (width * height > MAX_PIXELS)
    throw new BmpError(`The BMP is ${width}x${height} pixels; at most ${MAX_PIXELS} pixels are accepted.`, true);
  const bitfields = compression === 3 && bitsPerPixel === 32;
  if (compression !== 0 && !bitfields) throw new BmpError('Compressed BMP files are not supported.');
  if (![1, 4, 8, 24, 32].includes(bitsPerPixel)) throw new BmpError(`${bitsPerPixel}-bit BMP files are not supported.`);

  const stride = Math.ceil((width * bitsPerPixel) / 32) * 4;
  need(dataOffset + stride * height);

  let palette: Uint8Array | undefined;
  if (bitsPerPixel <= 8) {
    const colours = view.getUint32(46, true) || 1 << bitsPerPixel;
    const paletteStart = 14 + headerSize;
    need(paletteStart + colours * 4);
    palette = bytes.subarray(paletteStart, paletteStart + colours * 4);
  }
  const masks = bitfields ? readMasks(view, headerSize) : { r: 0x00ff0000, g: 0x0000ff00, b: 0x000000ff };

  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (bitsPerPixel === 24) {
        const p = row + x * 3;
        out[o] = bytes[p + 2]!;
        out[o + 1] = bytes[p + 1]!;
        out[o + 2] = bytes[p]!;
      } else if (bitsPerPixel === 32) {
        const v = view.getUint32(row + x * 4, true);
        out[o] = channel(v, masks.r);
        out[o + 1] = channel(v, masks.g);
        out[o + 2] = channel(v, masks.b);
      } else {
        const bitOffset = x * bitsPerPixel;
        const byte = bytes[row + (bitOffset >> 3)]!;
        const index = (byte >> (8 - bitsPerPixel - (bitOffset & 7))) & ((1 << bitsPerPixel) - 1);
        const entry = index * 4;
        if (entry + 2 >= palette!.length) throw new BmpError('A BMP pixel refers to a colour outside the palette.');
        out[o] = palette![entry + 2]!;
        out[o + 1] = palette![entry + 1]!;
        out[o + 2] = palette![entry]!;
      }
    }
  }
  return { data: out, width, height };
}

function readMasks(view: DataView, headerSize: number): { r: number; g: number; b: number } {
  // With a 40-byte header the three masks follow it; newer headers hold them at the same offsets.
  void headerSize;
  return { r: view.getUint32(54, true), g: view.getUint32(58, true), b: view.getUint32(62, true) };
}

/** Extracts a masked channel and scales it to 0..255. */
function channel(value: number, mask: number): number {
  if (mask === 0) return 0;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return Math.round((((value & mask) >>> shift) * 255) / max);
}
