// Compares a spec's model settings (IR) with what the ONNX file really has (ModelInfo): input name, layout, channels,
// size and element type; decoder outputs and their shapes; labels versus classes. Model stage, pure; the spec checker
// turns each ModelMismatch into a diagnostic at the spec line of its IR path.
import type { CascadeStageIR, SpecPath, TextRecognitionDecoderIR, WorkflowIR } from '../ir/types.js';
import { guessBoxesOutputs } from '../runtime/scoring/decoders/boxes.js';
import { isFixed, readImageInputShape, readShapeAs, type Dim, type TensorInfo } from '../runtime/scoring/model-metadata.js';
import type { ModelInfo } from './model-info.js';

export type ModelMismatchId =
  | 'input-missing'
  | 'input-not-image'
  | 'input-layout'
  | 'input-layout-unknown'
  | 'input-channels'
  | 'input-size'
  | 'input-size-unknown'
  | 'input-element-type'
  | 'color-order'
  | 'pixel-range'
  | 'output-missing'
  | 'output-not-tensor'
  | 'output-element-type'
  | 'output-shape'
  | 'boxes-outputs-unknown'
  | 'label-count'
  | 'activation-twice'
  | 'telemetry-input';

export interface ModelMismatch {
  /** Stable id of the kind of mismatch; the checker maps it to a diagnostic code. */
  id: ModelMismatchId;
  /** IR field the mismatch is about, e.g. ['model', 'preprocess', 'width']. */
  path: SpecPath;
  /** What the model has. */
  actual: string | number;
  /** What the spec says, when it says something. */
  expected?: string | number;
  /** One sentence, ending in a period. */
  message: string;
}

interface Context {
  ir: Pick<WorkflowIR, 'model' | 'task'>;
  info: ModelInfo;
  input?: TensorInfo;
}

type Rule = (ctx: Context) => ModelMismatch[];

const PRE = ['model', 'preprocess'] as const;
// The decoder is written under model.postprocess in the spec.
const DEC = ['model', 'postprocess'] as const;
const shapeText = (shape: readonly Dim[] | undefined): string => `[${(shape ?? []).join(', ')}]`;
const names = (list: readonly TensorInfo[]): string => list.map((t) => `'${t.name}'`).join(', ');

