// Text-recognition decoder for CTC models (PaddleOCR's recognisers, CRNN-style): the output is [N, T, C], a
// probability per time step and class. Greedy CTC: take the best class at each step, drop a step that repeats the
// class of the step before it (so "a a" reads "a", but "a blank a" reads "aa"), drop blanks, and map classes to
// characters. Each character keeps the probability of its step; the text's score is their mean.
// Runtime stage (scoring).
import type { TextRecognitionDecoderConfig } from '../config.js';
import { DecoderSetupError, roundScore, type Decoder, type OutputTensor, type Prediction } from './types.js';

export interface ReadText {
  text: string;
  score: number;
  characters: { char: string; score: number }[];
}

export function createTextRecognitionDecoder(config: TextRecognitionDecoderConfig, outputNames: readonly string[]): Decoder {
  const output = config.output ?? outputNames[0];
  if (!output) throw new DecoderSetupError('The model has no outputs.');
  return {
    outputNames: [output],
    batchable: true,
    decode({ outputs, batchIndex }) {
      const tensor = outputs[output];
      if (!tensor) throw new DecoderSetupError(`The model produced no output '${output}'.`);
      const read = readCtc(tensor, batchIndex, config.alphabet, config.blank, output);
      if (read.text.length === 0 || read.score < config.threshold) return [];
      return [{ label: read.text, labelId: 0, score: read.score, text: read.text, characters: read.characters } satisfies Prediction];
    },
  };
}

/** Greedy CTC decoding of one image of an [N, T, C] output. Exported for tests on hand-built tensors. */
export function readCtc(tensor: OutputTensor, batchIndex: number, alphabet: readonly string[], blank: number, name = 'output'): ReadText {
  const dims = tensor.dims;
  if (dims.length !== 3) throw new DecoderSetupError(`Output '${name}' has shape [${dims.join(', ')}], not [N, T, classes].`);
  const steps = dims[1]!;
  const classes = dims[2]!;
  if (classes !== alphabet.length) {
    throw new DecoderSetupError(
      `Output '${name}' has ${classes} classes but the character list makes ${alphabet.length} (with the blank).`,
    );
  }
  const data = tensor.data as ArrayLike<number>;
  const base = batchIndex * steps * classes;
  const characters: ReadText['characters'] = [];
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const row = base + t * classes;
    let best = 0;
    let bestValue = -Infinity;
    for (let c = 0; c < classes; c++) {
      const v = data[row + c]!;
      if (v > bestValue) {
        bestValue = v;
        best = c;
      }
    }
    if (best !== blank && best !== previous) characters.push({ char: alphabet[best]!, score: roundScore(bestValue) });
    previous = best;
  }
  const score = characters.length > 0 ? roundScore(characters.reduce((s, c) => s + c.score, 0) / characters.length) : 0;
  return { text: characters.map((c) => c.char).join(''), score, characters };
}
