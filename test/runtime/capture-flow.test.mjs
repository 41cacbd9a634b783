// Capture module end to end against a fake scoring server on loopback: ffmpeg video frames, the HTTP client's
// retries and refusals, dropping frames while busy (never two requests at once), the view server, and main.js as a
// child process (stdout message lines, EDGEML_MAX_FRAMES, SIGTERM).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createFfmpegSource } from '../../dist/runtime/capture/sources/ffmpeg.js';
import { createFolderSource } from '../../dist/runtime/capture/sources/folder.js';
import { createScoringClient, ScoringRejectedError, ScoringUnavailableError } from '../../dist/runtime/capture/scoring-client.js';
import { runCaptureLoop } from '../../dist/runtime/capture/capture-loop.js';
import { createCallbackSink } from '../../dist/runtime/capture/sinks.js';
import { createViewServer } from '../../dist/runtime/capture/view-server.js';
import { toCustomVisionAnswer } from '../../dist/runtime/scoring/responses.js';
import { captureResultsContract } from '../../dist/runtime/contracts/index.js';
import { compileContract } from '../../dist/contracts/validate.js';
import { makeTestVideo } from '../fixtures/video/make-video.mjs';
import { requires } from '../helpers/requires.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const images = join(root, 'test/fixtures/images');
const work = mkdtempSync(join(tmpdir(), 'edgeml-capture-'));
const withFfmpeg = requires(test, 'ffmpeg');