const inputRules: Rule[] = [
  function inputExists({ ir, info, input }) {
    if (input) return [];
    const wanted = ir.model.preprocess.inputName;
    return [
      {
        id: 'input-missing',
        path: [...PRE, 'inputName'],
        actual: info.inputs.map((i) => i.name).join(', '),
        expected: wanted ?? '',
        message: wanted ? `The model has no input '${wanted}'; its inputs are ${names(info.inputs)}.` : 'The model has no inputs.',
      },
    ];
  },
  function inputIsImage({ input }) {
    if (!input || input.shape?.length === 4) return [];
    return [
      {
        id: 'input-not-image',
        path: [...PRE, 'inputName'],
        actual: shapeText(input.shape),
        message: `Model input '${input.name}' has shape ${shapeText(input.shape)}, not an image batch [N, C, H, W] or [N, H, W, C].`,
      },
    ];
  },
  function layoutFits({ ir, input }) {
    if (input?.shape?.length !== 4) return [];
    const inferred = readImageInputShape(input.shape).layout;
    const stated = ir.model.preprocess.layout;
    if (stated && inferred && stated !== inferred) {
      return [
        {
          id: 'input-layout',
          path: [...PRE, 'layout'],
          actual: inferred,
          expected: stated,
          message: `The spec says layout ${stated} but model input '${input.name}' ${shapeText(input.shape)} is ${inferred}.`,
        },
      ];
    }
    if (!stated && !inferred) {
      return [
        {
          id: 'input-layout-unknown',
          path: [...PRE, 'layout'],
          actual: shapeText(input.shape),
          message: `Cannot tell whether model input '${input.name}' ${shapeText(input.shape)} is NCHW or NHWC; set the layout.`,
        },
      ];
    }
    return [];
  },
  function channelsFit({ ir, input }) {
    const layout = ir.model.preprocess.layout ?? readImageInputShape(input?.shape).layout;
    if (!input || !layout) return [];
    const { channels } = readShapeAs(input.shape, layout);
    if (!isFixed(channels) || channels === 3) return [];
    return [
      {
        id: 'input-channels',
        path: [...PRE, 'colorOrder'],
        actual: channels,
        expected: 3,
        message: `Model input '${input.name}' takes ${channels} channel(s) but the spec feeds 3 (${ir.model.preprocess.colorOrder}).`,
      },
    ];
  },
  function sizeFits({ ir, input }) {
    const layout = ir.model.preprocess.layout ?? readImageInputShape(input?.shape).layout;
    if (!input || !layout) return [];
    const dims = readShapeAs(input.shape, layout);
    return (['width', 'height'] as const).flatMap((axis): ModelMismatch[] => {
      const model = dims[axis];
      const spec = ir.model.preprocess[axis];
      if (spec !== undefined && isFixed(model) && model !== spec) {
        return [
          {
            id: 'input-size',
            path: [...PRE, axis],
            actual: model,
            expected: spec,
            message: `The spec sets ${axis} ${spec} but model input '${input.name}' has ${axis} ${model}.`,
          },
        ];
      }
      if (spec === undefined && !isFixed(model)) {
        return [
          {
            id: 'input-size-unknown',
            path: [...PRE, axis],
            actual: String(model),
            message: `Model input '${input.name}' has a variable ${axis} ('${model}'); set the ${axis} in the spec.`,
          },
        ];
      }
      return [];
    });
  },
  function elementTypeFits({ ir, input }) {
    if (!input) return [];
    const stated = ir.model.preprocess.elementType;
    const supported = input.elementType === 'float32' || input.elementType === 'uint8';
    if (!supported) {
      return [
        {
          id: 'input-element-type',
          path: [...PRE, 'elementType'],
          actual: input.elementType,
          ...(stated ? { expected: stated } : {}),
          message: `Model input '${input.name}' takes ${input.elementType}; the scoring module feeds float32 or uint8.`,
        },
      ];
    }
    if (stated && stated !== input.elementType) {
      return [
        {
          id: 'input-element-type',
          path: [...PRE, 'elementType'],
          actual: input.elementType,
          expected: stated,
          message: `The spec sets element type ${stated} but model input '${input.name}' takes ${input.elementType}.`,
        },
      ];
    }
    return [];
  },
];

/**
 * Custom Vision (and WinML-style) exports state their expected input in metadata_props: pixel format and range.
 * Table: metadata value → what the spec must say.
 */
const pixelFormats: Record<string, 'RGB' | 'BGR'> = { Bgr8: 'BGR', Rgb8: 'RGB' };
const pixelRanges: Record<string, { scale: number; text: string }> = {
  NominalRange_0_255: { scale: 1, text: '0-255' },
  Normalized_0_1: { scale: 1 / 255, text: '0-1' },
};

const metadataRules: Rule[] = [
  function colorOrderFitsMetadata({ ir, info }) {
    const format = info.metadata['Image.BitmapPixelFormat'];
    const wanted = format ? pixelFormats[format] : undefined;
    const stated = ir.model.preprocess.colorOrder;
    if (!wanted || wanted === stated) return [];
    return [
      {
        id: 'color-order',
        path: [...PRE, 'colorOrder'],
        actual: wanted,
        expected: stated,
        message: `The model's metadata says it takes ${format} pixels (${wanted}) but the spec feeds ${stated}.`,
      },
    ];
  },
  function scaleFitsMetadata({ ir, info }) {
    const rangeName = info.metadata['Image.NominalPixelRange'];
    const range = rangeName ? pixelRanges[rangeName] : undefined;
    const { scale, mean, std } = ir.model.preprocess;
    if (!range || ir.model.preprocess.elementType === 'uint8') return [];
    const plain = mean.every((m) => m === 0) && std.every((s) => s === 1);
    if (!plain || Math.abs(scale - range.scale) < 1e-9) return [];
    return [
      {
        id: 'pixel-range',
        path: [...PRE, 'scale'],
        actual: range.text,
        expected: scale,
        message: `The model's metadata says it takes pixel values ${range.text} (scale ${range.scale === 1 ? '1' : '1/255'}) but the spec scales by ${scale}.`,
      },
    ];
  },
];

