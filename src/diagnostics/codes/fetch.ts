// Message catalogue for downloading remote models into the model cache (`edgeml fetch`, and apply before it builds
// a scoring image): codes EML6500–6599. Messages name the model and the cache, never keys, SAS tokens or queries.
import { defineMessages } from '../types.js';

export const fetchMessages = defineMessages({
  notRemote: {
    code: 'EML6501',
    category: 'suggestion',
    text: (d: { kind: string }) => `The model comes from a ${d.kind} source on this machine; there is nothing to fetch.`,
    hint: () => '`edgeml fetch` downloads model.source.azureml and model.source.url models.',
  },
  cached: {
    code: 'EML6502',
    category: 'suggestion',
    text: (d: { what: string; file: string }) => `The ${d.what} is already cached and verified at ${d.file}.`,
  },
  downloadFailed: {
    code: 'EML6503',
    category: 'error',
    text: (d: { what: string; code: string; message: string }) => `The ${d.what} could not be downloaded (${d.code}): ${d.message}`,
    hint: (d: { code: string }) =>
      d.code === 'ModelNotFound'
        ? 'Check model.source.azureml name and version, and azure.ml workspace and resource group (`az ml model list`).'
        : d.code === 'SubscriptionMissing'
          ? 'Set azure.subscription in the spec or export AZURE_SUBSCRIPTION_ID.'
          : /Authori[sz]ation|Authentication|Unauthorized|Forbidden|Credential/i.test(d.code)
            ? 'Sign in with an identity that may read the workspace and list its datastore secrets (e.g. AzureML Data Scientist).'
            : 'Run `edgeml fetch` again; transient failures are retried, others name what to fix.',
  },
  hashMismatch: {
    code: 'EML6504',
    category: 'error',
    text: (d: { url: string; expected: string; actual: string }) =>
      `The model downloaded from ${d.url} has sha256 ${d.actual}, but model.source.url.sha256 is ${d.expected}; it was not cached.`,
    hint: () => 'Fix the sha256 in the spec if the model changed on purpose, otherwise find out who changed the file.',
  },
  cacheInvalid: {
    code: 'EML6505',
    category: 'warning',
    text: (d: { file: string; detail: string }) => `The cached model ${d.file} failed verification (${d.detail}); it is downloaded again.`,
  },
  modelMismatch: {
    code: 'EML6506',
    category: 'error',
    text: (d: { what: string; problems: string }) => `The ${d.what} does not fit the spec: ${d.problems}`,
    hint: () =>
      'Fix model.preprocess / model.postprocess (`edgeml validate` now compares them with the cached model), or register the right model version.',
  },
  modelUnreadable: {
    code: 'EML6507',
    category: 'error',
    text: (d: { what: string; message: string }) => `The ${d.what} cannot be used: ${d.message}`,
    hint: () => 'Check that the registered file is an ONNX model; delete the cache entry to download it again.',
  },
  workspaceMissing: {
    code: 'EML6508',
    category: 'error',
    text: () => 'The model comes from Azure ML, but the spec names no workspace (azure.ml.workspace).',
    hint: () => 'Add azure.ml.workspace (and azure.ml.resourceGroup when it differs from azure.resourceGroup).',
  },
  notCached: {
    code: 'EML6509',
    category: 'error',
    text: (d: { what: string }) => `The ${d.what} is not in the model cache.`,
    hint: (d: { spec: string }) => `Run \`edgeml fetch ${d.spec}\` to download it into the cache.`,
  },
});

export type FetchMessageId = keyof typeof fetchMessages;
