// The render aggregator: every renderer's files in one sorted list with LF/final-newline text, and input problems
// found up front reported as diagnostics with no files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeAssets, makeContext, makeIR } from '../helpers/ir-fixtures.mjs';
import { normalizeRenderedFile, renderWorkflow } from '../../dist/render/index.js';

test('renders build contexts, manifest, scripts and README, sorted by path', () => {
  const result = renderWorkflow(makeContext());
  assert.equal(
    result.diagnostics.filter((d) => d.category === 'error'),
    [],
  );
  const paths = result.files.map((f) => f.path);
  assert.equal(
    paths,
    [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  for (const expected of [
    'README.md',
    'deployment.json',
    'scripts/01-create-resources.sh',
    'scripts/06-teardown.sh',
    'modules/people-detection-service/model/model.onnx',
    'modules/image-capture-od/config.json',
  ]) {
    assert.ok(paths.includes(expected), `missing ${expected}`);
  }
  for (const file of result.files) {
    if (typeof file.content !== 'string' || file.content === '') continue;
    assert.ok(file.content.endsWith('\n') && !file.content.includes('\r'), file.path);
  }
});

test('a fleet target renders deployment.fleet.json instead of deployment.json', () => {
  const azure = {
    ...makeIR().azure,
    deployment: { kind: 'fleet', id: 'wf-test', targetCondition: "tags.a='b'", priority: 1, layered: false, labels: {}, metrics: {} },
  };
  const paths = renderWorkflow(makeContext(makeIR({ azure }))).files.map((f) => f.path);
  assert.ok(paths.includes('deployment.fleet.json'));
  assert.not.ok(paths.includes('deployment.json'));
});

test('a missing input file is a diagnostic and no files are returned', () => {
  const assets = makeAssets();
  const files = new Map(assets.files);
  files.delete('models/detector/model.onnx');
  const result = renderWorkflow(makeContext(makeIR(), { ...assets, files }));
  assert.equal(result.files, []);
  assert.ok(
    result.diagnostics.some((d) => d.category === 'error' && d.message.includes('models/detector/model.onnx')),
    JSON.stringify(result.diagnostics),
  );
});

test('manifest errors stop the render too', () => {
  const ir = makeIR();
  ir.routes = [{ ...ir.routes[0], when: '$body.x >= ' }];
  const result = renderWorkflow(makeContext(ir));
  assert.equal(result.files, []);
  assert.ok(result.diagnostics.some((d) => d.code === 'EML4002'));
});

test('normalizeRenderedFile: CRLF and CR become LF, a final newline is added, bytes and empty text are untouched', () => {
  assert.is(normalizeRenderedFile({ path: 'a', content: 'x\r\ny\rz' }).content, 'x\ny\nz\n');
  assert.is(normalizeRenderedFile({ path: 'a', content: '' }).content, '');
  const bytes = new Uint8Array([13, 10]);
  assert.is(normalizeRenderedFile({ path: 'a', content: bytes }).content, bytes);
  const same = { path: 'a', content: 'ok\n', mode: 0o755 };
  assert.is(normalizeRenderedFile(same), same);
});

test.run();
