// `edgeml run specs/wf3-custom-vision.yaml`: its route says only frames with a confident detection go to IoT Hub.
// The per-route counts in the closing note prove it: no frame without detections goes upstream, while the spec's old
// condition ($body.predictions[0].probability >= 0.5) matches every such frame, each only by edgeHub's null
// ordering. Every message validates against the capture module's contract (no EML7110). Needs ffmpeg (video source).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requires } from '../helpers/requires.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const spec = 'specs/wf3-custom-vision.yaml';
const work = mkdtempSync(join(tmpdir(), 'edgeml-runroutes-'));
mkdirSync(join(work, 'tmp'));
const env = { ...process.env, NO_COLOR: '1', DOCKER_HOST: 'tcp://127.0.0.1:9', TMPDIR: join(work, 'tmp') };
test.after(() => rmSync(work, { recursive: true, force: true }));

const run = (...extra) => {
  const r = spawnSync(process.execPath, ['bin/edgeml.js', 'run', spec, '--duration', '6', ...extra], {
    cwd: root,
    encoding: 'utf8',
    env,
    timeout: 120_000,
  });
  const messages = r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const published = Number(/(\d+) message\(s\) from modules/.exec(r.stderr)?.[1]);
  const [, matched, byNull, delivered] =
    /route detectionsToCloud: (\d+) matched \((\d+) because of a null comparison\), (\d+) delivered/.exec(r.stderr) ?? [];
  return {
    code: r.status,
    stderr: r.stderr,
    messages,
    published,
    matched: Number(matched),
    byNull: Number(byNull),
    delivered: Number(delivered),
  };
};

// wf3 plays a video: without ffmpeg these runs are skipped (counted, with the reason).
const withFfmpeg = requires(test, 'ffmpeg');

withFfmpeg('wf3 routes no frame without detections upstream; the counts say so', () => {
  const r = run();
  assert.is(r.code, 0, r.stderr);
  assert.ok(r.published > 0, `frames were scored: ${r.stderr}`);
  assert.equal([r.matched, r.byNull, r.delivered], [r.messages.length, 0, r.messages.length]);
  // Whatever goes upstream has a confident detection; nothing without one does.
  for (const m of r.messages) assert.ok(m.body.predictions.length > 0 && m.body.summary.topProbability >= 0.5);
  assert.not.match(r.stderr, 'EML7110', 'every message matches the capture contract');
  assert.not.match(r.stderr, 'EML7109');
});

withFfmpeg("wf3's old condition sent every frame without detections upstream, each only by null ordering (EML7109)", () => {
  const r = run('--set', 'routes.0.when=$body.predictions[0].probability >= 0.5');
  assert.is(r.code, 0, r.stderr);
  const empty = r.messages.filter((m) => m.body.predictions.length === 0);
  assert.ok(empty.length > 0, 'frames without detections reached upstream');
  assert.equal([r.matched, r.delivered], [r.messages.length, r.messages.length]);
  assert.is(r.byNull, empty.length, 'exactly the frames without detections matched by a null comparison');
  assert.match(r.stderr, `warning EML7109: Route 'detectionsToCloud' matched ${empty.length} of its ${r.matched} message(s) only because`);
  assert.match(r.stderr, 'warning EML3212', 'validate warns about the condition before the run');
});

test.run();
