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
