// Check: the model's decoder fits the task, and labels, samples and expectations are consistent with each other.
import { isSafeRelative } from '../../resolve/spec-paths.js';
import { defineCheck } from '../define-check.js';

export default defineCheck({
  meta: {
    id: 'model-decoder-task',
    description: 'The output format matches the task; labels and expectations are consistent.',
    messages: {
      decoderTask: {
        code: 'EML3971',
        text: (d: { format: string; task: string }) => `Output format '${d.format}' does not fit task '${d.task}'.`,
        hint: (d: { expected: string }) => `Use format: ${d.expected}.`,
      },
      labelsBoth: { code: 'EML3972', text: () => 'model has both labels and labelsFile.', hint: () => 'Keep one.' },
      duplicateLabel: {
        code: 'EML3973',
        category: 'warning',
        text: (d: { label: string }) => `Label '${d.label}' appears more than once, so two classes would be reported with the same name.`,
      },
      expectUnknownLabel: {
        code: 'EML3974',
        text: (d: { label: string }) => `expect.label '${d.label}' is not one of the model's labels.`,
        hint: () => 'Use a label from model.labels.',
      },
      expectWithoutSamples: {
        code: 'EML3975',
        text: () => 'model.expect describes the first sample, but model.samples is empty.',
        hint: () => 'Add a sample image under model.samples.',
      },
      expectDetections: {
        code: 'EML3976',
        text: () => 'expect.minDetections applies to object detection only.',
        hint: () => 'Use expect.label and expect.minScore for classification.',
      },
      boxesOutputs: {
        code: 'EML3977',
        category: 'suggestion',
        text: () => 'The boxes format names no output tensors; edgeml will match outputs named like boxes, scores and labels.',
        hint: () => 'Name them under postprocess.outputs to be explicit.',
      },
      unsafePath: {
        code: 'EML3978',
        text: (d: { path: string }) => `'${d.path}' must be a path inside the spec's folder (relative, without '..').`,
        hint: () => 'Move the file next to the spec, or into a folder below it.',
      },
    },
  },
  check(ctx) {
    const { model, task } = ctx.ir;
    const decoder = model.decoder;
    const format = decoder.kind === 'classification' ? 'classification' : decoder.kind;
    // What each task's first model may output: classifiers (and line readers) for classification, region finders for
    // detection (telemetry formats have their own check, telemetry-model).
    const fits = TASK_FORMATS[task];
    if (fits && !fits.includes(decoder.kind))
      ctx.report('decoderTask', { format, task, expected: fits.join(' or ') }, ['model', 'postprocess', 'format']);
    const raw = (ctx.data.model ?? {}) as Record<string, unknown>;
    if (raw.labels !== undefined && raw.labelsFile !== undefined)
      ctx.report('labelsBoth', undefined, ['model', 'labelsFile'], { key: true });
    // Labels read from a file (resolve stage) are reported at the spec line that names the file.
    const labelAt = (index: number): (string | number)[] =>
      raw.labels !== undefined ? ['model', 'labels', index] : raw.labelsFile !== undefined ? ['model', 'labelsFile'] : ['model', 'source'];
    const seen = new Set<string>();
    (model.labels ?? []).forEach((label, index) => {
      if (seen.has(label)) ctx.report('duplicateLabel', { label }, labelAt(index));
      seen.add(label);
    });
    if (model.expect) {
      if (model.samples.length === 0) ctx.report('expectWithoutSamples', undefined, ['model', 'expect'], { key: true });
      if (model.expect.label && model.labels && !model.labels.includes(model.expect.label))
        ctx.report('expectUnknownLabel', { label: model.expect.label }, ['model', 'expect', 'label']);
      if (model.expect.minDetections !== undefined && task !== 'object-detection')
        ctx.report('expectDetections', undefined, ['model', 'expect', 'minDetections'], { key: true });
    }
    if (decoder.kind === 'boxes' && !decoder.outputs.boxes && !decoder.outputs.scores)
      ctx.report('boxesOutputs', undefined, ['model', 'postprocess'], { key: true });
    // Paths the spec names are read relative to its folder; never absolute or escaping it.
    const paths: [string, (string | number)[]][] = [];
    const source = model.source;
    if (source.kind === 'file') paths.push([source.path, ['model', 'source', 'file']]);
    if (source.kind === 'customvision') paths.push([source.path, ['model', 'source', 'customvision']]);
    if (raw.labelsFile !== undefined && model.labelsFile) paths.push([model.labelsFile, ['model', 'labelsFile']]);
    model.samples.forEach((sample, i) => paths.push([sample, ['model', 'samples', i]]));
    for (const module of ctx.ir.modules) {
      if (module.capture?.bundle) paths.push([module.capture.bundle, [...module.path, 'source', module.capture.source.kind]]);
      if (module.image.kind === 'user-build') paths.push([module.image.context, [...module.path, 'build', 'context']]);
    }
    for (const [path, at] of paths) if (!isSafeRelative(path)) ctx.report('unsafePath', { path }, at);
  },
});

const TASK_FORMATS: Record<string, readonly string[]> = {
  'image-classification': ['classification', 'text-recognition'],
  'object-detection': ['boxes', 'yolo-grid', 'text-detection'],
};
