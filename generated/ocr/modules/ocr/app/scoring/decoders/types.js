export class DecoderSetupError extends Error {
    name = 'DecoderSetupError';
}
/** Reads element i as a JS number, whatever the tensor's element type. */
export function valueAt(data, i) {
    return Number(data[i]);
}
export const labelFor = (labels, id) => labels[id] ?? String(id);
export const sigmoid = (x) => 1 / (1 + Math.exp(-x));
/** Softmax over values[start..start+count) with a stride, into a new array. */
export function softmax(values, start, count, stride = 1) {
    let max = -Infinity;
    for (let i = 0; i < count; i++)
        max = Math.max(max, values[start + i * stride]);
    const out = new Array(count);
    let sum = 0;
    for (let i = 0; i < count; i++)
        sum += out[i] = Math.exp(values[start + i * stride] - max);
    for (let i = 0; i < count; i++)
        out[i] = out[i] / sum;
    return out;
}
export const roundScore = (v) => Math.round(v * 1e8) / 1e8;
