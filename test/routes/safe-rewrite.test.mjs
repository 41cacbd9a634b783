// The rewrites `edgeml validate` suggests for a possibly-missing $body field (EML3212, EML3213), evaluated with the
// local evaluator (edgeHub's semantics) on messages with and without the field: the original condition routes the
// message that lacks the field (or holds JSON null), the rewrite does not, and both agree on every other message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evaluateCondition, parseCondition } from '../../dist/routes/index.js';
import { editSpec, loadText } from '../helpers/spec-fixtures.mjs';

const detector = (condition) =>
  editSpec(
    ['    to: upstream\n', `    to: upstream\n    when: "${condition}"\n`],
    ['task: image-classification', 'task: object-detection'],
  );

/** The rewrite in the hint of the route-body-missing-field warning for `condition`. */
async function suggestedRewrite(condition) {
  const result = await loadText(detector(condition));
  const warning = result.diagnostics.find((d) => d.id.startsWith('route-body-missing-field/'));
  assert.ok(warning, `a warning for ${condition}`);
  return warning.hint.replace(/^[^:]*: /, '').replace(/ \(or compare .*\)$/, '');
}

const json = (body) => ({
  systemProperties: { contentType: 'application/json', contentEncoding: 'utf-8' },
  properties: {},
  body: JSON.stringify(body),
});
const frame = (...predictions) => json({ predictions, summary: { count: predictions.length } });
const p = (probability, tagName = 'person') => ({ probability, tagName, tagId: 0, boundingBox: { left: 0, top: 0, width: 1, height: 1 } });
const routes = (condition, message) => evaluateCondition(parseCondition(condition).expr, message);

const CASES = [
  { condition: '$body.predictions[0].probability >= 0.5', matching: [frame(p(0.9))], other: [frame(p(0.2))] },
  { condition: '0.5 <= $body.predictions[0].probability', matching: [frame(p(0.9))], other: [frame(p(0.2))] },
  { condition: "$body.predictions[0].tagName != 'background'", matching: [frame(p(0.9, 'person'))], other: [frame(p(0.9, 'background'))] },
  { condition: '$body.summary.count < 5 AND $body.predictions[0].probability > 0.5', matching: [frame(p(0.9))], other: [frame(p(0.1))] },
  { condition: 'NOT ($body.predictions[0].probability < 0.5)', matching: [frame(p(0.9))], other: [frame(p(0.1))] },
  { condition: 'is_defined($body.predictions[0].tagName)', matching: [frame(p(0.9))], other: [] },
];
const withoutField = [frame(), json({ predictions: [{ probability: null, tagName: null }], summary: { count: 1 } })];

for (const { condition, matching, other } of CASES) {
  test(`rewrite of: ${condition}`, async () => {
    const rewrite = await suggestedRewrite(condition);
    assert.ok(parseCondition(rewrite).expr, `the rewrite parses: ${rewrite}`);
    for (const m of withoutField) {
      assert.ok(routes(condition, m), `edgeHub routes ${m.body} with the original condition`);
      assert.not.ok(routes(rewrite, m), `the rewrite ${rewrite} does not route ${m.body}`);
    }
    for (const m of matching) assert.equal([routes(condition, m), routes(rewrite, m)], [true, true], m.body);
    for (const m of other) assert.equal([routes(condition, m), routes(rewrite, m)], [false, false], m.body);
    // And the rewrite is quiet under the same check.
    const again = await loadText(detector(rewrite.replace(/"/g, "'")));
    assert.equal(
      again.diagnostics.filter((d) => d.id.startsWith('route-body-missing-field/')).map((d) => d.message),
      [],
    );
  });
}

test('the summary condition the examples use needs no guard: a frame without detections has topProbability 0', () => {
  const condition = '$body.summary.topProbability >= 0.5';
  assert.not.ok(routes(condition, json({ predictions: [], summary: { count: 0, topProbability: 0, topTagName: '' } })));
  assert.ok(routes(condition, json({ predictions: [p(0.9)], summary: { count: 1, topProbability: 0.9, topTagName: 'person' } })));
});

test.run();
