// The message contract of a telemetry scoring module's output: one result per scored message (see
// runtime/telemetry/pipeline.ts, TelemetryResult). Every field is always present, so route conditions such as
// `$body.anomaly = true` never meet a missing field. Runtime stage (contracts): plain data.
import { JSON_SCHEMA_DRAFT_07, type JsonSchema } from './json-schema.js';

export type TelemetryResultKind = 'regression' | 'classification' | 'anomaly';

const text = (description: string): JsonSchema => ({ type: 'string', description });

const PREDICTION: Record<TelemetryResultKind, { required: string[]; properties: Record<string, JsonSchema> }> = {
  anomaly: {
    required: ['score', 'threshold', 'anomaly'],
    properties: {
      score: { type: 'number', description: "The model's anomaly score." },
      threshold: { type: 'number', description: 'The threshold of the spec (model.postprocess.threshold).' },
      anomaly: { type: 'boolean', description: 'True when score >= threshold.' },
    },
  },
  regression: {
    required: ['value', 'unit'],
    properties: {
      value: { type: 'number', description: "The model's value." },
      unit: text("Unit of the value (model.postprocess.unit); '' when the spec names none."),
    },
  },
  classification: {
    required: ['label', 'probability', 'probabilities'],
    properties: {
      label: text('The most probable class.'),
      probability: { type: 'number', minimum: 0, maximum: 1, description: 'Its probability.' },
      probabilities: { type: 'object', description: 'Every class with its probability.', additionalProperties: { type: 'number' } },
    },
  },
};

/** JSON Schema of one result message of a telemetry module whose decoder is `kind` (others decode as classification). */
export function telemetryResultsContract(kind: string): JsonSchema {
  const own = PREDICTION[(kind in PREDICTION ? kind : 'classification') as TelemetryResultKind];
  return {
    $schema: JSON_SCHEMA_DRAFT_07,
    $id: `https://edgeml.dev/contracts/telemetry-results/${kind}.json`,
    title: 'Result for one scored message',
    description:
      'Sent by an edgeml telemetry scoring module for every message it scored. contentType application/json, contentEncoding utf-8.',
    type: 'object',
    required: ['kind', ...own.required, 'input', 'timestamps', 'defaulted', 'dropped'],
    additionalProperties: false,
    properties: {
      kind: { type: 'string', enum: [kind in PREDICTION ? kind : 'classification'], description: 'What the model computes.' },
      ...own.properties,
      input: {
        type: 'object',
        description: 'Which message this result is for.',
        required: ['name', 'deviceId', 'moduleId', 'messageId', 'correlationId'],
        additionalProperties: false,
        properties: {
          name: text('The IoT Edge input it arrived on.'),
          deviceId: text("The sending device ($.cdid); '' when unknown."),
          moduleId: text("The sending module ($.cmid); '' when unknown."),
          messageId: text("The message's id; '' when it had none."),
          correlationId: text("The message's correlation id; '' when it had none."),
        },
      },
      timestamps: {
        type: 'object',
        description: 'When the reading was made, received and scored (ISO 8601).',
        required: ['created', 'received', 'scored'],
        additionalProperties: false,
        properties: {
          created: text("From the body's timestamp or the message's creation time; '' when neither is known."),
          received: { type: 'string', format: 'date-time', description: 'When the module received it.' },
          scored: { type: 'string', format: 'date-time', description: 'When the model scored it.' },
        },
      },
      defaulted: { type: 'array', items: { type: 'string' }, description: 'Features missing from the message that took their default.' },
      dropped: { type: 'integer', minimum: 0, description: "Messages dropped so far because the module's queue was full." },
    },
  };
}
