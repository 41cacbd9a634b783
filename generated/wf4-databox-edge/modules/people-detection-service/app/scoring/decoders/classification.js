import { DecoderSetupError, labelFor, roundScore, sigmoid, softmax, valueAt } from './types.js';
export function createClassificationDecoder(config, outputNames) {
    const output = config.output ?? outputNames[0];
    if (!output)
        throw new DecoderSetupError('The model has no outputs.');
    return {
        outputNames: [output],
        batchable: true,
        decode({ outputs, batchIndex, labels }) {
            const tensor = outputs[output];
            if (!tensor)
                throw new DecoderSetupError(`The model produced no output '${output}'.`);
            // [C] has no batch dimension; [N, C, ...] holds one row of C (times trailing 1s) per image.
            const perImage = tensor.dims.length <= 1 ? (tensor.dims[0] ?? 0) : tensor.dims.slice(1).reduce((a, b) => a * b, 1);
            const start = tensor.dims.length <= 1 ? 0 : batchIndex * perImage;
            const raw = Array.from({ length: perImage }, (_, i) => valueAt(tensor.data, start + i));
            const scores = config.activation === 'softmax' ? softmax(raw, 0, raw.length) : config.activation === 'sigmoid' ? raw.map(sigmoid) : raw;
            // Rank label ids, not prediction objects: only the top k become predictions (models may have 1000+ classes).
            const rounded = scores.map(roundScore);
            const ids = [];
            for (let id = 0; id < rounded.length; id++)
                if (rounded[id] >= config.threshold)
                    ids.push(id);
            ids.sort((a, b) => rounded[b] - rounded[a] || a - b);
            return ids
                .slice(0, config.topK)
                .map((labelId) => ({ label: labelFor(labels, labelId), labelId, score: rounded[labelId] }));
        },
    };
}
