// The OCR cascade behind the scoring server over loopback HTTP: /healthz describes the stages, /predict (edgeml's own API) answers the
// nested regions as the scorer returns them, and /image (Custom Vision, what the capture module calls) keeps the
// same nesting in its own vocabulary (tagName, probability, stages.<name>.predictions, rotated, text, quad).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createScoringServer } from '../../dist/runtime/scoring/server.js';
import { createScorer } from '../../dist/runtime/scoring/scorer.js';
import { ocrCascadeConfig, OCR_SAMPLES, gradeOcr } from '../helpers/ocr-cascade.mjs';

const page = readFileSync(OCR_SAMPLES + 'shipping-label.png');
let server;
let url;

test.before(async () => {
  const config = ocrCascadeConfig();
  server = createScoringServer({ ...config, server: { ...config.server, apis: ['edgeml', 'customvision'] } });
  server.setScorer(await createScorer(config));
  url = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
});
test.after(async () => server?.close(1000));

test('/healthz lists the cascade stages', async () => {
  const health = await (await fetch(`${url}/healthz`)).json();
  assert.is(health.status, 'ready');
  assert.equal(
    health.model.stages.map((s) => [s.name, s.decoder]),
    [
      ['orientation', 'classification'],
      ['text', 'text-recognition'],
    ],
  );
});

test('/predict: each region nests its orientation and text', async () => {
  const form = new FormData();
  form.append('image', new Blob([page]), 'page.png');
  const answer = await (await fetch(`${url}/predict`, { method: 'POST', body: form })).json();
  const regions = answer.results.image.predictions;
  assert.is(regions.length, 3);
  const read = regions.map((r) => ({ text: r.stages.text.predictions[0].text, turned: r.stages.orientation.rotated }));
  assert.ok(gradeOcr('shipping-label.png', read).accuracy >= 0.95, JSON.stringify(read));
});

test('/image (Custom Vision): the same nesting with tagName and probability at every level', async () => {
  const answer = await (
    await fetch(`${url}/image`, { method: 'POST', body: page, headers: { 'content-type': 'application/octet-stream' } })
  ).json();
  const [first, second] = answer.predictions;
  assert.is(first.tagName, 'text');
  assert.ok(first.boundingBox && first.quad.length === 4);
  assert.is(second.stages.orientation.rotated, 180);
  assert.is(second.stages.orientation.predictions[0].tagName, '180');
  const text = second.stages.text.predictions[0];
  assert.is(text.tagName, text.text);
  assert.ok(text.probability > 0.5);
  assert.is(text.characters, undefined, 'per-character confidences stay out of the Custom Vision answer');
});

test.run();
