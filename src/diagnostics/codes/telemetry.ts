// Message catalogue for scoring telemetry on this machine (`edgeml test` on a telemetry spec; codes EML7300–7399).
import { defineMessages } from '../types.js';

export const telemetryRunMessages = defineMessages({
  noMessages: {
    code: 'EML7301',
    category: 'error',
    text: () => 'There are no messages to score: the spec lists no model.samples and no --messages was given.',
    hint: () => 'Add a JSON-lines file of message bodies under model.samples, or pass --messages FILE.',
  },
  messagesUnreadable: {
    code: 'EML7302',
    category: 'error',
    text: (d: { file: string; reason: string }) => `The messages file '${d.file}' cannot be read: ${d.reason}.`,
    hint: () => 'Give a JSON-lines file: one message body (or {"input", "body", "deviceId"}) per line.',
  },
  linesSkipped: {
    code: 'EML7303',
    category: 'warning',
    text: (d: { count: number; file: string; first: string }) =>
      `${d.count} line(s) of '${d.file}' were not scored; the first: ${d.first}.`,
    hint: () => 'Give every feature path a value in each message, or a default in model.features.',
  },
  expectAnomalies: {
    code: 'EML7304',
    category: 'error',
    text: (d: { expected: number; actual: number; file: string }) =>
      `model.expect.anomalies is ${d.expected}, but ${d.actual} message(s) of '${d.file}' were flagged.`,
    hint: () => 'Check the threshold (model.postprocess.threshold) and the feature paths; or update the expectation.',
  },
});
