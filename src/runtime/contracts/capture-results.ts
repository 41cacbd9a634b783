// The message contract of the image-capture module's output: what every message it sends on `output` looks like.
// The body is the scoring module's Custom Vision style answer (POST /image) plus a `summary` the capture module
// adds, so that safe routes are easy to write ($body.summary.topProbability >= 0.5 is defined for every message).
// Runtime stage (contracts): plain data, used by capture's tests, `edgeml run`'s checks and the compiler.
import { JSON_SCHEMA_DRAFT_07, type JsonSchema } from './json-schema.js';

export type ContractTask = 'image-classification' | 'object-detection';

const probability = (description: string): JsonSchema => ({ type: 'number', minimum: 0, maximum: 1, description });
const unit = (description: string): JsonSchema => ({ type: 'number', minimum: 0, maximum: 1, description });
const milliseconds = (description: string): JsonSchema => ({ type: 'number', minimum: 0, description });

const boundingBox: JsonSchema = {
  type: 'object',
  description: 'The box, relative to the frame (0..1 of its width and height).',
  required: ['left', 'top', 'width', 'height'],
  additionalProperties: false,
  properties: {
    left: unit('Left edge, 0..1 of the frame width.'),
    top: unit('Top edge, 0..1 of the frame height.'),
    width: unit('Width, 0..1 of the frame width.'),
    height: unit('Height, 0..1 of the frame height.'),
  },
};

function prediction(task: ContractTask): JsonSchema {
  const detection = task === 'object-detection';
  return {
    type: 'object',
    description: detection ? 'One detected object.' : 'One class, best first.',
    required: ['probability', 'tagId', 'tagName', ...(detection ? ['boundingBox'] : [])],
    additionalProperties: false,
    properties: {
      probability: probability('Model score, 0..1.'),
      tagId: { type: 'integer', minimum: 0, description: 'Index of the label.' },
      tagName: { type: 'string', description: 'The label.' },
      ...(detection ? { boundingBox } : {}),
    },
  };
}

/** The summary the capture module adds to each answer (see runtime/capture/summary.ts); every field is always set. */
export const SUMMARY_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'Added by the capture module: always present, so conditions on it never meet a missing field.',
  required: ['count', 'topProbability', 'topTagName'],
  additionalProperties: false,
  properties: {
    count: { type: 'integer', minimum: 0, description: 'Number of predictions (0 when nothing was found).' },
    topProbability: probability('Highest probability among the predictions; 0 when there are none.'),
    topTagName: { type: 'string', description: "Label of the most probable prediction; '' when there are none." },
  },
};

/** JSON Schema of one message the capture module sends for a model of `task`. */
export function captureResultsContract(task: ContractTask): JsonSchema {
  const detection = task === 'object-detection';
  return {
    $schema: JSON_SCHEMA_DRAFT_07,
    $id: `https://edgeml.dev/contracts/capture-results/${task}.json`,
    title: detection ? 'Detections for one frame' : 'Classification of one frame',
    description:
      "Sent by an edgeml image-capture module for every scored frame: the scoring module's Custom Vision style answer plus a summary. contentType application/json, contentEncoding utf-8; application properties frameIndex and frameOrigin.",
    type: 'object',
    required: ['id', 'project', 'iteration', 'created', 'predictions', 'summary', 'timings'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', description: 'A new UUID for every answer.' },
      project: { type: 'string', description: 'The model name.' },
      iteration: { type: 'string', description: "Always '' (Custom Vision's iteration name)." },
      created: { type: 'string', format: 'date-time', description: 'When the frame was scored (ISO 8601; edgeHub reads such strings as dates, which conditions cannot compare).' },
      predictions: {
        type: 'array',
        description: detection ? 'Detections above the threshold, best first; empty when nothing was found.' : 'Top classes, best first; empty when none passed the threshold.',
        items: prediction(task),
      },
      summary: SUMMARY_SCHEMA,
      timings: {
        type: 'object',
        description: 'Where the time went, in milliseconds.',
        required: ['preprocessMs', 'inferenceMs', 'postprocessMs', 'totalMs', 'batchSize'],
        additionalProperties: false,
        properties: {
          preprocessMs: milliseconds('Decode, resize and tensor writing.'),
          inferenceMs: milliseconds('Model run (shared by the batch).'),
          postprocessMs: milliseconds('Decoding the model outputs.'),
          totalMs: milliseconds('Everything on the scoring side.'),
          batchSize: { type: 'integer', minimum: 1, description: 'Frames that shared the model run.' },
        },
      },
    },
  };
}
