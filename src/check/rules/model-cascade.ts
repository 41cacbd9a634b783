// Check: a model cascade is well formed. It starts with a model that finds regions; each stage right after a
// region stage crops (and only it); stage names are unique; an orientation stage's rotate fits its classifier;
// no region stage ends the cascade unread; text recognisers name their character list; stage files stay inside
// the spec's folder.
import { defineCheck } from '../define-check.js';
import { REGION_FORMATS } from '../../ir/lower.js';
import type { DecoderIR, SpecPath } from '../../ir/types.js';
import { isSafeRelative } from '../../resolve/spec-paths.js';

const regionFormats = REGION_FORMATS.join(', ');

export default defineCheck({
  meta: {
    id: 'model-cascade',
    description: 'Cascade stages follow a region model, crop where they should, and name their files safely.',
    messages: {
      firstFindsNoRegions: {
        code: 'EML3941',
        text: (d: { format: string }) => `model.cascade needs a first model that finds regions, but its format is '${d.format}'.`,
        hint: () => `Use a region format for the first model (${regionFormats}), or move this model into the cascade.`,
      },
      cropNotAfterRegions: {
        code: 'EML3942',
        text: (d: { stage: string }) =>
          `Stage '${d.stage}' crops, but the stage before it finds no regions: it sees the same crop as that stage.`,
        hint: () => 'Remove crop here; set it on the first stage after a region stage.',
      },
      duplicateStage: {
        code: 'EML3943',
        text: (d: { stage: string }) => `Stage name '${d.stage}' is used twice, so one stage's results would hide the other's.`,
        hint: () => 'Give each stage its own name.',
      },
      rotateNeedsClassifier: {
        code: 'EML3944',
        text: (d: { stage: string; format: string }) =>
          `Stage '${d.stage}' turns crops, but its format '${d.format}' gives no label to turn them by.`,
        hint: () => "Use rotate on a classification stage (e.g. PaddleOCR's text-direction classifier).",
      },
      rotateUnknownLabel: {
        code: 'EML3945',
        text: (d: { stage: string; label: string }) => `rotate.label '${d.label}' is not one of stage '${d.stage}''s labels.`,
        hint: (d: { labels: string }) => `Use one of: ${d.labels}.`,
      },
      regionsUnread: {
        code: 'EML3946',
        category: 'warning',
        text: (d: { stage: string }) => `Stage '${d.stage}' finds regions, but no stage after it reads them.`,
        hint: () => 'Add a stage after it, or remove it.',
      },
      charactersMissing: {
        code: 'EML3947',
        text: () => 'format text-recognition needs postprocess.characters, the character list file of the model.',
        hint: () => "Name it, e.g. characters: models/ocr/ppocr_keys_v1.txt (PaddleOCR's keys).",
      },
      maxWidthNotStage: {
        code: 'EML3949',
        text: () => 'preprocess.maxWidth applies to cascade stages (the crops of text lines), not to the first model.',
        hint: () => 'Remove it here; set it on the recogniser stage.',
      },
      maxWidthMisfit: {
        code: 'EML3950',
        text: (d: { stage: string; reason: string }) => `preprocess.maxWidth of stage '${d.stage}' ${d.reason}.`,
        hint: () => 'Use resize: pad-right with maxWidth at least width, or remove maxWidth.',
      },
      unsafeStagePath: {
        code: 'EML3948',
        text: (d: { path: string }) => `'${d.path}' must be a path inside the spec's folder (relative, without '..').`,
        hint: () => 'Move the file next to the spec, or into a folder below it.',
      },
    },
  },
  check(ctx) {
    const model = ctx.ir.model;
    const characters = (decoder: DecoderIR, at: SpecPath): void => {
      if (decoder.kind !== 'text-recognition') return;
      if (!decoder.charactersFile) ctx.report('charactersMissing', undefined, [...at, 'format']);
      else if (!isSafeRelative(decoder.charactersFile))
        ctx.report('unsafeStagePath', { path: decoder.charactersFile }, [...at, 'characters']);
    };
    characters(model.decoder, ['model', 'postprocess']);
    if (model.preprocess.maxWidth !== undefined)
      ctx.report('maxWidthNotStage', undefined, ['model', 'preprocess', 'maxWidth'], { key: true });
    const cascade = model.cascade;
    if (!cascade) return;
    if (!REGION_FORMATS.includes(model.decoder.kind))
      ctx.report('firstFindsNoRegions', { format: model.decoder.kind }, ['model', 'cascade'], { key: true });
    const raw = (((ctx.data.model ?? {}) as Record<string, unknown>).cascade ?? {}) as { stages?: { crop?: unknown }[] };
    const seen = new Set<string>();
    let afterRegions = REGION_FORMATS.includes(model.decoder.kind);
    cascade.stages.forEach((stage, index) => {
      const at = stage.path;
      if (raw.stages?.[index]?.crop !== undefined && !afterRegions)
        ctx.report('cropNotAfterRegions', { stage: stage.name }, [...at, 'crop'], { key: true });
      if (seen.has(stage.name)) ctx.report('duplicateStage', { stage: stage.name }, [...at, 'name']);
      seen.add(stage.name);
      if (stage.rotate && stage.decoder.kind !== 'classification')
        ctx.report('rotateNeedsClassifier', { stage: stage.name, format: stage.decoder.kind }, [...at, 'rotate'], { key: true });
      else if (stage.rotate && stage.labels && !stage.labels.includes(stage.rotate.label)) {
        ctx.report('rotateUnknownLabel', { stage: stage.name, label: stage.rotate.label, labels: stage.labels.join(', ') }, [
          ...at,
          'rotate',
          'label',
        ]);
      }
      for (const [path, where] of [
        [stage.source.path, [...at, 'source', 'file']],
        [stage.labelsFile, [...at, 'labelsFile']],
      ] as const) {
        if (path !== undefined && !isSafeRelative(path)) ctx.report('unsafeStagePath', { path }, where);
      }
      characters(stage.decoder, [...at, 'postprocess']);
      const { maxWidth, resize, width } = stage.preprocess;
      const misfit =
        maxWidth === undefined
          ? undefined
          : resize !== 'pad-right'
            ? `needs resize pad-right, not ${resize}`
            : width !== undefined && maxWidth < width
              ? `(${maxWidth}) is below its width (${width})`
              : undefined;
      if (misfit) ctx.report('maxWidthMisfit', { stage: stage.name, reason: misfit }, [...at, 'preprocess', 'maxWidth']);
      afterRegions = REGION_FORMATS.includes(stage.decoder.kind);
      if (afterRegions && index === cascade.stages.length - 1) ctx.report('regionsUnread', { stage: stage.name }, [...at, 'name']);
    });
  },
});
