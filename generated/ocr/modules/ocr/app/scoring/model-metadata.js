export function describeSession(session) {
    return { inputs: session.inputMetadata.map(toTensorInfo), outputs: session.outputMetadata.map(toTensorInfo) };
}
function toTensorInfo(meta) {
    if (!meta.isTensor)
        return { name: meta.name, elementType: 'non-tensor' };
    return { name: meta.name, elementType: String(meta.type), shape: meta.shape.map(toDim) };
}
const toDim = (d) => (typeof d === 'number' && d > 0 ? d : typeof d === 'string' && d !== '' ? d : '?');
export const isFixed = (d) => typeof d === 'number';
const isChannelCount = (d) => d === 1 || d === 3 || d === 4;
/**
 * Infers layout and size from a rank-4 image input: NCHW when dim 1 looks like a channel count and dim 3 does not,
 * NHWC the other way round; ambiguous shapes (both or neither) leave the layout open.
 */
export function readImageInputShape(shape) {
    if (!shape || shape.length !== 4)
        return { dynamicBatch: false };
    const [batch, d1, d2, d3] = shape;
    const dynamicBatch = !isFixed(batch);
    const nchw = isChannelCount(d1) && !isChannelCount(d3);
    const nhwc = isChannelCount(d3) && !isChannelCount(d1);
    const layout = nchw ? 'NCHW' : nhwc ? 'NHWC' : undefined;
    if (!layout)
        return { dynamicBatch };
    const [c, h, w] = layout === 'NCHW' ? [d1, d2, d3] : [d3, d1, d2];
    return {
        layout,
        dynamicBatch,
        ...(isFixed(c) ? { channels: c } : {}),
        ...(isFixed(h) ? { height: h } : {}),
        ...(isFixed(w) ? { width: w } : {}),
    };
}
/** Shape of the input as the given layout reads it (for a config that states the layout explicitly). */
export function readShapeAs(shape, layout) {
    if (!shape || shape.length !== 4)
        return {};
    const [, d1, d2, d3] = shape;
    return layout === 'NCHW' ? { channels: d1, height: d2, width: d3 } : { channels: d3, height: d1, width: d2 };
}
