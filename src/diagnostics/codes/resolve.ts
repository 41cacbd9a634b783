// Catalogue block 25xx-26xx: resolving what the spec references on disk (model, labels, samples, bundles) and
// comparing the spec with the ONNX model it names.
import { defineMessages } from '../types.js';

export const resolveMessages = defineMessages({
  fileMissing: {
    code: 'EML2501',
    category: 'error',
    text: (d: { what: string; path: string }) => `The ${d.what} '${d.path}' does not exist.`,
    hint: () => "Paths are relative to the spec's folder.",
  },
  notAFile: {
    code: 'EML2502',
    category: 'error',
    text: (d: { what: string; path: string }) => `The ${d.what} '${d.path}' is a folder, not a file.`,
  },
  notAFolder: {
    code: 'EML2503',
    category: 'error',
    text: (d: { what: string; path: string }) => `The ${d.what} '${d.path}' is not a folder.`,
  },
  labelsEmpty: {
    code: 'EML2504',
    category: 'error',
    text: (d: { path: string }) => `The labels file '${d.path}' has no labels.`,
    hint: () => 'Write one label per line, in the order of the model outputs.',
  },
  fileTooLarge: {
    code: 'EML2505',
    category: 'error',
    text: (d: { what: string; path: string; size: number; limit: number }) =>
      `The ${d.what} '${d.path}' is ${d.size} bytes, more than the ${d.limit} bytes edgeml bundles.`,
  },
  folderEmpty: {
    code: 'EML2506',
    category: 'error',
    text: (d: { path: string }) => `The image folder '${d.path}' holds no .jpg, .jpeg, .png, .bmp or .webp images.`,
  },
  archiveUnreadable: {
    code: 'EML2509',
    category: 'error',
    text: (d: { path: string; reason: string }) => `The Custom Vision export '${d.path}' cannot be read: ${d.reason}`,
    hint: () => 'Download the export again (Custom Vision: Export, ONNX), or unzip it and point model.source.customvision at the folder.',
  },
  archiveEntryMissing: {
    code: 'EML2510',
    category: 'error',
    text: (d: { path: string; entry: string }) => `The Custom Vision export '${d.path}' holds no '${d.entry}'.`,
    hint: () => 'Export the ONNX model from Custom Vision again: its zip holds model.onnx and labels.txt.',
  },
  contractNotJson: {
    code: 'EML2511',
    category: 'error',
    text: (d: { path: string; reason: string }) => `The message contract '${d.path}' is not JSON: ${d.reason}`,
    hint: () => 'Write the contract as a JSON Schema (draft-07) in a .json file.',
  },
  contractInvalid: {
    code: 'EML2512',
    category: 'error',
    text: (d: { output: string; reason: string }) => `The message contract of '${d.output}' is not a valid JSON Schema: ${d.reason}`,
    hint: () => 'Fix the schema (draft-07: type, properties, required, items, minimum, maximum, enum ...).',
  },
  charactersEmpty: {
    code: 'EML2520',
    category: 'error',
    text: (d: { path: string }) => `The character list '${d.path}' has no characters.`,
    hint: () => 'Write one character (or token) per line, in the order of the model classes after the blank.',
  },
  escapesFolder: {
    code: 'EML2507',
    category: 'error',
    text: (d: { path: string }) => `'${d.path}' leads outside the spec's folder (through a symbolic link).`,
    hint: () => 'Copy the file into the spec folder instead of linking to it.',
  },

  modelUnreadable: {
    code: 'EML2601',
    category: 'error',
    text: (d: { message: string }) => d.message,
    hint: () => 'Point model.source at an ONNX file (.onnx) exported from your framework.',
  },
  modelDeferred: { code: 'EML2602', category: 'suggestion', text: (d: { reason: string }) => d.reason },
  modelMismatch: {
    code: 'EML2603',
    category: 'error',
    text: (d: { message: string }) => d.message,
    hint: (d: { actual: string }) => `The model says: ${d.actual}.`,
  },
  modelLabelCount: {
    code: 'EML2604',
    category: 'error',
    text: (d: { message: string }) => d.message,
    hint: () => 'Give one label per model class, in output order.',
  },
  modelActivationTwice: {
    code: 'EML2606',
    category: 'warning',
    text: (d: { message: string }) => d.message,
    hint: () => 'Set postprocess.activation: none, so the scores are the probabilities the model computes.',
  },
});
