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

/**
 * What a model cascade adds to each answer (runtime/scoring/cascade.ts): text regions carry a quadrilateral, and a
 * cropped region nests each later stage's results under stages.<name>. Absent for a single model.
 */
export interface CascadeContract {
  /** The first model finds text regions (quad on every region). */
  quads: boolean;
  /** The stages that read the first model's regions, in order. */
  stages: StageContract[];
}

export interface StageContract {
  name: string;
  /** classification (maybe turning the crop), text (a recogniser) or regions (a detector whose regions the next stages read). */
  kind: 'classification' | 'text' | 'regions';
  /** Orientation stages: the degrees they turn a crop by. */
  rotates?: number;
  /** Region stages: whether their regions carry quads, and the stages that read them. */
  quads?: boolean;
  stages?: StageContract[];
}

const quad: JsonSchema = {
  type: 'array',
  description: 'The text region as four corners in image pixels: top-left, top-right, bottom-right, bottom-left.',
  minItems: 4,
  maxItems: 4,
  items: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'number', minimum: 0 }, description: '[x, y] in pixels.' },
};

/** The stages object of a cropped region: one entry per stage that read the crop. */
function stagesSchema(stages: readonly StageContract[]): JsonSchema {
  return {
    type: 'object',
    description:
      "Added by a model cascade to each region it cropped: every later stage's results for that crop, by stage name (absent when the region was not cropped).",
    required: stages.map((s) => s.name),
    additionalProperties: false,
    properties: Object.fromEntries(stages.map((stage) => [stage.name, stageResult(stage)])),
  };
}

function stageResult(stage: StageContract): JsonSchema {
  const item =
    stage.kind === 'regions'
      ? prediction('object-detection', { quads: stage.quads ?? false, stages: stage.stages ?? [] })
      : stage.kind === 'text'
        ? ({
            type: 'object',
            description: 'The text read, with its mean character confidence.',
            required: ['probability', 'tagId', 'tagName', 'text'],
            additionalProperties: false,
            properties: {
              probability: probability('Mean confidence of the characters, 0..1.'),
              tagId: { type: 'integer', minimum: 0, description: 'Always 0.' },
              tagName: { type: 'string', description: 'The text read (also in text).' },
              text: { type: 'string', description: 'The text read.' },
            },
          } satisfies JsonSchema)
        : prediction('image-classification');
  return {
    type: 'object',
    description: `Results of stage '${stage.name}' for this region.`,
    required: ['predictions', ...(stage.rotates ? ['rotated'] : [])],
    additionalProperties: false,
    properties: {
      predictions: {
        type: 'array',
        description: stage.kind === 'regions' ? 'Regions found in the crop (positions relative to the crop).' : 'Best first.',
        items: item,
      },
      ...(stage.rotates
        ? {
            rotated: {
              type: 'integer',
              enum: [0, stage.rotates],
              description: `Degrees the crop was turned before the next stage: ${stage.rotates} or 0.`,
            },
          }
        : {}),
    },
  };
}

function prediction(task: ContractTask, cascade?: CascadeContract): JsonSchema {
  const detection = task === 'object-detection';
  return {
    type: 'object',
    description: detection ? 'One detected object.' : 'One class, best first.',
    required: ['probability', 'tagId', 'tagName', ...(detection ? ['boundingBox'] : []), ...(cascade?.quads ? ['quad'] : [])],
    additionalProperties: false,
    properties: {
      probability: probability('Model score, 0..1.'),
      tagId: { type: 'integer', minimum: 0, description: 'Index of the label.' },
      tagName: { type: 'string', description: 'The label.' },
      ...(detection ? { boundingBox } : {}),
      ...(cascade?.quads ? { quad } : {}),
      ...(cascade && cascade.stages.length > 0 ? { stages: stagesSchema(cascade.stages) } : {}),
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

/** JSON Schema of one message the capture module sends for a model of `task` (and a cascade after it, if any). */
export function captureResultsContract(task: ContractTask, cascade?: CascadeContract): JsonSchema {
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
      created: {
        type: 'string',
        format: 'date-time',
        description: 'When the frame was scored (ISO 8601; edgeHub reads such strings as dates, which conditions cannot compare).',
      },
      predictions: {
        type: 'array',
        description: detection
          ? 'Detections above the threshold, best first; empty when nothing was found.'
          : 'Top classes, best first; empty when none passed the threshold.',
        items: prediction(task, cascade),
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
