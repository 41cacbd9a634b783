// Image preprocessing: decode (JPEG/PNG/WebP via sharp, BMP via bmp.ts), fit to the network input (geometry.ts) and
// write the input tensor (NCHW/NHWC, float32 with scale/mean/std or raw uint8), one or many images per batch.
// Runtime stage, used by scorer.ts.
import sharp from 'sharp';
import { planResize } from './geometry.js';
import { decodeBmp, isBmp, BmpError } from './bmp.js';
import { readImageExtent, readImageHeader, refusedImageFormat, sniffImageFormat } from './image-header.js';
import { InputError } from '../shared/input-error.js';
import { notFillable } from './decode-budget.js';
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp']);
const MAX_INPUT_PIXELS = 40_000_000;
sharp.cache(false);
/** Decodes image bytes and scales them for the network. Throws InputError (400/413/415) for bad images. */
export async function prepareImage(bytes, input) {
    if (bytes.length === 0)
        throw new InputError(400, 'The image is empty.');
    const source = await openImage(bytes);
    const geometry = planResize(input.resize, source.width, source.height, input.width, input.height);
    let pipeline = source.image.resize(geometry.contentWidth, geometry.contentHeight, { fit: 'fill', kernel: 'linear' });
    let placeX = geometry.offsetX;
    let placeY = geometry.offsetY;
    if (placeX < 0 || placeY < 0) {
        // crop: cut the overflow here so the tensor writer only ever copies whole rows.
        pipeline = pipeline.extract({ left: -placeX, top: -placeY, width: input.width, height: input.height });
        placeX = 0;
        placeY = 0;
    }
    let raw;
    try {
        raw = await pipeline.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    }
    catch (error) {
        throw new InputError(400, `The image could not be decoded: ${oneLine(error)}`);
    }
    const rgb = raw.info.channels === 3 ? raw.data : toRgb(raw.data, raw.info.channels);
    return { rgb, rgbWidth: raw.info.width, rgbHeight: raw.info.height, placeX, placeY, geometry };
}
async function openImage(bytes) {
    if (isBmp(bytes)) {
        try {
            const bmp = decodeBmp(bytes);
            const image = sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: 3 } });
            return { image, width: bmp.width, height: bmp.height };
        }
        catch (error) {
            if (error instanceof BmpError)
                throw new InputError(error.tooLarge ? 413 : 400, error.message);
            throw error;
        }
    }
    // Only JPEG, PNG and WebP signatures reach sharp: SVG (with or without a byte-order mark), GIF, TIFF, HEIF and
    // the rest never do, since rendering them is not scoring and every decoder is more attack surface.
    if (!sniffImageFormat(bytes)) {
        const refused = refusedImageFormat(bytes);
        if (refused)
            throw new InputError(415, `Image format '${refused}' is not supported (use JPEG, PNG, BMP or WebP).`);
        throw new InputError(400, 'The body is not an image (expected JPEG, PNG, BMP or WebP).');
    }
    const extent = readImageExtent(bytes);
    if (extent && !extent.dataCanFill)
        throw notFillable(extent);
    const image = sharp(bytes, { autoOrient: true, limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
    // Common headers are read in JavaScript; sharp's metadata() (a thread-pool round trip) handles the rest.
    const header = readImageHeader(bytes) ?? (await sharpHeader(image));
    if (!ACCEPTED_FORMATS.has(header.format)) {
        throw new InputError(415, `Image format '${header.format}' is not supported (use JPEG, PNG, BMP or WebP).`);
    }
    const { width, height } = header;
    if (!width || !height)
        throw new InputError(400, 'The image has no size.');
    if (width * height > MAX_INPUT_PIXELS) {
        throw new InputError(413, `The image is ${width}x${height} pixels; at most ${MAX_INPUT_PIXELS} pixels are accepted.`);
    }
    return { image, width, height };
}
async function sharpHeader(image) {
    let meta;
    try {
        meta = await image.metadata();
    }
    catch {
        throw new InputError(400, 'The body is not an image (expected JPEG, PNG, BMP or WebP).');
    }
    return { format: meta.format ?? 'unknown', width: meta.autoOrient?.width ?? meta.width, height: meta.autoOrient?.height ?? meta.height };
}
function toRgb(data, channels) {
    const pixels = data.length / channels;
    const out = Buffer.alloc(pixels * 3);
    for (let i = 0; i < pixels; i++) {
        const grey = channels < 3;
        out[i * 3] = data[i * channels];
        out[i * 3 + 1] = data[i * channels + (grey ? 0 : 1)];
        out[i * 3 + 2] = data[i * channels + (grey ? 0 : 2)];
    }
    return out;
}
const oneLine = (error) => (error instanceof Error ? error.message : String(error)).split('\n')[0];
/** Dimensions of the input tensor for a batch of n images. */
export function inputDims(input, n) {
    return input.layout === 'NCHW' ? [n, 3, input.height, input.width] : [n, input.height, input.width, 3];
}
/** Element count of the input tensor for a batch of n images. */
export function inputLength(input, n) {
    return n * 3 * input.width * input.height;
}
/**
 * Writes prepared images into one input buffer. Each channel value is a*pixel+b with a = scale/std and
 * b = -mean/std, in the model's channel order (colorOrder decides which RGB channel feeds model channel 0).
 * `reuse`, when it has the right type and length, is overwritten instead of allocating a new buffer.
 */
export function createInputData(images, input, reuse) {
    const { width: W, height: H } = input;
    const plane = W * H;
    const perImage = plane * 3;
    const isFloat = input.elementType === 'float32';
    const length = perImage * images.length;
    const fits = reuse !== undefined && reuse.length === length && (isFloat ? reuse instanceof Float32Array : reuse instanceof Uint8Array);
    const out = fits ? reuse : isFloat ? new Float32Array(length) : new Uint8Array(length);
    const source = input.colorOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
    const a = [0, 1, 2].map((c) => (isFloat ? input.scale / input.std[c] : 1));
    const b = [0, 1, 2].map((c) => (isFloat ? -input.mean[c] / input.std[c] : 0));
    const pad = [0, 1, 2].map((c) => (isFloat ? a[c] * input.padValue + b[c] : Math.round(input.padValue)));
    // One lookup table per model channel: the value of each of the 256 pixel levels, computed as a*pixel+b exactly as
    // a per-pixel computation would, then stored with the output's element type.
    const tables = [0, 1, 2].map((c) => {
        const table = isFloat ? new Float32Array(256) : new Uint8Array(256);
        for (let v = 0; v < 256; v++)
            table[v] = a[c] * v + b[c];
        return table;
    });
    const [t0, t1, t2] = tables;
    const [s0, s1, s2] = source;
    // NCHW: channel c of pixel p at c*plane+p; NHWC: at p*3+c.
    const channelStride = input.layout === 'NCHW' ? plane : 1;
    const pixelStride = input.layout === 'NCHW' ? 1 : 3;
    images.forEach((img, n) => {
        const base = n * perImage;
        const fullyCovered = img.placeX === 0 && img.placeY === 0 && img.rgbWidth === W && img.rgbHeight === H;
        if (!fullyCovered) {
            for (let c = 0; c < 3; c++) {
                for (let p = 0; p < plane; p++)
                    out[base + c * channelStride + p * pixelStride] = pad[c];
            }
        }
        const rows = Math.min(img.rgbHeight, H - img.placeY);
        const cols = Math.min(img.rgbWidth, W - img.placeX);
        const rgb = img.rgb;
        const o1 = channelStride;
        const o2 = 2 * channelStride;
        for (let y = 0; y < rows; y++) {
            let s = y * img.rgbWidth * 3;
            let o = base + ((y + img.placeY) * W + img.placeX) * pixelStride;
            for (let x = 0; x < cols; x++, s += 3, o += pixelStride) {
                out[o] = t0[rgb[s + s0]];
                out[o + o1] = t1[rgb[s + s1]];
                out[o + o2] = t2[rgb[s + s2]];
            }
        }
    });
    return out;
}