/** A fake scoring server: `behave(n, body)` decides each answer; records bodies and the most concurrent requests. */
async function fakeScorer(behave) {
  const state = { requests: 0, active: 0, maxActive: 0, bodies: [], types: [] };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      state.requests++;
      state.active++;
      state.maxActive = Math.max(state.maxActive, state.active);
      const body = Buffer.concat(chunks);
      state.bodies.push(body);
      state.types.push(req.headers['content-type']);
      const answer = await behave(state.requests, body);
      state.active--;
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/image`;
  const close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  closeAfterTest(server, close);
  return { state, url, close };
}

/** The scoring module's real answer (responses.ts) for answer n: odd answers find one object, even ones none. */
const answerFor = (n) => {
  const predictions =
    n % 2 === 1 ? [{ label: 'thing', labelId: 0, score: 0.9, box: { left: 0.1, top: 0.1, width: 0.5, height: 0.5 } }] : [];
  const timings = { preprocessMs: 1, inferenceMs: 2, postprocessMs: 0.5, totalMs: 3.5, batchSize: 1 };
  return {
    ...toCustomVisionAnswer('detector', { predictions, image: { width: 64, height: 48 }, timings }, new Date(Date.UTC(2026, 0, 1))),
    id: `a${n}`,
  };
};
/** What the capture module sends for answer n: the answer plus its summary. */
const messageFor = (n) => {
  const answer = answerFor(n);
  const top = answer.predictions[0];
  return {
    ...answer,
    summary: { count: answer.predictions.length, topProbability: top?.probability ?? 0, topTagName: top?.tagName ?? '' },
  };
};
const detectionsContract = compileContract(captureResultsContract('object-detection'));
/** Every message the module sends must validate against its contract. */
const assertContract = (body) => assert.equal(detectionsContract(body), [], `message matches its contract: ${JSON.stringify(body)}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test.after(() => rmSync(work, { recursive: true, force: true }));

// What a test opened (servers, clients, ffmpeg sources, child processes) is closed after it even when it fails, so a
// failing test cannot keep this file's process alive until the runner's limit. Closing twice is harmless.
const openedByTest = [];
const closeAfterTest = (thing, close) => {
  openedByTest.push(() => close(thing));
  return thing;
};
test.after.each(async () => {
  while (openedByTest.length > 0) {
    const close = openedByTest.pop();
    await (async () => close())().catch(() => {});
  }
});
const scoringClient = (config) => closeAfterTest(createScoringClient(config), (client) => client.close());
const ffmpegSource = (options) => closeAfterTest(createFfmpegSource(options), (source) => source.close());
const viewServer = (options) => closeAfterTest(createViewServer(options), (view) => view.close());

withFfmpeg('ffmpeg video source yields valid JPEG frames at the configured rate, then ends', async () => {
  const video = makeTestVideo(work, { seconds: 2, rate: 10, size: '160x120' });
  const source = ffmpegSource({ input: { kind: 'video', path: video, loop: false }, fps: 4, description: 'video clip' });
  const frames = [];
  for (let f = await source.next(); f; f = await source.next()) frames.push(f);
  assert.ok(frames.length >= 7 && frames.length <= 9, `2 s at 4 fps ≈ 8 frames, got ${frames.length}`);
  assert.equal(
    frames.map((f) => f.index),
    frames.map((_, i) => i),
  );
  const meta = await sharp(frames[3].data).metadata();
  assert.equal([meta.format, meta.width, meta.height], ['jpeg', 160, 120]);
  await source.close();
});

withFfmpeg('ffmpeg video source loops and stops on close; a bad file is a one-line error', async () => {
  // Large frames, so the paused pipe fills and ffmpeg blocks on its write.
  const video = makeTestVideo(work, { name: 'short.mp4', seconds: 1, rate: 10, size: '1280x720' });
  const source = ffmpegSource({ input: { kind: 'video', path: video, loop: true }, fps: 5, description: 'short' });
  for (let i = 0; i < 12; i++) assert.ok(await source.next(), `frame ${i} (past the end of a 1 s clip at 5 fps)`);
  await sleep(300); // let ffmpeg fill the queue and block on the paused pipe
  const t = performance.now();
  await source.close();
  assert.ok(performance.now() - t < 1500, `close() does not wait for the SIGKILL fallback: ${Math.round(performance.now() - t)} ms`);
  assert.is(await source.next(), undefined);

  const bogus = join(work, 'bogus.mp4');
  writeFileSync(bogus, 'not a video');
  const bad = ffmpegSource({ input: { kind: 'video', path: bogus, loop: false }, fps: 5, description: "video 'bogus.mp4'" });
  await bad.next().then(
    () => assert.unreachable('should fail'),
    (e) => assert.match(e.message, "ffmpeg stopped reading video 'bogus.mp4'"),
  );
  const missing = ffmpegSource({
    input: { kind: 'video', path: video, loop: false },
    fps: 5,
    description: 'x',
    ffmpegPath: join(work, 'no-ffmpeg'),
  });
  await missing.next().then(
    () => assert.unreachable('should fail'),
    (e) => assert.match(e.message, 'ffmpeg was not found'),
  );
});

test('live sources keep only the newest frame, reconnect after ffmpeg exits, and never log the RTSP password', async () => {
  const jpegPath = join(work, 'live.jpg');
  writeFileSync(
    jpegPath,
    await sharp({ create: { width: 8, height: 8, channels: 3, background: 'blue' } })
      .jpeg()
      .toBuffer(),
  );
  const startsLog = join(work, 'fake-starts.log');
  writeFileSync(startsLog, '');
  const fakeEnv = { FAKE_FFMPEG_JPEG: jpegPath, FAKE_FFMPEG_FRAMES: '5', FAKE_FFMPEG_INTERVAL_MS: '10', FAKE_FFMPEG_LOG: startsLog };
  Object.assign(process.env, fakeEnv); // the source's ffmpeg child inherits this process's environment
  const logs = [];
  const url = 'rtsp://admin:hunter2@cam.local:554/live';
  const source = ffmpegSource({
    input: { kind: 'rtsp', url },
    fps: 2,
    description: "rtsp stream at 'cam.local:554'",
    ffmpegPath: fileURLToPath(new URL('../fixtures/video/fake-ffmpeg.mjs', import.meta.url)),
    log: (l) => logs.push(l),
  });
  try {
    // Once the first ffmpeg has exited, all 5 of its frames have arrived; only the newest is kept.
    for (let waited = 0; !logs.some((l) => l.includes('reconnecting')) && waited < 10_000; waited += 20) await sleep(20);
    const first = await source.next();
    assert.is(first.index, 4, 'stale frames were replaced by the newest');
    const afterReconnect = await source.next(); // waits for the second ffmpeg run (reconnect after 1 s)
    assert.ok(afterReconnect.index >= 5, `a frame from the reconnected stream: ${afterReconnect.index}`);
    const starts = readFileSync(startsLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.ok(starts.length >= 2, 'ffmpeg was started again');
    assert.ok(starts[0].includes(url) && starts[0].includes('tcp'), 'the real URL reaches ffmpeg, over TCP');
    assert.match(logs.join('\n'), 'reconnecting in 1 s');
    assert.not.match(logs.join('\n'), 'hunter2');
    assert.match(logs.join('\n'), '<redacted>: Server returned 401');
  } finally {
    await source.close();
    for (const key of Object.keys(fakeEnv)) delete process.env[key];
  }
});

test('scoring client retries 5xx and connection errors with backoff, but not a refusal', async () => {
  const scorer = await fakeScorer((n) =>
    n === 1 ? { status: 503, body: { error: { message: 'busy' } } } : { status: 200, body: answerFor(n) },
  );
  const client = scoringClient({ url: scorer.url, timeoutMs: 30_000, retries: 2, backoffMs: 5 });
  const answer = await client.score(Buffer.from('img'));
  assert.is(answer.attempts, 2);
  assert.equal(answer.json, answerFor(2));
  assert.is(answer.text, JSON.stringify(answerFor(2)), 'the raw answer text is kept');
  assert.is(scorer.state.types[0], 'application/octet-stream');
  assert.ok(scorer.state.bodies.every((b) => b.toString() === 'img'));
  client.close();
  await scorer.close();

  const refusing = await fakeScorer(() => ({ status: 415, body: { error: { message: 'not an image' } } }));
  const c2 = scoringClient({ url: refusing.url, timeoutMs: 30_000, retries: 3, backoffMs: 5 });
  await c2.score(Buffer.from('x')).then(
    () => assert.unreachable(),
    (e) => {
      assert.instance(e, ScoringRejectedError);
      assert.match(e.message, 'not an image');
    },
  );
  assert.is(refusing.state.requests, 1, 'a 4xx is not retried');
  c2.close();
  await refusing.close();

  const hanging = await fakeScorer(() => 'hang');
  const c3 = scoringClient({ url: hanging.url, timeoutMs: 100, retries: 1, backoffMs: 5 });
  const t = performance.now();
  await c3.score(Buffer.from('x')).then(
    () => assert.unreachable(),
    (e) => {
      assert.instance(e, ScoringUnavailableError);
      assert.match(e.message, 'failed after 2 attempt(s)');
    },
  );
  assert.ok(performance.now() - t < 1500, 'timeouts bound the wait');
  assert.is(hanging.state.requests, 2);
  c3.close();
  await hanging.close();

  const c4 = scoringClient({ url: 'http://127.0.0.1:9/image', timeoutMs: 500, retries: 1, backoffMs: 5 });
  await c4.score(Buffer.from('x')).then(
    () => assert.unreachable(),
    (e) => assert.match(e.message, 'ECONNREFUSED'),
  );
  c4.close();
});

/** Counts frames a source hands out; `reach(n)` resolves once `n` frames were taken (an event, not a sleep). */
function countingSource(source) {
  const waiters = [];
  const counted = {
    taken: 0,
    reach: (n) => (counted.taken >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    source: {
      ...source,
      async next() {
        const frame = await source.next();
        if (frame) counted.taken++;
        for (let i = waiters.length - 1; i >= 0; i--) if (counted.taken >= waiters[i].n) waiters.splice(i, 1)[0].resolve();
        return frame;
      },
    },
  };
  return counted;
}

test('capture loop drops frames while a request is in flight and sends each answer on the output', async () => {
  // The scorer answers only once the loop has taken two more frames, so every request overlaps frames that must be
  // dropped, however fast or loaded the machine is. Only formats the view can draw (sharp reads no BMP), since the
  // view draws whichever frame was scored last.
  const folder = join(work, 'drop');
  mkdirSync(folder);
  for (const f of ['text-upright.jpg', 'text-rotated.jpg', 'text-upright.png']) copyFileSync(join(images, f), join(folder, f));
  const frames = countingSource(await createFolderSource(folder, true));
  const scorer = await fakeScorer(async (n) => {
    await frames.reach(frames.taken + 2);
    return { status: 200, body: answerFor(n) };
  });
  const config = {
    version: 1,
    name: 'cam',
    source: { kind: 'folder', path: folder },
    fps: 20,
    loop: true,
    scoring: { url: scorer.url, timeoutMs: 30_000, retries: 0, backoffMs: 0 },
    output: 'results',
  };
  const client = scoringClient(config.scoring);
  const messages = [];
  const view = viewServer({ name: 'cam', minScore: 0.4, fps: 20 });
  const outcome = await runCaptureLoop({
    config,
    source: frames.source,
    client,
    sink: createCallbackSink((m) => messages.push(m)),
    view,
    maxMessages: 4,
  });
  assert.is(outcome.reason, 'limit');
  assert.is(messages.length, 4);
  assert.is(scorer.state.maxActive, 1, 'never two requests at once');
  assert.ok(outcome.stats.dropped >= 8, `the two frames taken during each request were dropped: ${JSON.stringify(outcome.stats)}`);
  assert.is(outcome.stats.captured, outcome.stats.sent + outcome.stats.dropped + outcome.stats.failed);
  messages.forEach((m, i) => {
    assert.is(m.output, 'results');
    assert.equal(JSON.parse(m.body), messageFor(i + 1));
    assertContract(JSON.parse(m.body));
    assert.ok(/^\d+$/.test(m.properties.frameIndex));
  });

  const port = await view.listen(0, '127.0.0.1');
  const page = await fetch(`http://127.0.0.1:${port}/`);
  assert.match(await page.text(), 'frame.jpg');
  const frame = await fetch(`http://127.0.0.1:${port}/frame.jpg`);
  assert.is(frame.headers.get('content-type'), 'image/jpeg');
  const meta = await sharp(Buffer.from(await frame.arrayBuffer())).metadata();
  assert.is(meta.format, 'jpeg');
  const latest = await (await fetch(`http://127.0.0.1:${port}/latest.json`)).json();
  assert.equal(latest.answer, answerFor(4));
  await view.close();
  client.close();
  await scorer.close();
});

test('capture loop resizes frames before sending and keeps going after a refused frame', async () => {
  const scorer = await fakeScorer((n) =>
    n === 1 ? { status: 400, body: { error: { message: 'bad' } } } : { status: 200, body: answerFor(n) },
  );
  // sharp cannot decode BMP, so this folder holds JPEG and PNG only.
  const folder = join(work, 'resize');
  mkdirSync(folder);
  for (const f of ['text-upright.jpg', 'text-rotated.jpg', 'text-upright.png', 'text2-rotated.png'])
    copyFileSync(join(images, f), join(folder, f));
  // Looping, so the two answers arrive however many frames a loaded machine drops while resizing and scoring.
  const config = {
    version: 1,
    name: 'cam',
    source: { kind: 'folder', path: folder },
    fps: 50,
    loop: true,
    resize: { width: 64, height: 48 },
    scoring: { url: scorer.url, timeoutMs: 30_000, retries: 0, backoffMs: 0 },
    output: 'o',
  };
  const lines = [];
  const client = scoringClient(config.scoring);
  const outcome = await runCaptureLoop({
    config,
    source: await createFolderSource(folder, true),
    client,
    sink: createCallbackSink(() => {}),
    maxMessages: 2,
    log: (l) => lines.push(l),
  });
  assert.is(outcome.reason, 'limit');
  assert.is(outcome.stats.failed, 1);
  assert.is(outcome.stats.sent, 2);
  assert.match(lines.join('\n'), 'refused the frame (400): bad');
  const meta = await sharp(scorer.state.bodies[1]).metadata();
  assert.equal([meta.format, meta.width, meta.height], ['jpeg', 64, 48]);
  client.close();
  await scorer.close();
});

/** Runs dist/runtime/capture/main.js on a config; resolves with exit code, stdout and stderr. */
function runMain(configPath, env = {}, onSpawn) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'dist/runtime/capture/main.js'), configPath], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    closeAfterTest(child, (c) => c.exitCode === null && c.signalCode === null && c.kill('SIGKILL'));
    onSpawn?.(child, () => stdout);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

test('main.js: relative folder, JSON message lines on stdout, logs on stderr, EDGEML_MAX_FRAMES', async () => {
  const scorer = await fakeScorer((n) => ({ status: 200, body: answerFor(n) }));
  const dir = join(work, 'module');
  mkdirSync(join(dir, 'media'), { recursive: true });
  for (const f of ['text-upright.jpg', 'text-rotated.jpg']) copyFileSync(join(images, f), join(dir, 'media', f));
  const config = {
    version: 1,
    name: 'cam',
    source: { kind: 'folder', path: 'media' },
    fps: 10,
    loop: true,
    scoring: { url: scorer.url, timeoutMs: 30_000, retries: 1, backoffMs: 10 },
    output: 'results',
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const r = await runMain(join(dir, 'config.json'), { EDGEML_MAX_FRAMES: '3' });
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.is(lines.length, 3);
  assert.equal(
    lines.map((l) => [l.type, l.output, l.contentType, l.contentEncoding]),
    Array(3).fill(['message', 'results', 'application/json', 'utf-8']),
  );
  // The first frame is always sent; which later ones are depends on how many a loaded machine drops while busy.
  assert.is(lines[0].properties.frameOrigin, 'text-rotated.jpg');
  assert.ok(
    lines.every((l) => ['text-rotated.jpg', 'text-upright.jpg'].includes(l.properties.frameOrigin)),
    'frames come from the relative folder',
  );
  assert.match(r.stderr, 'stopped (limit): ');
  lines.forEach((l) => assertContract(l.body));
  const detections = (origin) => (origin === 'text-rotated.jpg' ? 1 : 0);
  assert.equal(
    lines.map((l) => l.body.summary.count),
    lines.map((l) => detections(l.properties.frameOrigin)),
    'frames without detections still carry a summary',
  );
  await scorer.close();

  const bad = await runMain(join(work, 'nope.json'));
  assert.is(bad.code, 1);
  assert.match(bad.stderr, 'Cannot read capture config');
  assert.not.match(bad.stderr, '    at ', 'no stack for an expected problem');
});

test('main.js under IoT Edge (IOTEDGE_* set) talks to the edge runtime, not stdout; unreachable is one line, exit 1', async () => {
  const config = {
    version: 1,
    name: 'cam',
    source: { kind: 'folder', path: images },
    fps: 1,
    loop: true,
    scoring: { url: 'http://127.0.0.1:9/image', timeoutMs: 500, retries: 0, backoffMs: 0 },
    output: 'o',
  };
  const path = join(work, 'edge.json');
  writeFileSync(path, JSON.stringify(config));
  const edgeEnv = {
    IOTEDGE_WORKLOADURI: `unix://${join(work, 'no-workload.sock')}`,
    IOTEDGE_MODULEID: 'cam',
    IOTEDGE_DEVICEID: 'dev1',
    IOTEDGE_IOTHUBHOSTNAME: 'hub.example.net',
    IOTEDGE_GATEWAYHOSTNAME: 'localhost',
    IOTEDGE_APIVERSION: '2019-01-30',
    IOTEDGE_MODULEGENERATIONID: '1',
    IOTEDGE_AUTHSCHEME: 'sasToken',
  };
  const r = await runMain(path, edgeEnv);
  assert.is(r.code, 1);
  assert.is(r.stdout, '', 'no message lines on stdout under IoT Edge');
  assert.match(r.stderr, /^capture: Cannot connect to IoT Edge: .*no-workload\.sock/m);
  assert.not.match(r.stderr, '    at ');

  // A bad source is found before any connection to edgeHub is opened, so the module exits at once with that reason.
  writeFileSync(path, JSON.stringify({ ...config, source: { kind: 'folder', path: join(work, 'gone') } }));
  const bad = await runMain(path, edgeEnv);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /^capture: Cannot read the image folder '.*gone': ENOENT\.$/m);
  assert.not.match(bad.stderr, 'IoT Edge');
});

test('main.js stops cleanly on SIGTERM with exit code 0', async () => {
  const scorer = await fakeScorer((n) => ({ status: 200, body: answerFor(n) }));
  const config = {
    version: 1,
    name: 'cam',
    source: { kind: 'folder', path: images },
    fps: 20,
    loop: true,
    scoring: { url: scorer.url, timeoutMs: 30_000, retries: 0, backoffMs: 0 },
    output: 'results',
  };
  const path = join(work, 'sig.json');
  writeFileSync(path, JSON.stringify(config));
  const started = performance.now();
  const r = await runMain(path, {}, (child, out) => {
    const timer = setInterval(() => {
      if (out().split('\n').length > 2) {
        clearInterval(timer);
        child.kill('SIGTERM');
      }
    }, 20);
  });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, 'SIGTERM');
  assert.match(r.stderr, 'stopped (stopped)');
  assert.ok(performance.now() - started < 5000);
  await scorer.close();
});

test.run();
