import { growRect, insideConvexQuad, minAreaRect, orderQuad, rectCorners } from './min-area-rect.js';
import { DecoderSetupError, roundScore } from './types.js';
export function createTextDetectionDecoder(config, outputNames) {
    const output = config.output ?? outputNames[0];
    if (!output)
        throw new DecoderSetupError('The model has no outputs.');
    return {
        outputNames: [output],
        batchable: true,
        decode({ outputs, batchIndex, geometry, labels }) {
            const tensor = outputs[output];
            if (!tensor)
                throw new DecoderSetupError(`The model produced no output '${output}'.`);
            const map = probabilityMap(tensor, batchIndex, output);
            const regions = findTextRegions(map.data, map.width, map.height, config);
            const label = labels[0] ?? 'text';
            const predictions = [];
            for (const region of regions) {
                const quad = mapQuad(region.rect, map.width, map.height, geometry, config.shape);
                if (!quad)
                    continue;
                predictions.push({ label, labelId: 0, score: roundScore(region.score), ...boxesOf(quad, geometry), quad });
            }
            const best = predictions.sort((a, b) => b.score - a.score).slice(0, config.maxDetections);
            return sortReadingOrder(best);
        },
    };
}
/** The probability plane of one image: [N, 1, H, W] or [N, H, W]. */
function probabilityMap(tensor, batchIndex, name) {
    const dims = tensor.dims;
    const fits = (dims.length === 4 && dims[1] === 1) || dims.length === 3;
    if (!fits)
        throw new DecoderSetupError(`Output '${name}' has shape [${dims.join(', ')}], not a probability map [N, 1, H, W].`);
    const height = dims[dims.length - 2];
    const width = dims[dims.length - 1];
    const plane = width * height;
    const data = tensor.data;
    const start = batchIndex * plane;
    // A view of this image's plane without copying (float outputs), else a copy.
    const view = data instanceof Float32Array || data instanceof Float64Array
        ? data.subarray(start, start + plane)
        : Array.from({ length: plane }, (_, i) => data[start + i]);
    return { data: view, width, height };
}
/**
 * The text regions of one probability map (width x height, row-major), in map pixels, best first is not implied:
 * they come in the raster order of their first pixel. Exported for tests on hand-built maps.
 */