const NUMERIC_TYPES = new Set(['float32', 'float64', 'float16', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

/** An output the decoder names (or the first output) that must exist and be a tensor. */
function findOutput(info: ModelInfo, name: string | undefined, path: SpecPath): { output?: TensorInfo; problems: ModelMismatch[] } {
  const output = name ? info.outputs.find((o) => o.name === name) : info.outputs[0];
  if (!output) {
    return {
      problems: [
        {
          id: 'output-missing',
          path,
          actual: info.outputs.map((o) => o.name).join(', '),
          expected: name ?? '',
          message: name ? `The model has no output '${name}'; its outputs are ${names(info.outputs)}.` : 'The model has no outputs.',
        },
      ],
    };
  }
  if (!output.shape) {
    return {
      problems: [
        {
          id: 'output-not-tensor',
          path,
          actual: output.name,
          message: `Model output '${output.name}' is not a tensor (e.g. a ZipMap of labels); decode a tensor output instead.`,
        },
      ],
    };
  }
  if (!NUMERIC_TYPES.has(output.elementType)) {
    return {
      problems: [
        {
          id: 'output-element-type',
          path,
          actual: output.elementType,
          message: `Model output '${output.name}' holds ${output.elementType} values, not numbers (e.g. label names); decode the scores output instead.`,
        },
      ],
    };
  }
  return { output, problems: [] };
}

function labelCount(ir: Context['ir'], classes: number, what: string): ModelMismatch[] {
  const labels = ir.model.labels;
  if (!labels || labels.length === classes) return [];
  const source = ir.model.source;
  // Labels that come with a Custom Vision export are reported where the spec names the export.
  const fromExport = source.kind === 'customvision' && ir.model.labelsFile === `${source.path}/${source.labelsFile}`;
  const path: SpecPath = fromExport
    ? ['model', 'source', 'customvision']
    : ir.model.labelsFile
      ? ['model', 'labelsFile']
      : ['model', 'labels'];
  return [
    {
      id: 'label-count',
      path,
      actual: classes,
      expected: labels.length,
      message: `The spec lists ${labels.length} label(s) but ${what} has ${classes} classes.`,
    },
  ];
}

/** The graph op that already applies each decoder activation. */
const ACTIVATION_OPS: Record<string, string> = { softmax: 'Softmax', sigmoid: 'Sigmoid' };

/**
 * The decoder applies softmax (the default) or sigmoid to an output the model already computed with that op: the
 * scores come out flattened (two classes at 1.0 and 0.0 become 0.73 and 0.27), and thresholds stop meaning much.
 */
function activationTwice(activation: string, output: string, info: ModelInfo): ModelMismatch[] {
  const op = info.outputOps?.[output];
  if (!op || op !== ACTIVATION_OPS[activation]) return [];
  return [
    {
      id: 'activation-twice',
      path: [...DEC, 'activation'],
      actual: op,
      expected: 'none',
      message: `Model output '${output}' is computed by ${op} already, and postprocess.activation ${activation} would apply it a second time.`,
    },
  ];
}

const decoderRules: Record<WorkflowIR['model']['decoder']['kind'], Rule> = {
  classification({ ir, info }) {
    const decoder = ir.model.decoder;
    if (decoder.kind !== 'classification') return [];
    const { output, problems } = findOutput(info, decoder.output, [...DEC, 'output']);
    if (!output?.shape) return problems;
    const perImage = output.shape.length <= 1 ? output.shape : output.shape.slice(1);
    // A score vector may carry trailing 1s ([N, C, 1, 1]); more than one other dimension is a map, not a vector.
    const classDims = perImage.filter((d) => !(isFixed(d) && d === 1));
    if (classDims.length > 1) {
      return [
        {
          id: 'output-shape',
          path: [...DEC, 'output'],
          actual: shapeText(output.shape),
          message: `Model output '${output.name}' ${shapeText(output.shape)} is not one score vector per image.`,
        },
      ];
    }
    const classes = classDims.length === 0 ? 1 : classDims[0];
    return [
      ...activationTwice(decoder.activation, output.name, info),
      ...(isFixed(classes) ? labelCount(ir, classes, `output '${output.name}'`) : []),
    ];
  },
  boxes({ ir, info }) {
    const decoder = ir.model.decoder;
    if (decoder.kind !== 'boxes') return [];
    const problems: ModelMismatch[] = [];
    for (const role of ['boxes', 'scores', 'labels'] as const) {
      const name = decoder.outputs[role];
      if (name) problems.push(...findOutput(info, name, [...DEC, 'outputs', role]).problems);
    }
    if (problems.length) return problems;
    const chosen = guessBoxesOutputs(
      decoder.outputs,
      info.outputs.map((o) => o.name),
    );
    if (!chosen) {
      return [
        {
          id: 'boxes-outputs-unknown',
          path: [...DEC, 'outputs'],
          actual: info.outputs.map((o) => o.name).join(', '),
          message: `Cannot tell which of the outputs ${names(info.outputs)} hold boxes and scores; name them.`,
        },
      ];
    }
    const boxes = info.outputs.find((o) => o.name === chosen.boxes);
    const last = boxes?.shape?.[boxes.shape.length - 1];
    if (boxes?.shape && (boxes.shape.length < 2 || boxes.shape.length > 3 || (isFixed(last) && last !== 4))) {
      return [
        {
          id: 'output-shape',
          path: [...DEC, 'outputs', 'boxes'],
          actual: shapeText(boxes.shape),
          message: `Boxes output '${boxes.name}' has shape ${shapeText(boxes.shape)}; expected [N, 4] or [batch, N, 4].`,
        },
      ];
    }
    return [];
  },
  regression: oneValuePerRow,
  anomaly: oneValuePerRow,
  'yolo-grid'({ ir, info }) {
    const decoder = ir.model.decoder;
    if (decoder.kind !== 'yolo-grid') return [];
    const { output, problems } = findOutput(info, decoder.output, [...DEC, 'output']);
    if (!output?.shape) return problems;
    const channels = output.shape[1];
    const anchors = decoder.anchors.length;
    if (output.shape.length !== 4 || (isFixed(channels) && (channels % anchors !== 0 || channels / anchors < 6))) {
      return [
        {
          id: 'output-shape',
          path: [...DEC, 'anchors'],
          actual: shapeText(output.shape),
          expected: anchors,
          message: `Model output '${output.name}' ${shapeText(output.shape)} does not fit ${anchors} anchors: expected [1, ${anchors}*(5+classes), gridH, gridW].`,
        },
      ];
    }
    return isFixed(channels) ? labelCount(ir, channels / anchors - 5, `output '${output.name}'`) : [];
  },
  'text-detection'({ ir, info }) {
    const decoder = ir.model.decoder;
    if (decoder.kind !== 'text-detection') return [];
    const { output, problems } = findOutput(info, decoder.output, [...DEC, 'output']);
    if (!output?.shape) return problems;
    const shape = output.shape;
    const isMap = shape.length === 3 || (shape.length === 4 && (!isFixed(shape[1]) || shape[1] === 1));
    if (isMap) return [];
    return [
      {
        id: 'output-shape',
        path: [...DEC, 'format'],
        actual: shapeText(shape),
        message: `Model output '${output.name}' ${shapeText(shape)} is not a text-probability map [N, 1, H, W].`,
      },
    ];
  },
  'text-recognition'({ ir, info }) {
    const decoder = ir.model.decoder;
    if (decoder.kind !== 'text-recognition') return [];
    const { output, problems } = findOutput(info, decoder.output, [...DEC, 'output']);
    if (!output?.shape) return problems;
    const shape = output.shape;
    if (shape.length !== 3) {
      return [
        {
          id: 'output-shape',
          path: [...DEC, 'format'],
          actual: shapeText(shape),
          message: `Model output '${output.name}' ${shapeText(shape)} is not a CTC output [N, steps, classes].`,
        },
      ];
    }
    const classes = shape[2];
    if (!decoder.characters || !isFixed(classes)) return [];
    const made = ctcAlphabet(decoder).length;
    if (made === classes) return [];
    const extras = `${decoder.characters.length} characters + blank${decoder.space ? ' + space' : ''}`;
    return [
      {
        id: 'label-count',
        path: [...DEC, 'characters'],
        actual: classes,
        expected: made,
        message: `The character list makes ${made} classes (${extras}) but output '${output.name}' has ${classes}.`,
      },
    ];
  },
};

/** A CTC decoder's classes in output order: the blank ('') before or after the characters, then a space when asked. */
export function ctcAlphabet(decoder: Pick<TextRecognitionDecoderIR, 'characters' | 'blank' | 'space'>): string[] {
  const characters = [...(decoder.characters ?? []), ...(decoder.space ? [' '] : [])];
  return decoder.blank === 'first' ? ['', ...characters] : [...characters, ''];
}

/**
 * Every way a cascade stage's model disagrees with its settings: the same rules as for the main model, reported at
 * the stage's own spec lines (model.cascade.stages[i]...).
 */
export function compareStageWithSpec(stage: CascadeStageIR, info: ModelInfo): ModelMismatch[] {
  const asModel: WorkflowIR['model'] = {
    source: stage.source,
    ...(stage.labels ? { labels: stage.labels } : {}),
    ...(stage.labelsFile ? { labelsFile: stage.labelsFile } : {}),
    preprocess: stage.preprocess,
    decoder: stage.decoder,
    samples: [],
  };
  return compareModelWithSpec({ model: asModel, task: 'image-classification' }, info).map((m) => ({
    ...m,
    path: [...stage.path, ...m.path.slice(1)],
  }));
}

/** A regression value or an anomaly score: one number per message, [batch, 1] or [batch]. */
function oneValuePerRow({ ir, info }: Context): ModelMismatch[] {
  const decoder = ir.model.decoder;
  if (decoder.kind !== 'regression' && decoder.kind !== 'anomaly') return [];
  const { output, problems } = findOutput(info, decoder.output, [...DEC, 'output']);
  if (!output?.shape) return problems;
  const perRow = output.shape.slice(1);
  if (output.shape.length === 0 || perRow.some((d) => !(isFixed(d) && d === 1))) {
    return [
      {
        id: 'output-shape',
        path: [...DEC, 'format'],
        actual: shapeText(output.shape),
        message: `Model output '${output.name}' ${shapeText(output.shape)} is not one ${decoder.kind === 'anomaly' ? 'score' : 'value'} per message ([batch, 1]).`,
      },
    ];
  }
  return [];
}

/**
 * A telemetry model reads one row per message (or window): [batch, window x features] of float32. The runtime
 * feeds exactly that, so a fixed row width must equal the spec's feature count times the window.
 */
function telemetryInput({ ir, info, input }: Context): ModelMismatch[] {
  const telemetry = ir.model.telemetry;
  if (!telemetry) return [];
  if (!input)
    return [
      {
        id: 'input-missing',
        path: ['model', 'features'],
        actual: info.inputs.map((i) => i.name).join(', '),
        message: 'The model has no inputs.',
      },
    ];
  const width = telemetry.features.length * telemetry.window;
  const per = `${telemetry.features.length} feature${telemetry.features.length === 1 ? '' : 's'}${telemetry.window > 1 ? ` x window ${telemetry.window}` : ''}`;
  if (input.shape?.length !== 2) {
    return [
      {
        id: 'telemetry-input',
        path: ['model', 'features'],
        actual: shapeText(input.shape),
        expected: width,
        message: `Model input '${input.name}' has shape ${shapeText(input.shape)}; a telemetry model reads [batch, ${width}] (${per}).`,
      },
    ];
  }
  const columns = input.shape[1];
  if (isFixed(columns) && columns !== width) {
    return [
      {
        id: 'telemetry-input',
        path: ['model', 'features'],
        actual: shapeText(input.shape),
        expected: width,
        message: `Model input '${input.name}' ${shapeText(input.shape)} takes ${columns} numbers per row, but the spec gives ${width} (${per}).`,
      },
    ];
  }
  if (input.elementType !== 'float32') {
    return [
      {
        id: 'input-element-type',
        path: ['model', 'features'],
        actual: input.elementType,
        expected: 'float32',
        message: `Model input '${input.name}' holds ${input.elementType}; the telemetry module feeds float32.`,
      },
    ];
  }
  return [];
}

/** Every way the model file disagrees with the spec; empty when they fit. */
export function compareModelWithSpec(ir: Pick<WorkflowIR, 'model' | 'task'>, info: ModelInfo): ModelMismatch[] {
  const wanted = ir.model.preprocess.inputName;
  const input = wanted ? info.inputs.find((i) => i.name === wanted) : info.inputs[0];
  const ctx: Context = { ir, info, ...(input ? { input } : {}) };
  // Telemetry models read numbers, not images: their input has its own rule, and image metadata does not apply.
  if (ir.task === 'telemetry') return [...telemetryInput(ctx), ...decoderRules[ir.model.decoder.kind](ctx)];
  return [
    ...inputRules.flatMap((rule) => rule(ctx)),
    ...metadataRules.flatMap((rule) => rule(ctx)),
    ...decoderRules[ir.model.decoder.kind](ctx),
  ];
}
