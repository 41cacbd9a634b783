// Catalogue block 1xxx: reading the spec file and YAML syntax (one code per yaml library error code).
import { defineMessages } from '../types.js';

export const readMessages = defineMessages({
  fileNotFound: {
    code: 'EML1001',
    category: 'error',
    text: (d: { path: string }) => `Cannot read spec file '${d.path}': it does not exist.`,
    hint: () => 'Check the path, or run edgeml from the folder that holds the spec.',
  },
  fileUnreadable: {
    code: 'EML1002',
    category: 'error',
    text: (d: { path: string; reason: string }) => `Cannot read spec file '${d.path}': ${d.reason}.`,
  },
  fileTooLarge: {
    code: 'EML1003',
    category: 'error',
    text: (d: { size: number; limit: number }) => `The spec is ${d.size} bytes; specs are limited to ${d.limit} bytes.`,
    hint: () => 'Keep large data (labels, twin content) in separate files the spec references.',
  },
  invalidUtf8: {
    code: 'EML1004',
    category: 'error',
    text: (d: { byte: string }) => `The spec is not valid UTF-8: byte ${d.byte} cannot start or continue a character here.`,
    hint: () => 'Save the file as UTF-8.',
  },
  yamlSyntax: { code: 'EML1005', category: 'error', text: (d: { message: string }) => `${d.message}` },
  duplicateKey: {
    code: 'EML1006',
    category: 'error',
    text: (d: { key: string }) => `Duplicate key '${d.key}': the value written later would silently replace the earlier one.`,
    hint: () => 'Remove one of the two entries or merge them.',
  },
  tabIndent: {
    code: 'EML1007',
    category: 'error',
    text: () => 'Tabs cannot indent YAML.',
    hint: () => 'Indent with spaces (two per level is usual).',
  },
  tooDeep: {
    code: 'EML1008',
    category: 'error',
    text: (d: { limit: number }) => `The spec nests more than ${d.limit} levels deep.`,
    hint: () => 'Flatten the structure; no part of a spec needs this depth.',
  },
  tooManyValues: {
    code: 'EML1009',
    category: 'error',
    text: (d: { limit: number }) => `The spec expands to more than ${d.limit} values (aliases multiply what they repeat).`,
    hint: () => 'Remove the aliases (*name) that repeat large anchored blocks.',
  },
  forbiddenKey: {
    code: 'EML1010',
    category: 'error',
    text: (d: { key: string }) => `The key '${d.key}' is not allowed anywhere in a spec.`,
    hint: () => 'Rename the key.',
  },
  nonStringKey: {
    code: 'EML1011',
    category: 'error',
    text: (d: { kind: string }) => `Keys must be plain strings, not ${d.kind}.`,
    hint: () => 'Write the key as text.',
  },
  multipleDocuments: {
    code: 'EML1012',
    category: 'error',
    text: () => 'A spec holds one YAML document; this file holds more than one.',
    hint: () => 'Split the documents into separate spec files.',
  },
  emptySpec: {
    code: 'EML1013',
    category: 'error',
    text: () => 'The spec is empty.',
    hint: () => 'Start with `edgeml: 1`, then name, task, model, target, azure and modules.',
  },
  yamlWarning: { code: 'EML1014', category: 'warning', text: (d: { message: string }) => `${d.message}` },
  badTag: {
    code: 'EML1015',
    category: 'error',
    text: (d: { tag: string }) => `The YAML tag '${d.tag}' is not supported in a spec.`,
    hint: () => 'Remove the tag; write plain strings, numbers, booleans, lists and maps.',
  },
  badSet: {
    code: 'EML1016',
    category: 'error',
    text: (d: { arg: string; reason: string }) => `--set '${d.arg}': ${d.reason}.`,
    hint: () => 'Write --set path.to.field=value, e.g. --set azure.location=westeurope.',
  },
});
