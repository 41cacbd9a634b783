// Worker-thread scorer tests: the same answers as the in-thread scorer, parallel jobs across workers, input errors
// keep their HTTP status across the thread boundary, the caller's bytes are not detached unless handed over, load
// failures and close.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createWorkerScorer } from '../../dist/runtime/scoring/worker-pool.js';
import { intraOpThreadsFor } from '../../dist/runtime/scoring/session.js';
import { orientationConfig, testConfig, FIXTURE_IMAGES } from '../helpers/onnx-configs.mjs';
import { buildModel, createModelDir, node, tensor, valueInfo, FLOAT, INT64 } from '../helpers/onnx-builder.mjs';

const upright = readFileSync(FIXTURE_IMAGES + 'text-upright.png');
const rotated = readFileSync(FIXTURE_IMAGES + 'text-rotated.jpg');
let scorer;

test.before(async () => {
  scorer = await createWorkerScorer(orientationConfig(), { workers: 2 });
});
test.after(async () => {
  await scorer?.close();
});

test('reports the model like the in-thread scorer', () => {
  assert.is(scorer.summary.input.name, 'x');
  assert.equal(scorer.summary.outputs, ['softmax_0.tmp_0']);
  assert.is(scorer.description.inputs[0].name, 'x');
});

test('12 jobs at once over 2 workers are all answered correctly', async () => {
  const jobs = Array.from({ length: 12 }, (_, i) => scorer.score(i % 2 ? rotated : upright));
  const labels = (await Promise.all(jobs)).map((r) => r.predictions[0].label);
  assert.equal(
    labels,
    Array.from({ length: 12 }, (_, i) => (i % 2 ? '180' : '0')),
  );
  const [a, b] = await scorer.scoreBatch([upright, rotated]);
  assert.equal([a.predictions[0].label, b.predictions[0].label], ['0', '180']);
});

test("the caller's buffer is copied, not detached", async () => {
  const bytes = Buffer.from(upright);
  await scorer.score(bytes);
  assert.is(bytes.length, upright.length);
  assert.ok(bytes.equals(upright));
});

test('with transfer, bytes that own their ArrayBuffer are moved to the worker, other views are copied; answers are the same', async () => {
  const owned = new Uint8Array(new ArrayBuffer(rotated.length));
  owned.set(rotated);
  const [moved] = await scorer.scoreBatch([owned], { transfer: true });
  assert.is(owned.byteLength, 0, 'moved, not copied');
  assert.is(moved.predictions[0].label, '180');
  // A view into a larger buffer (e.g. Node's pool) cannot be moved without taking its neighbours: it is copied.
  const backing = Buffer.alloc(rotated.length + 16);
  rotated.copy(backing, 8);
  const slice = backing.subarray(8, 8 + rotated.length);
  const [copied] = await scorer.scoreBatch([slice], { transfer: true });
  assert.is(slice.length, rotated.length, 'left in place');
  assert.ok(slice.equals(rotated));
  assert.equal(copied.predictions, moved.predictions);
  assert.equal((await scorer.score(rotated)).predictions, moved.predictions);
});

test('input errors keep their name and status across the thread boundary', async () => {
  try {
    await scorer.score(Buffer.from('not an image at all'));
    assert.unreachable();
  } catch (error) {
    assert.is(error.name, 'InputError');
    assert.is(error.status, 400);
  }
  assert.is((await scorer.score(upright)).predictions[0].label, '0', 'the worker keeps serving');
  try {
    await scorer.scoreBatch([upright, Buffer.from('garbage')]);
    assert.unreachable();
  } catch (error) {
    assert.equal([error.status, error.imageIndex], [400, 1], 'the bad image of a batch is named');
  }
});

test('a model that cannot load rejects creation with the reason, and no worker is left running', async () => {
  const config = orientationConfig();
  config.model.path = '/nonexistent/model.onnx';
  try {
    await createWorkerScorer(config, { workers: 2 });
    assert.unreachable();
  } catch (error) {
    assert.is(error.name, 'ModelLoadError');
    assert.match(error.message, /nonexistent/);
  }
});

test('ready means "has scored": a model that loads but cannot run fails the start with the warm-up reason', async () => {
  const models = createModelDir();
  // Loads (the symbolic batch keeps shape inference from judging the Reshape), fails when run: 192 values cannot become 7.
  const path = models.write(
    'cannot-run.onnx',
    buildModel({
      inputs: [valueInfo('image', FLOAT, ['N', 3, 8, 8])],
      outputs: [valueInfo('scores', FLOAT, [7])],
      nodes: [node('Reshape', ['image', 'shape'], ['scores'])],
      initializers: [tensor('shape', INT64, [1], [7])],
    }),
  );
  try {
    await createWorkerScorer(testConfig(path), { workers: 2 });
    assert.unreachable();
  } catch (error) {
    assert.is(error.name, 'ModelLoadError');
    assert.match(error.message, /loaded but could not score a warm-up image: .*Reshape/);
  } finally {
    models.cleanup();
  }
});

test('the first worker serves at once; the others join one after another', async () => {
  const own = await createWorkerScorer(orientationConfig(), { workers: 2 });
  try {
    assert.is(own.ready, 1, 'answers with the first worker');
    assert.is((await own.score(upright)).predictions[0].label, '0');
    await own.allStarted;
    assert.is(own.ready, 2);
  } finally {
    await own.close();
  }
});

test('after close, scoring is refused', async () => {
  const own = await createWorkerScorer(orientationConfig(), { workers: 1 });
  await own.close();
  try {
    await own.score(upright);
    assert.unreachable();
  } catch (error) {
    assert.match(error.message, /closed/);
  }
});

test('each worker gets its share of the cores, at least one thread', () => {
  assert.equal(
    [intraOpThreadsFor(1, 2), intraOpThreadsFor(2, 2), intraOpThreadsFor(4, 2), intraOpThreadsFor(2, 8), intraOpThreadsFor(3, 8)],
    [2, 1, 1, 4, 2],
  );
});

test.run();
