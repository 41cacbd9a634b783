// `edgeml run` as a user runs it (node bin/edgeml.js): frames go from the capture module through the real scoring
// module to upstream, routed by the spec's routes (which route carried which message is asserted); --out, --frames,
// --duration, Ctrl-C (exit 0, no process left), a video source, a skipped container module, and failures.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTestVideo } from '../fixtures/video/make-video.mjs';
import { requires, testUnless, whyMissing } from '../helpers/requires.mjs';
import { BASE_IMAGES } from '../../dist/render/docker/variants.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const spec = 'specs/text-orientation.yaml';
const work = mkdtempSync(join(tmpdir(), 'edgeml-runcmd-'));
// Our runs put their work folders under this TMPDIR, so leftovers() sees only processes this file started, not those
// of anybody else running `edgeml run` on the same machine.
const runTmp = join(work, 'tmp');
mkdirSync(runTmp);
// Each run's local edgeHub on a loopback address of its own, so runs of parallel test files do not collide on 8883.
const edgeHubHost = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
const env = { ...process.env, NO_COLOR: '1', DOCKER_HOST: 'tcp://127.0.0.1:9', TMPDIR: runTmp, EDGEML_EDGEHUB_HOST: edgeHubHost };

const edgeml = (args, options = {}) => {
  const r = spawnSync(process.execPath, ['bin/edgeml.js', ...args], { cwd: root, encoding: 'utf8', env, timeout: 120_000, ...options });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const lines = (text) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

/** Processes still running from any local run (their config files live in an edgeml-run-* temp folder). */
const leftovers = () =>
  spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => l.includes(`${runTmp}/edgeml-run-`));

test.after(() => rmSync(work, { recursive: true, force: true }));