export function findTextRegions(map, width, height, config) {
    const labelOf = new Int32Array(width * height); // 0: not yet visited
    const queue = new Int32Array(width * height);
    const regions = [];
    let candidates = 0;
    let next = 1;
    for (let start = 0; start < map.length && candidates < config.maxCandidates; start++) {
        if (labelOf[start] !== 0 || !(map[start] > config.threshold))
            continue;
        // Flood fill one 8-connected region, keeping only each row's leftmost and rightmost pixel: the hull needs no more.
        const id = next++;
        candidates++;
        const rowMin = new Map();
        const rowMax = new Map();
        let head = 0;
        let tail = 0;
        queue[tail++] = start;
        labelOf[start] = id;
        while (head < tail) {
            const p = queue[head++];
            const x = p % width;
            const y = (p - x) / width;
            if (!(rowMin.get(y) <= x))
                rowMin.set(y, x);
            if (!(rowMax.get(y) >= x))
                rowMax.set(y, x);
            for (let dy = -1; dy <= 1; dy++) {
                const ny = y + dy;
                if (ny < 0 || ny >= height)
                    continue;
                for (let dx = -1; dx <= 1; dx++) {
                    const nx = x + dx;
                    if (nx < 0 || nx >= width || (dx === 0 && dy === 0))
                        continue;
                    const q = ny * width + nx;
                    if (labelOf[q] === 0 && map[q] > config.threshold) {
                        labelOf[q] = id;
                        queue[tail++] = q;
                    }
                }
            }
        }
        const points = [];
        for (const [y, x] of rowMin)
            points.push([x, y], [rowMax.get(y), y]);
        const rect = minAreaRect(points);
        if (Math.min(rect.width, rect.height) < config.minSize)
            continue;
        const score = meanInside(map, width, height, rect);
        if (score < config.boxThreshold)
            continue;
        const grown = unclip(rect, config.unclipRatio);
        if (Math.min(grown.width, grown.height) < config.minSize + 2)
            continue;
        regions.push({ rect: grown, score });
    }
    return regions;
}
/** DBNet's unclip: the rectangle pushed outwards by area * ratio / perimeter (a rectangle stays a rectangle). */
export function unclip(rect, ratio) {
    const perimeter = 2 * (rect.width + rect.height);
    return perimeter > 0 ? growRect(rect, (rect.width * rect.height * ratio) / perimeter) : rect;
}
/** Mean probability of the pixels whose centres lie within the rectangle (its edges widened by half a pixel). */
function meanInside(map, width, height, rect) {
    const quad = rectCorners(rect);
    const xs = quad.map((p) => p[0]);
    const ys = quad.map((p) => p[1]);
    const x0 = Math.max(0, Math.floor(Math.min(...xs) - 0.5));
    const x1 = Math.min(width - 1, Math.ceil(Math.max(...xs) + 0.5));
    const y0 = Math.max(0, Math.floor(Math.min(...ys) - 0.5));
    const y1 = Math.min(height - 1, Math.ceil(Math.max(...ys) + 0.5));
    let sum = 0;
    let count = 0;
    for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
            if (!insideConvexQuad(quad, x, y, 0.5))
                continue;
            sum += map[y * width + x];
            count++;
        }
    }
    return count > 0 ? sum / count : 0;
}
/** Map pixels → network pixels → original-image pixels, clipped to the image; null when nothing is left. */
function mapQuad(rect, mapWidth, mapHeight, g, shape) {
    const toImage = (p) => [
        clamp(((p[0] * g.networkWidth) / mapWidth - g.offsetX) * (g.originalWidth / g.contentWidth), 0, g.originalWidth),
        clamp(((p[1] * g.networkHeight) / mapHeight - g.offsetY) * (g.originalHeight / g.contentHeight), 0, g.originalHeight),
    ];
    let corners = rectCorners(rect).map(toImage);
    if (shape === 'box') {
        const xs = corners.map((p) => p[0]);
        const ys = corners.map((p) => p[1]);
        const [l, r, t, b] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
        corners = [
            [l, t],
            [r, t],
            [r, b],
            [l, b],
        ];
    }
    const quad = orderQuad(corners).map(([x, y]) => [round2(x), round2(y)]);
    const xs = quad.map((p) => p[0]);
    const ys = quad.map((p) => p[1]);
    if (Math.max(...xs) - Math.min(...xs) <= 0 || Math.max(...ys) - Math.min(...ys) <= 0)
        return null;
    return quad;
}
function boxesOf(quad, g) {
    const xs = quad.map((p) => p[0]);
    const ys = quad.map((p) => p[1]);
    const left = Math.min(...xs);
    const top = Math.min(...ys);
    const width = Math.max(...xs) - left;
    const height = Math.max(...ys) - top;
    const r8 = (v) => Math.round(v * 1e8) / 1e8;
    return {
        box: {
            left: r8(left / g.originalWidth),
            top: r8(top / g.originalHeight),
            width: r8(width / g.originalWidth),
            height: r8(height / g.originalHeight),
        },
        boxPixels: { left: round2(left), top: round2(top), width: round2(width), height: round2(height) },
    };
}
/**
 * Reading order, as PaddleOCR sorts its boxes: by the top-left corner's y, then x; boxes whose tops lie within
 * 10 pixels of each other count as one line and go left to right.
 */
export function sortReadingOrder(items) {
    const sorted = [...items].sort((a, b) => a.quad[0][1] - b.quad[0][1] || a.quad[0][0] - b.quad[0][0]);
    for (let i = 1; i < sorted.length; i++) {
        for (let j = i; j > 0; j--) {
            const prev = sorted[j - 1].quad[0];
            const cur = sorted[j].quad[0];
            if (Math.abs(cur[1] - prev[1]) < 10 && cur[0] < prev[0])
                [sorted[j - 1], sorted[j]] = [sorted[j], sorted[j - 1]];
            else
                break;
        }
    }
    return sorted;
}
const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
const round2 = (v) => Math.round(v * 100) / 100;
