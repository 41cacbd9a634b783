import { DecoderSetupError, roundScore } from './types.js';
export function createTextRecognitionDecoder(config, outputNames) {
    const output = config.output ?? outputNames[0];
    if (!output)
        throw new DecoderSetupError('The model has no outputs.');
    return {
        outputNames: [output],
        batchable: true,
        decode({ outputs, batchIndex }) {
            const tensor = outputs[output];
            if (!tensor)
                throw new DecoderSetupError(`The model produced no output '${output}'.`);
            const read = readCtc(tensor, batchIndex, config.alphabet, config.blank, output);
            if (read.text.length === 0 || read.score < config.threshold)
                return [];
            return [{ label: read.text, labelId: 0, score: read.score, text: read.text, characters: read.characters }];
        },
    };
}
/** Greedy CTC decoding of one image of an [N, T, C] output. Exported for tests on hand-built tensors. */
export function readCtc(tensor, batchIndex, alphabet, blank, name = 'output') {
    const dims = tensor.dims;
    if (dims.length !== 3)
        throw new DecoderSetupError(`Output '${name}' has shape [${dims.join(', ')}], not [N, T, classes].`);
    const steps = dims[1];
    const classes = dims[2];
    if (classes !== alphabet.length) {
        throw new DecoderSetupError(`Output '${name}' has ${classes} classes but the character list makes ${alphabet.length} (with the blank).`);
    }
    const data = tensor.data;
    const base = batchIndex * steps * classes;
    const characters = [];
    let previous = -1;
    for (let t = 0; t < steps; t++) {
        const row = base + t * classes;
        let best = 0;
        let bestValue = -Infinity;
        for (let c = 0; c < classes; c++) {
            const v = data[row + c];
            if (v > bestValue) {
                bestValue = v;
                best = c;
            }
        }
        if (best !== blank && best !== previous)
            characters.push({ char: alphabet[best], score: roundScore(bestValue) });
        previous = best;
    }
    const score = characters.length > 0 ? roundScore(characters.reduce((s, c) => s + c.score, 0) / characters.length) : 0;
    return { text: characters.map((c) => c.char).join(''), score, characters };
}
