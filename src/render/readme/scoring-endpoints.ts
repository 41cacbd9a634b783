// The README's "Scoring endpoints" table (render stage, readme): for each scoring module, where it answers and what
// each of its APIs takes and gives back, so a user can call it without reading the runtime's code.
import type { ModuleIR, WorkflowIR } from '../../ir/types.js';

export interface EndpointRow {
  module: string;
  address: string;
  api: string;
  requests: string;
  answer: string;
}

type Api = NonNullable<ModuleIR['scoring']>['apis'][number];

const REQUESTS: Record<Api, (m: ModuleIR) => string> = {
  edgeml: () => '`POST /predict`: multipart images under any field names, or one raw image body',
  azureml: () => "`POST /score`: multipart images under any field names (the seed's `files={'image': bytes}`)",
  customvision: (m) =>
    '`POST /image`, also `/<project>/(classify|detect)/iterations/<name>/image[/nostore]`: a raw image body (any or no Content-Type) or multipart `imageData`; ' +
    (m.scoring?.urlFetch
      ? `\`POST /url\` with \`{"url": ...}\`, only from ${m.scoring.urlFetch.allow.map((a) => `\`${a}\``).join(', ')}`
      : '`POST /url` is off (set urlFetch.allow)'),
  v2: (m) =>
    `\`GET /v2/models/${m.name}\` (metadata), \`POST /v2/models/${m.name}/infer\`: JSON or binary tensors, or an \`image\` BYTES input`,
};

const ANSWERS: Record<Api, (ir: WorkflowIR) => string> = {
  edgeml: () => '`{results: {<field>: {predictions, image, timings}}, timings}`, boxes in 0..1 and pixels',
  azureml: (ir) =>
    ir.task === 'object-detection'
      ? '`[[{boxes, labels, scores}], "Computed in N ms"]`, as the seed\'s Azure ML driver'
      : '`[{<field>: [[id, label, probability], ...]}, "Computed in N ms"]`, as the seed\'s Azure ML driver',
  customvision: () => "Custom Vision's `{id, project, iteration, created, predictions: [{probability, tagId, tagName, boundingBox}]}`",
  v2: () => 'Open Inference Protocol (KServe v2) outputs; for `image`: `label`, `label_id`, `score` (and `box`)',
};

export function scoringEndpointRows(ir: WorkflowIR): EndpointRow[] {
  return ir.modules.flatMap((m) => {
    const scoring = m.scoring;
    if (m.kind !== 'scoring' || !scoring) return [];
    const host = m.ports.find((p) => p.container === scoring.port && p.host !== undefined)?.host;
    const address = `\`http://${m.name}:${scoring.port}\` from other modules${host !== undefined ? `; \`http://<device>:${host}\` from outside` : ''}`;
    return scoring.apis.map((api) => ({ module: m.name, address, api, requests: REQUESTS[api](m), answer: ANSWERS[api](ir) }));
  });
}