// A run a test started is stopped after it even when the test fails (Ctrl-C first, so its modules stop too; then
// SIGKILL), so a failing test cannot keep this file alive until the runner's limit.
const startedRuns = [];
const startRun = (args, options) => {
  const child = spawn(process.execPath, args, options);
  startedRuns.push(child);
  return child;
};
test.after.each(async () => {
  for (const child of startedRuns.splice(0)) {
    const done = () => child.exitCode !== null || child.signalCode !== null;
    if (done()) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const signal = (name) => {
      try {
        process.kill(child.pid, name);
      } catch {
        // already gone
      }
    };
    signal('SIGINT');
    const timer = setTimeout(() => signal('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
});

/** Copies the example's model and samples into `dir` (spec paths must stay inside the spec's folder); returns the spec text. */
function copyExample(dir) {
  mkdirSync(join(dir, 'models/text-orientation'), { recursive: true });
  mkdirSync(join(dir, 'samples/text'), { recursive: true });
  copyFileSync(join(root, 'specs/models/text-orientation/model.onnx'), join(dir, 'models/text-orientation/model.onnx'));
  for (const f of ['text-rotated.jpg', 'text-upright.jpg', 'text2-rotated.png', 'text2-upright.png'])
    copyFileSync(join(root, 'specs/samples/text', f), join(dir, 'samples/text', f));
  return readFileSync(join(root, spec), 'utf8');
}

/** A spec in `dir` with the example model, a test video made by ffmpeg, and a container module; returns `dir`. */
function writeVideoSpec(dir, { loop = false } = {}) {
  mkdirSync(join(dir, 'models'), { recursive: true });
  copyFileSync(join(root, 'specs/models/text-orientation/model.onnx'), join(dir, 'models/model.onnx'));
  makeTestVideo(dir, { name: 'clip.mp4', seconds: 2, rate: 10, size: '320x64' });
  writeFileSync(
    join(dir, 'spec.yaml'),
    `edgeml: 1
name: video-run
task: image-classification
model:
  source: { file: models/model.onnx }
  labels: ["0", "180"]
  preprocess: { width: 192, height: 48, resize: pad-right, padValue: 0, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }
  postprocess: { format: classification, activation: none, topK: 2 }
target: { platform: amd64, device: generic, os: debian-12, runtime: "1.5" }
azure:
  resourceGroup: rg
  location: westeurope
  iotHub: { name: video-run-hub }
  registry: { address: localhost:5000 }
  device: { id: dev1 }
modules:
  scorer: { type: scoring, port: 8080 }
  cam:
    type: image-capture
    source: { video: clip.mp4 }
    fps: 5
    loop: ${loop}
    resize: { width: 160, height: 32 }
    sendTo: scorer
    output: results
  sensor:
    type: container
    image: mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5
    inputs: [in1]
routes:
  - { name: toCloud, from: cam.results, to: upstream }
  - { name: toSensor, from: cam.results, to: sensor.in1 }
`,
  );
  return dir;
}

test('frames flow capture → scoring → routes → upstream; each message names the route that carried it', () => {
  const r = edgeml(['run', spec, '--frames', '6']);
  assert.is(r.code, 0, r.stderr);
  const messages = lines(r.stdout);
  assert.is(messages.length, 6);
  for (const m of messages) {
    const expected = m.properties.frameOrigin.includes('rotated') ? '180' : '0';
    assert.is(m.body.predictions[0].tagName, expected, `${m.properties.frameOrigin} is classified ${expected}`);
    assert.ok(m.body.predictions[0].probability > 0.9);
    // upsideDown (priority 0) wins for '180'; the catch-all allLines (priority 5) carries the rest, once each.
    assert.is(m.route, expected === '180' ? 'upsideDown' : 'allLines');
    assert.is(m.priority, expected === '180' ? 0 : 5);
    assert.equal(m.from, { module: 'scanner', output: 'lines' });
    assert.is(m.systemProperties.contentType, 'application/json');
    assert.is(m.systemProperties.contentEncoding, 'utf-8');
  }
  assert.equal(
    messages.map((m) => m.seq),
    [1, 2, 3, 4, 5, 6],
  );
  // Folder order, then it loops: frame i is file i mod 4 (a loaded machine may drop frames, so not every i is sent).
  const folder = ['text-rotated.jpg', 'text-upright.jpg', 'text2-rotated.png', 'text2-upright.png'];
  assert.is(messages[0].properties.frameOrigin, folder[0], 'the first frame is always sent');
  for (const m of messages)
    assert.is(m.properties.frameOrigin, folder[Number(m.properties.frameIndex) % folder.length], `frame ${m.properties.frameIndex}`);
  assert.match(r.stderr, 'stopped (frames)');
  const carried = (route) => messages.filter((m) => m.route === route).length;
  // allLines matches every line, but a sink gets a message once: via upsideDown (priority 0) for the '180' ones.
  assert.match(
    r.stderr,
    `route upsideDown: ${carried('upsideDown')} matched (0 because of a null comparison), ${carried('upsideDown')} delivered`,
  );
  assert.match(r.stderr, `route allLines: ${messages.length} matched (0 because of a null comparison), ${carried('allLines')} delivered`);
  assert.not.match(r.stderr, 'EML7110', 'every message matches the capture contract');
  assert.equal(leftovers(), []);
});

test('--out appends upstream messages to a file instead of stdout; --duration stops the run', () => {
  const out = join(work, 'upstream.jsonl');
  writeFileSync(out, '{"earlier":true}\n');
  const started = Date.now();
  const r = edgeml(['run', spec, '--out', out, '--duration', '3']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, '');
  const written = lines(readFileSync(out, 'utf8'));
  assert.equal(written[0], { earlier: true }, 'appended, not overwritten');
  assert.ok(written.length >= 2, `at least one message in 3 s at 2 fps, got ${written.length - 1}`);
  assert.ok(written.slice(1).every((m) => m.route === 'upsideDown' || m.route === 'allLines'));
  assert.match(r.stderr, 'stopped (duration)');
  assert.ok(Date.now() - started < 60_000);
});

/** Waits until a running `edgeml run` prints its first upstream message; `stderr()` is what it has printed there. */
async function untilFirstMessage(child) {
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no upstream message within 60 s: ${stderr}`)), 60_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { exited, stderr: () => stderr };
}

test('Ctrl-C (SIGINT) stops every module and exits 0', async () => {
  const child = startRun(['bin/edgeml.js', 'run', spec], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const { exited, stderr } = await untilFirstMessage(child);
  assert.ok(leftovers().length >= 2, 'scoring and capture children are running');
  child.kill('SIGINT');
  const { code, signal } = await exited;
  assert.is(signal, null);
  assert.is(code, 0, stderr());
  assert.match(stderr(), 'stopped (signal)');
  assert.equal(leftovers(), [], 'no module process outlives the run');
});

const withFfmpeg = requires(test, 'ffmpeg');

withFfmpeg('Ctrl-C in a terminal (SIGINT to the whole process group, ffmpeg included) still stops cleanly with exit 0', async () => {
  const dir = writeVideoSpec(join(work, 'video-sigint'), { loop: true });
  // detached: its own process group, like a shell job; the signal then goes to every process in it.
  const child = startRun([join(root, 'bin/edgeml.js'), 'run', join(dir, 'spec.yaml')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const { exited, stderr } = await untilFirstMessage(child);
  process.kill(-child.pid, 'SIGINT');
  const { code } = await exited;
  assert.is(code, 0, stderr());
  assert.match(stderr(), 'stopped (signal)');
  assert.not.match(stderr(), /error EML/);
  assert.not.match(stderr(), 'ffmpeg stopped reading', 'ffmpeg is stopped by the capture module, not by the terminal');
  assert.equal(leftovers(), []);
  const ffmpegLeft = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => l.includes(join(dir, 'clip.mp4')));
  assert.equal(ffmpegLeft, [], 'no ffmpeg left behind');
});

withFfmpeg('a video source through ffmpeg; a container module is skipped with the reason when no Docker engine answers', () => {
  const dir = writeVideoSpec(join(work, 'video-spec'));
  const r = edgeml(['run', join(dir, 'spec.yaml'), '--frames', '3']);
  assert.is(r.code, 0, r.stderr);
  const messages = lines(r.stdout);
  assert.is(messages.length, 3);
  assert.ok(messages.every((m) => m.route === 'toCloud' && m.from.module === 'cam' && m.from.output === 'results'));
  assert.ok(messages.every((m) => /^video 'clip\.mp4' frame \d+$/.test(m.properties.frameOrigin)));
  assert.ok(messages.every((m) => ['0', '180'].includes(m.body.predictions[0].tagName)));
  assert.is(messages[0].systemProperties.connectionDeviceId, 'dev1');
  assert.match(r.stderr, /warning EML7104: Container module 'sensor' is not run locally: no Docker engine is reachable/);
  const [, sent] = /route toSensor: \d+ matched \(0 because of a null comparison\), (\d+) delivered/.exec(r.stderr) ?? [];
  assert.ok(Number(sent) >= 3, 'every result also went to the sensor route');
  assert.match(r.stderr, new RegExp(`warning EML7106: ${sent} message\\(s\\) were routed to 'sensor' input 'in1'`));
});

// The amd64 base image of the generated Dockerfiles: .ci/docker-setup.sh puts it on the CI engine.
const sensorImage = BASE_IMAGES.amd64.runtime;
const docker = (...args) => spawnSync('docker', args, { encoding: 'utf8', timeout: 30_000 });
const whyNoSensorImage = () => {
  const engine = whyMissing('docker');
  if (engine) return engine;
  return docker('image', 'inspect', sensorImage).status === 0
    ? undefined
    : `image ${sensorImage} is not on this machine (builds are offline)`;
};

testUnless(test, whyNoSensorImage())(
  'a container module runs on the local Docker engine (createOptions applied, logs forwarded, removed at the end)',
  () => {
    const image = sensorImage;
    const dir = join(work, 'container-spec');
    const withSensor = copyExample(dir).replace(
      'routes:\n',
      `  sensor:
    type: container
    image: ${image}
    env: { GREETING: "sensor up" }
    createOptions:
      Cmd: ["node", "-e", "console.log(process.env.GREETING); process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000)"]
routes:\n`,
    );
    writeFileSync(join(dir, 'spec.yaml'), withSensor);
    const r = edgeml(['run', join(dir, 'spec.yaml'), '--frames', '2'], {
      env: { ...process.env, NO_COLOR: '1', TMPDIR: runTmp, EDGEML_EDGEHUB_HOST: edgeHubHost },
    });
    assert.is(r.code, 0, r.stderr);
    assert.is(lines(r.stdout).length, 2);
    const id = new RegExp(`\\[sensor\\] container ([0-9a-f]{12}) started from ${image.replace(/[.]/g, '\\.')}`).exec(r.stderr)?.[1];
    assert.ok(id, `the container started: ${r.stderr}`);
    assert.match(r.stderr, '[sensor] sensor up');
    const left = docker('ps', '-a', '--filter', `id=${id}`, '--format', '{{.Names}}');
    assert.is(left.stdout.trim(), '', 'the container is removed');
  },
);

test('a module secret comes from the environment at run time: missing is EML7108, present is never printed', () => {
  const dir = join(work, 'secret-spec');
  writeFileSync(
    join(dir, 'spec.yaml'),
    copyExample(dir).replace(
      '    output: lines\n',
      '    output: lines\n    env:\n      TOKEN:\n        secret: ${env:EDGEML_TEST_TOKEN}\n',
    ),
  );
  const missing = edgeml(['run', join(dir, 'spec.yaml'), '--frames', '1']);
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /error EML7108: Module 'scanner' needs the environment variable 'EDGEML_TEST_TOKEN', which is not set\./);
  assert.equal(leftovers(), [], 'the scoring module started first is stopped again');
  const secret = 'tok-7f3a9c-do-not-print';
  const present = edgeml(['run', join(dir, 'spec.yaml'), '--frames', '1'], { env: { ...env, EDGEML_TEST_TOKEN: secret } });
  assert.is(present.code, 0, present.stderr);
  assert.is(lines(present.stdout).length, 1);
  assert.not.match(present.stdout + present.stderr, secret);
});

test('bad flags exit 2', () => {
  const bad = edgeml(['run', spec, '--frames', '0']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, "error EML7101: --frames must be a positive number, not '0'.");
  assert.is(bad.stdout, '');
});

/** A copy of the example whose capture module reads `broken.mp4`, a file that is not a video; returns the spec path. */
function writeBrokenVideoSpec(name) {
  const dir = join(work, name);
  const text = copyExample(dir);
  writeFileSync(join(dir, 'broken.mp4'), 'this is not a video');
  writeFileSync(join(dir, 'spec.yaml'), text.replace('folder: samples/text', 'video: broken.mp4'));
  return join(dir, 'spec.yaml');
}

/** The run ended with exit 1, one EML7103 line at the module's position giving `reason`, no stack, no message, nothing left. */
function assertModuleStopped(r, reason) {
  assert.is(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(`spec\\.yaml:\\d+:\\d+ - error EML7103: Module 'scanner' stopped unexpectedly \\(exit 1\\): ${reason}`),
  );
  assert.not.match(r.stderr, '    at ');
  assert.is(r.stdout, '');
  assert.equal(leftovers(), []);
}

test('a module that cannot start exits 1 with a one-line reason: no ffmpeg where the capture module needs one', () => {
  // EDGEML_FFMPEG (passed through to the module) names a program that does not exist, with or without ffmpeg here.
  const r = edgeml(['run', writeBrokenVideoSpec('no-ffmpeg'), '--duration', '30'], {
    env: { ...env, EDGEML_FFMPEG: join(work, 'no-such-ffmpeg') },
  });
  assertModuleStopped(r, "ffmpeg was not found \\('.*no-such-ffmpeg'\\); install it");
});

withFfmpeg('a module that cannot start exits 1 with a one-line reason: ffmpeg finds the video is not one', () => {
  // The checks only see that the video exists; ffmpeg finds out it is not a video, and the capture module exits.
  const r = edgeml(['run', writeBrokenVideoSpec('broken'), '--duration', '30']);
  assertModuleStopped(r, "ffmpeg stopped reading video 'broken\\.mp4'");
});

test.run();
