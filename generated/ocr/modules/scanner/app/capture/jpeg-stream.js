// Splits a byte stream of concatenated JPEG images (ffmpeg's image2pipe/mjpeg output) into whole JPEG frames.
// Runtime stage (capture). Walks marker segments by their lengths, then scans entropy-coded data for EOI, so
// 0xFFD9 bytes inside a segment payload (e.g. a comment) cannot cut a frame short.
const MARKER = 0xff;
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
/** Markers that stand alone (no length field): TEM and RST0..7. */
const isStandalone = (m) => m === 0x01 || (m >= 0xd0 && m <= 0xd7);
export class JpegSplitter {
    maxFrameBytes;
    buffer = Buffer.alloc(0);
    state = { kind: 'seek' };
    /** Largest frame accepted; a stream that never ends a frame is cut off here so memory stays bounded. */
    constructor(maxFrameBytes = 64 * 1024 * 1024) {
        this.maxFrameBytes = maxFrameBytes;
    }
    /** Feeds a chunk; returns every frame completed by it, in order. */
    push(chunk) {
        this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
        const frames = [];
        for (let frame = this.next(); frame; frame = this.next())
            frames.push(frame);
        if (this.buffer.length > this.maxFrameBytes) {
            // A corrupt or endless frame: drop it and resynchronise on the next SOI.
            this.buffer = Buffer.alloc(0);
            this.state = { kind: 'seek' };
        }
        return frames;
    }
    /** Bytes held for an unfinished frame. */
    get pendingBytes() {
        return this.buffer.length;
    }
    next() {
        for (;;) {
            const b = this.buffer;
            const state = this.state;
            if (state.kind === 'seek') {
                const start = findMarker(b, SOI, 0);
                if (start < 0) {
                    // Keep a trailing 0xFF: it may be the first half of the next SOI.
                    this.buffer = b.length > 0 && b[b.length - 1] === MARKER ? b.subarray(b.length - 1) : Buffer.alloc(0);
                    return undefined;
                }
                this.buffer = b.subarray(start);
                this.state = { kind: 'segments', pos: 2 };
                continue;
            }
            if (state.kind === 'segments') {
                let pos = state.pos;
                if (pos + 2 > b.length)
                    return undefined;
                if (b[pos] !== MARKER) {
                    this.skipFrameStart();
                    continue;
                }
                // Fill bytes (0xFF 0xFF ...) may precede a marker.
                while (pos + 2 < b.length && b[pos + 1] === MARKER)
                    pos++;
                const marker = b[pos + 1];
                if (marker === MARKER)
                    return void (this.state = { kind: 'segments', pos });
                if (marker === EOI)
                    return this.take(pos + 2);
                if (isStandalone(marker)) {
                    this.state = { kind: 'segments', pos: pos + 2 };
                    continue;
                }
                if (pos + 4 > b.length)
                    return void (this.state = { kind: 'segments', pos });
                const length = b.readUInt16BE(pos + 2);
                if (length < 2) {
                    this.skipFrameStart();
                    continue;
                }
                const end = pos + 2 + length;
                if (end > b.length)
                    return void (this.state = { kind: 'segments', pos });
                this.state = marker === SOS ? { kind: 'scan', pos: end } : { kind: 'segments', pos: end };
                continue;
            }
            // scan: entropy data ends at the first marker that is neither a stuffed 0xFF00 nor a restart marker.
            let pos = state.pos;
            for (;;) {
                const ff = b.indexOf(MARKER, pos);
                if (ff < 0 || ff + 1 >= b.length) {
                    this.state = { kind: 'scan', pos: ff < 0 ? b.length : ff };
                    return undefined;
                }
                const m = b[ff + 1];
                if (m === 0x00 || (m >= 0xd0 && m <= 0xd7) || m === MARKER) {
                    pos = m === MARKER ? ff + 1 : ff + 2;
                    continue;
                }
                if (m === EOI)
                    return this.take(ff + 2);
                // Another segment after the scan (progressive JPEGs have several scans).
                this.state = { kind: 'segments', pos: ff };
                break;
            }
        }
    }
    take(end) {
        const frame = Buffer.from(this.buffer.subarray(0, end));
        this.buffer = this.buffer.subarray(end);
        this.state = { kind: 'seek' };
        return frame;
    }
    /** The data is not a JPEG where one was expected: skip this SOI and look for the next. */
    skipFrameStart() {
        this.buffer = this.buffer.subarray(2);
        this.state = { kind: 'seek' };
    }
}
function findMarker(b, marker, from) {
    for (let i = b.indexOf(MARKER, from); i >= 0 && i + 1 < b.length; i = b.indexOf(MARKER, i + 1)) {
        if (b[i + 1] === marker)
            return i;
    }
    return -1;
}
