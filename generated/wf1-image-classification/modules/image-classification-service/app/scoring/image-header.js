// Reads format and display size (after EXIF orientation) from JPEG, PNG and WebP headers in JavaScript, so
// preprocessing needs no separate sharp metadata() round trip through the thread pool. Returns undefined whenever a
// header is unusual (then preprocess.ts asks sharp). Runtime stage (scoring).
export function readImageHeader(bytes) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    try {
        if (bytes[0] === 0xff && bytes[1] === 0xd8)
            return readJpeg(bytes, view);
        if (bytes.length >= 24 && view.getUint32(0) === 0x89504e47 && view.getUint32(4) === 0x0d0a1a0a)
            return readPng(bytes, view);
        if (bytes.length >= 30 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP')
            return readWebp(bytes, view);
    }
    catch {
        // A RangeError from a truncated header: let sharp decide what the bytes are.
    }
    return undefined;
}
const ascii = (bytes, start, length) => String.fromCharCode(...bytes.subarray(start, start + length));
/** SOF markers that carry the frame size (C4 DHT, C8 JPG and CC DAC are not frames). */
const isStartOfFrame = (marker) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
function readJpeg(bytes, view) {
    let offset = 2;
    let orientation = 1;
    while (offset + 4 <= bytes.length) {
        if (bytes[offset] !== 0xff)
            return undefined;
        const marker = bytes[offset + 1];
        if (marker === 0xff) {
            offset++; // fill byte
            continue;
        }
        if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
            offset += 2; // markers without a length
            continue;
        }
        const length = view.getUint16(offset + 2);
        if (marker === 0xe1 && ascii(bytes, offset + 4, 6) === 'Exif\0\0')
            orientation = exifOrientation(view, offset + 10, length - 8) ?? orientation;
        if (isStartOfFrame(marker)) {
            const height = view.getUint16(offset + 5);
            const width = view.getUint16(offset + 7);
            if (!width || !height)
                return undefined;
            return orientation >= 5 ? { format: 'jpeg', width: height, height: width } : { format: 'jpeg', width, height };
        }
        if (marker === 0xda)
            return undefined; // scan data before any frame header: unusual, ask sharp
        offset += 2 + length;
    }
    return undefined;
}
/** The Orientation tag (0x0112) of IFD0 in a TIFF block, or undefined. */
function exifOrientation(view, tiff, length) {
    const order = view.getUint16(tiff);
    if (order !== 0x4949 && order !== 0x4d4d)
        return undefined;
    const little = order === 0x4949;
    const ifd = tiff + view.getUint32(tiff + 4, little);
    if (ifd + 2 > tiff + length)
        return undefined;
    const entries = view.getUint16(ifd, little);
    for (let i = 0; i < entries; i++) {
        const entry = ifd + 2 + i * 12;
        if (entry + 12 > tiff + length)
            return undefined;
        if (view.getUint16(entry, little) === 0x0112) {
            const value = view.getUint16(entry + 8, little);
            return value >= 1 && value <= 8 ? value : undefined;
        }
    }
    return undefined;
}
function readPng(bytes, view) {
    if (ascii(bytes, 12, 4) !== 'IHDR')
        return undefined;
    const width = view.getUint32(16);
    const height = view.getUint32(20);
    // An eXIf chunk may rotate the image; those few files go through sharp.
    let offset = 8;
    while (offset + 8 <= bytes.length) {
        const type = ascii(bytes, offset + 4, 4);
        if (type === 'eXIf')
            return undefined;
        if (type === 'IDAT' || type === 'IEND')
            break;
        offset += 12 + view.getUint32(offset);
    }
    return width && height ? { format: 'png', width, height } : undefined;
}
function readWebp(bytes, view) {
    const chunk = ascii(bytes, 12, 4);
    if (chunk === 'VP8 ') {
        if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a)
            return undefined;
        return sized(view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
    }
    if (chunk === 'VP8L') {
        if (bytes[20] !== 0x2f)
            return undefined;
        const bits = view.getUint32(21, true);
        return sized((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
    }
    if (chunk === 'VP8X') {
        if (bytes[20] & 0x08)
            return undefined; // carries EXIF (maybe an orientation): ask sharp
        const width = 1 + (bytes[24] | (bytes[25] << 8) | (bytes[26] << 16));
        const height = 1 + (bytes[27] | (bytes[28] << 8) | (bytes[29] << 16));
        return sized(width, height);
    }
    return undefined;
}
const sized = (width, height) => (width && height ? { format: 'webp', width, height } : undefined);
/** The format by its signature, or undefined: only these formats may reach a decoder (not SVG, even behind a BOM). */
export function sniffImageFormat(bytes) {
    if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
        return 'jpeg';
    if (bytes.length >= 8 &&
        ascii(bytes, 1, 3) === 'PNG' &&
        bytes[0] === 0x89 &&
        bytes[4] === 0x0d &&
        bytes[5] === 0x0a &&
        bytes[6] === 0x1a &&
        bytes[7] === 0x0a)
        return 'png';
    if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP')
        return 'webp';
    if (bytes.length >= 26 && bytes[0] === 0x42 && bytes[1] === 0x4d)
        return 'bmp';
    return undefined;
}
/** Decoded size in bytes (width × height × bytes per pixel). */
export const decodedBytes = (extent) => extent.width * extent.height * extent.bytesPerPixel;
/** Reads an image's decode cost and checks that its data could fill the declared size; undefined when unreadable. */
export function readImageExtent(bytes) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    try {
        switch (sniffImageFormat(bytes)) {
            case 'jpeg':
                return jpegExtent(bytes, view);
            case 'png':
                return pngExtent(bytes, view);
            case 'webp':
                return webpExtent(bytes, view);
            case 'bmp':
                return bmpExtent(bytes, view);
            default:
                return undefined;
        }
    }
    catch {
        return undefined; // a truncated header (RangeError)
    }
}
/** Huffman-coded frames (baseline, extended, progressive, lossless); arithmetic coding has no useful lower bound. */
const HUFFMAN_FRAMES = new Set([0xc0, 0xc1, 0xc2, 0xc3]);
function jpegExtent(bytes, view) {
    let offset = 2;
    let frame;
    while (offset + 4 <= bytes.length) {
        if (bytes[offset] !== 0xff)
            return undefined;
        const marker = bytes[offset + 1];
        if (marker === 0xff) {
            offset++;
            continue;
        }
        if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
            offset += 2;
            continue;
        }
        const length = view.getUint16(offset + 2);
        if (isStartOfFrame(marker) && !frame) {
            frame = {
                marker,
                precision: bytes[offset + 4],
                height: view.getUint16(offset + 5),
                width: view.getUint16(offset + 7),
                components: bytes[offset + 9],
            };
        }
        if (marker === 0xda) {
            if (!frame || !frame.width || !frame.height)
                return undefined;
            const { width, height } = frame;
            const bytesPerPixel = Math.max(1, frame.components) * (frame.precision > 8 ? 2 : 1);
            // Every 8x8 block of the first component costs at least one Huffman code (1 bit) in some scan, so the bytes
            // after the first scan header can never be fewer than that: a 6000x6000 header over 320x64 of data is forged.
            const entropyBytes = bytes.length - (offset + 2 + length);
            const minimumBytes = HUFFMAN_FRAMES.has(frame.marker) ? (Math.ceil(width / 8) * Math.ceil(height / 8)) / 8 : 0;
            return { format: 'jpeg', width, height, bytesPerPixel, dataCanFill: entropyBytes >= minimumBytes };
        }
        offset += 2 + length;
    }
    return undefined;
}
/** Channels per PNG colour type (palette images decode to RGB or RGBA: counted as 4). */
const PNG_CHANNELS = { 0: 1, 2: 3, 3: 4, 4: 2, 6: 4 };
/** DEFLATE's largest possible ratio (a 258-byte match in 2 bits): compressed data below raw / 1032 cannot inflate to it. */
const DEFLATE_MAX_RATIO = 1032;
function pngExtent(bytes, view) {
    if (bytes.length < 29 || ascii(bytes, 12, 4) !== 'IHDR')
        return undefined;
    const width = view.getUint32(16);
    const height = view.getUint32(20);
    const bitDepth = bytes[24];
    const channels = PNG_CHANNELS[bytes[25]];
    if (!width || !height || !channels)
        return undefined;
    let compressed = 0;
    for (let offset = 8; offset + 8 <= bytes.length;) {
        const length = view.getUint32(offset);
        const type = ascii(bytes, offset + 4, 4);
        if (type === 'IDAT')
            compressed += Math.min(length, bytes.length - offset - 8);
        if (type === 'IEND')
            break;
        offset += 12 + length;
    }
    const scanlineBytes = Math.ceil((width * channels * bitDepth) / 8) + 1;
    return {
        format: 'png',
        width,
        height,
        bytesPerPixel: channels * (bitDepth > 8 ? 2 : 1),
        dataCanFill: compressed * DEFLATE_MAX_RATIO >= scanlineBytes * height,
    };
}
function webpExtent(bytes, view) {
    const chunk = ascii(bytes, 12, 4);
    let size;
    let alpha = true;
    if (chunk === 'VP8 ' && bytes.length >= 30) {
        size = { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
        alpha = false;
    }
    else if (chunk === 'VP8L' && bytes.length >= 25) {
        const bits = view.getUint32(21, true);
        size = { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    else if (chunk === 'VP8X' && bytes.length >= 30) {
        size = {
            width: 1 + (bytes[24] | (bytes[25] << 8) | (bytes[26] << 16)),
            height: 1 + (bytes[27] | (bytes[28] << 8) | (bytes[29] << 16)),
        };
        alpha = (bytes[20] & 0x10) !== 0;
    }
    if (!size?.width || !size.height)
        return undefined;
    // libwebp checks its own partitions against the frame size; no bound is derived here.
    return { format: 'webp', ...size, bytesPerPixel: alpha ? 4 : 3, dataCanFill: true };
}
function bmpExtent(bytes, view) {
    if (bytes.length < 30)
        return undefined;
    const width = view.getInt32(18, true);
    const height = Math.abs(view.getInt32(22, true));
    if (width <= 0 || height <= 0)
        return undefined;
    // bmp.ts checks the pixel rows against the file length itself (uncompressed rows have a fixed size).
    return { format: 'bmp', width, height, bytesPerPixel: 3, dataCanFill: true };
}
/** Byte-order marks a text file (an SVG, say) may start with: UTF-8, UTF-16 LE / BE, UTF-32 LE. */
const BOMS = [
    [0xef, 0xbb, 0xbf],
    [0xff, 0xfe],
    [0xfe, 0xff],
];
/** Image formats we refuse (415) by name, recognised by signature only, so their bytes never reach a decoder. */
const REFUSED_FORMATS = [
    { name: 'gif', matches: (b) => ascii(b, 0, 4) === 'GIF8' },
    { name: 'tiff', matches: (b) => ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*' },
    { name: 'heif', matches: (b) => ascii(b, 4, 4) === 'ftyp' },
    {
        name: 'jp2',
        matches: (b) => ascii(b, 4, 8) === 'jP  \r\n\x87\n' || (b[0] === 0xff && b[1] === 0x4f && b[2] === 0xff && b[3] === 0x51),
    },
    { name: 'pdf', matches: (b) => ascii(b, 0, 5) === '%PDF-' },
    { name: 'svg', matches: (b) => /^\s*</.test(withoutBom(b)) },
];
/** The first bytes as latin1 text, after a byte-order mark and (for UTF-16) with the zero bytes dropped. */
function withoutBom(bytes) {
    const bom = BOMS.find((m) => m.every((v, i) => bytes[i] === v));
    const head = ascii(bytes, bom?.length ?? 0, 128);
    return bom && bom.length === 2 ? head.replace(/\0/g, '') : head;
}
/** The name of a recognised image format we do not accept (gif, tiff, svg, ...), or undefined. */
export function refusedImageFormat(bytes) {
    return REFUSED_FORMATS.find((f) => f.matches(bytes))?.name;
}
