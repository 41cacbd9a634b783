// Check: a telemetry spec names the message fields its model reads, a decoder for numbers (regression, anomaly or
// classification), and a scoring module that reads IoT Edge inputs; image specs do not carry telemetry settings.
import { defineCheck } from '../define-check.js';
import { allContracted, describeSources, lookupAcross, sourceContracts } from '../route-contracts.js';
import { parseJsonPath } from '../../routes/json-path.js';
import { contractValuePaths } from '../../routes/contract-paths.js';
import { didYouMean } from '../../routes/did-you-mean.js';

const TELEMETRY_DECODERS = new Set(['regression', 'anomaly', 'classification']);
const IMAGE_ONLY_SCORING_KEYS = ['port', 'apis', 'maxBodySize', 'concurrency', 'queueLimit'] as const;

export default defineCheck({
  meta: {
    id: 'telemetry-model',
    description: 'Telemetry specs name features, a numeric decoder and scoring inputs; image specs carry no telemetry settings.',
    messages: {
      featuresMissing: {
        code: 'EML3740',
        text: () => 'task telemetry needs model.features: the message fields the model reads.',
        hint: () => 'Add model.features, e.g. - { name: temperature, path: $body.machine.temperature }.',
      },
      featuresOnImageTask: {
        code: 'EML3741',
        text: (d: { task: string }) => `model.features belong to task telemetry; this spec's task is ${d.task}.`,
        hint: () => 'Remove model.features, or set task: telemetry.',
      },
      decoderNotForTask: {
        code: 'EML3742',
        text: (d: { format: string; task: string }) => `postprocess.format ${d.format} does not fit task ${d.task}.`,
        hint: (d: { task: string }) =>
          d.task === 'telemetry'
            ? 'Use regression, anomaly or classification for telemetry.'
            : 'Use classification, boxes or yolo-grid for images; regression and anomaly are for task telemetry.',
      },
      noInputs: {
        code: 'EML3743',
        text: (d: { module: string }) =>
          `Scoring module '${d.module}' of a telemetry spec reads no IoT Edge inputs, so no message would reach the model.`,
        hint: () => 'Add inputs: [readings] and a route such as { from: sensor.temperatureOutput, to: scorer.readings }.',
      },
      imageOnlySetting: {
        code: 'EML3744',
        category: 'warning',
        text: (d: { key: string }) => `'${d.key}' configures the HTTP image server; a telemetry scoring module has none, so it is ignored.`,
        hint: () => 'Remove it.',
      },
      duplicateFeature: {
        code: 'EML3745',
        text: (d: { name: string }) => `Two features are named '${d.name}'.`,
        hint: () => 'Give each feature its own name; logs and the README name them.',
      },
      featureNotSent: {
        code: 'EML3747',
        text: (d: { feature: string; path: string; sources: string; reason: string }) =>
          `Feature '${d.feature}' reads ${d.path}, which no message from ${d.sources} has: ${d.reason}.`,
        hint: (d: { suggestion?: string; fields: string }) =>
          d.suggestion ? `Did you mean $body.${d.suggestion}?` : `The messages have: ${d.fields}.`,
      },
      captureWithTelemetry: {
        code: 'EML3746',
        text: (d: { module: string }) =>
          `Image-capture module '${d.module}' sends images, but the model of a telemetry spec scores messages.`,
        hint: () => 'Remove the capture module, or use an image task.',
      },
    },
  },
  check(ctx) {
    const { ir } = ctx;
    const model = (ctx.data.model ?? {}) as Record<string, unknown>;
    const telemetry = ir.task === 'telemetry';
    const decoder = ir.model.decoder.kind;
    if (telemetry && (!Array.isArray(model.features) || model.features.length === 0))
      ctx.report('featuresMissing', undefined, ['model'], { key: true });
    if (!telemetry && model.features !== undefined)
      ctx.report('featuresOnImageTask', { task: ir.task }, ['model', 'features'], { key: true });
    const fits = telemetry ? TELEMETRY_DECODERS.has(decoder) : decoder !== 'regression' && decoder !== 'anomaly';
    if (!fits)
      ctx.report(
        'decoderNotForTask',
        { format: decoder, task: ir.task },
        (model.postprocess as Record<string, unknown> | undefined)?.format !== undefined ? ['model', 'postprocess', 'format'] : ['task'],
      );
    if (!telemetry) return;
    const seen = new Set<string>();
    (ir.model.telemetry?.features ?? []).forEach((f, i) => {
      if (seen.has(f.name)) ctx.report('duplicateFeature', { name: f.name }, ['model', 'features', i, 'name']);
      seen.add(f.name);
    });
    // What the senders really send: routes into a telemetry module's inputs from outputs with a message contract.
    const features = ir.model.telemetry?.features ?? [];
    for (const route of ir.routes) {
      const to = route.to;
      if (to.kind !== 'module' || ir.modules.find((m) => m.name === to.module)?.kind !== 'scoring') continue;
      const contracts = sourceContracts(ir, route.from);
      if (contracts.length === 0 || !allContracted(contracts)) continue;
      const fields = [...new Set(contracts.flatMap((c) => contractValuePaths(c.schema)))];
      features.forEach((feature, index) => {
        const parsed = parseJsonPath(feature.path.replace(/^\$body\./, ''));
        if (!parsed.ok) return;
        const verdict = lookupAcross(contracts, parsed.segments, feature.path);
        if (verdict.kind !== 'impossible') return;
        const suggestion = didYouMean(feature.path.replace(/^\$body\./, ''), fields);
        ctx.report(
          'featureNotSent',
          {
            feature: feature.name,
            path: feature.path,
            sources: describeSources(contracts),
            reason: verdict.reason,
            fields: fields.slice(0, 8).join(', '),
            ...(suggestion ? { suggestion } : {}),
          },
          ['model', 'features', index, 'path'],
        );
      });
    }
    for (const module of ir.modules) {
      if (module.kind === 'image-capture') ctx.report('captureWithTelemetry', { module: module.name }, [...module.path, 'type']);
      if (module.kind !== 'scoring') continue;
      if (module.inputs.length === 0) ctx.report('noInputs', { module: module.name }, [...module.path], { key: true });
      const written = (((ctx.data.modules ?? {}) as Record<string, Record<string, unknown>>)[module.name] ?? {}) as Record<string, unknown>;
      for (const key of IMAGE_ONLY_SCORING_KEYS)
        if (written[key] !== undefined) ctx.report('imageOnlySetting', { key }, [...module.path, key], { key: true });
    }
  },
});
