// Capture module units: JPEG stream splitting, config validation, the IR → config seam, ffmpeg arguments and
// credential redaction, folder order and looping, pacing, and box annotation at the frame's real size.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { JpegSplitter } from '../../dist/runtime/capture/jpeg-stream.js';
import { validateCaptureConfig, CaptureConfigError } from '../../dist/runtime/capture/config.js';
import { createCaptureConfig } from '../../dist/render/capture-config.js';
import { ffmpegArgs, redactCredentials, cameraDevicePath, describeRtsp } from '../../dist/runtime/capture/sources/ffmpeg-args.js';
import { createFolderSource } from '../../dist/runtime/capture/sources/folder.js';
import { createPacer } from '../../dist/runtime/capture/pacer.js';
import { overlaysFromAnswer, overlaySvg, annotateFrame, boxesInPixels } from '../../dist/runtime/capture/annotate.js';
import { formatMessageLine, parseMessageLine, isIotEdgeEnvironment, createIotEdgeSink } from '../../dist/runtime/capture/sinks.js';

const jpeg = (w, h, color) =>
  sharp({ create: { width: w, height: h, channels: 3, background: color } })
    .jpeg()
    .toBuffer();

/** A JPEG with a COM segment whose payload holds FF D9 (an EOI look-alike), inserted right after SOI. */
function withTrickyComment(buf) {
  const payload = Buffer.from([0x41, 0xff, 0xd9, 0x42]);
  const seg = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, payload.length + 2]), payload]);
  return Buffer.concat([buf.subarray(0, 2), seg, buf.subarray(2)]);
}

test('JpegSplitter returns whole frames across arbitrary chunk boundaries, skipping junk', async () => {
  const frames = [await jpeg(32, 24, 'red'), withTrickyComment(await jpeg(40, 30, 'blue')), await jpeg(16, 16, 'green')];
  const stream = Buffer.concat([Buffer.from('junk'), frames[0], frames[1], Buffer.from([0x00, 0xff]), frames[2]]);
  for (const chunkSize of [1, 7, 100, stream.length]) {
    const splitter = new JpegSplitter();
    const out = [];
    for (let i = 0; i < stream.length; i += chunkSize) out.push(...splitter.push(stream.subarray(i, i + chunkSize)));
    assert.is(out.length, 3, `chunk size ${chunkSize}`);
    out.forEach((f, i) => assert.ok(f.equals(frames[i]), `frame ${i} intact at chunk size ${chunkSize}`));
    assert.is(splitter.pendingBytes, 0);
  }
  const meta = await sharp(withTrickyComment(await jpeg(40, 30, 'blue'))).metadata();
  assert.is(meta.width, 40, 'the tricky frame is still a valid JPEG');
});

test('JpegSplitter keeps an unfinished frame until its end arrives', async () => {
  const frame = await jpeg(20, 20, 'white');
  const splitter = new JpegSplitter();
  assert.equal(splitter.push(frame.subarray(0, frame.length - 1)), []);
  const out = splitter.push(frame.subarray(frame.length - 1));
  assert.is(out.length, 1);
  assert.ok(out[0].equals(frame));
});

const validConfig = () => ({
  version: 1,
  name: 'cam',
  source: { kind: 'folder', path: 'images' },
  fps: 2,
  loop: true,
  scoring: { url: 'http://scorer:80/image', timeoutMs: 1000, retries: 2, backoffMs: 10 },
  output: 'results',
});

test('validateCaptureConfig accepts a valid config and names every problem path', () => {
  assert.equal(validateCaptureConfig(validConfig()), validConfig());
  const bad = {
    ...validConfig(),
    fps: 0,
    extra: 1,
    source: { kind: 'rtsp', url: 'rtsp://x', urlEnv: 'RTSP' },
    scoring: { ...validConfig().scoring, url: 'ftp://x' },
  };
  try {
    validateCaptureConfig(bad);
    assert.unreachable('should throw');
  } catch (error) {
    assert.instance(error, CaptureConfigError);
    const text = error.problems.join('\n');
    assert.match(text, 'config.fps must be at least');
    assert.match(text, 'config.extra is not a known setting');
    assert.match(text, 'config.source must set exactly one of url and urlEnv');
    assert.match(text, 'config.scoring.url must be an http');
  }
  assert.throws(() => validateCaptureConfig({ ...validConfig(), source: { kind: 'webcam' } }), /config.source.kind must be one of/);
});

const captureModule = (source, extra = {}) => ({
  name: 'cam',
  kind: 'image-capture',
  path: ['modules', 'cam'],
  image: { kind: 'generated', repository: 'cam', tag: '1' },
  version: '1.0',
  status: 'running',
  restartPolicy: 'always',
  env: [],
  ports: [],
  volumes: [],
  devices: [],
  createOptions: {},
  inputs: [],
  outputs: ['results'],
  capture: { source, fps: 3, loop: false, scoringModule: 'det', scoringUrl: 'http://det:80/image', output: 'results', ...extra },
});

test('createCaptureConfig maps the IR, and writes an RTSP secret as an env reference, never a value', () => {
  const ir = { modules: [] };
  const folder = createCaptureConfig(
    ir,
    captureModule({ kind: 'folder', path: 'samples' }, { resize: { width: 416, height: 416 }, view: { port: 5012, minScore: 0.4 } }),
  );
  assert.equal(validateCaptureConfig(folder), folder);
  assert.equal(folder.source, { kind: 'folder', path: 'samples' });
  assert.is(folder.fps, 3);
  assert.is(folder.loop, false);
  assert.equal(folder.resize, { width: 416, height: 416 });
  assert.equal(folder.view, { port: 5012, minScore: 0.4 });
  assert.is(folder.scoring.url, 'http://det:80/image');
  assert.is(folder.output, 'results');

  const local = createCaptureConfig(ir, captureModule({ kind: 'video', path: 'a.mp4' }, { view: { port: 1, minScore: 0 } }), {
    scoringUrl: 'http://127.0.0.1:4444/image',
    mapPath: (p) => `/abs/${p}`,
    withoutView: true,
  });
  assert.is(local.scoring.url, 'http://127.0.0.1:4444/image');
  assert.equal(local.source, { kind: 'video', path: '/abs/a.mp4' });
  assert.is(local.view, undefined);

  const rtsp = createCaptureConfig(ir, captureModule({ kind: 'rtsp', url: { kind: 'secret', env: 'CAM_URL' } }));
  assert.equal(rtsp.source, { kind: 'rtsp', urlEnv: 'CAM_URL' });
  assert.not.match(JSON.stringify(rtsp), 'secret');
  assert.throws(
    () => createCaptureConfig(ir, { ...captureModule({ kind: 'folder', path: 'x' }), kind: 'scoring' }),
    /not an image-capture module/,
  );
});

test('ffmpegArgs: fps filter, JPEG pipe output, file: prefix, loop, camera and RTSP inputs', () => {
  const video = ffmpegArgs({ kind: 'video', path: '/media/-evil.mp4', loop: true }, 2.5);
  assert.ok(video.includes('file:/media/-evil.mp4'), 'a path is never read as an option or URL');
  assert.equal(video.slice(video.indexOf('-stream_loop'), video.indexOf('-stream_loop') + 2), ['-stream_loop', '-1']);
  assert.equal(video.slice(video.indexOf('-vf'), video.indexOf('-vf') + 2), ['-vf', 'fps=2.5']);
  assert.equal(video.slice(-7), ['-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '3', 'pipe:1']);
  assert.not.ok(ffmpegArgs({ kind: 'video', path: '/a.mp4', loop: false }, 1).includes('-stream_loop'));
  assert.ok(ffmpegArgs({ kind: 'camera', device: '0' }, 1).includes('/dev/video0'));
  assert.is(cameraDevicePath('/dev/video2'), '/dev/video2');
  assert.throws(() => cameraDevicePath('/etc/../dev/video0'), /must be a \/dev path/);
  assert.throws(() => cameraDevicePath('-i'), /must be a \/dev path/);
  const rtsp = ffmpegArgs({ kind: 'rtsp', url: 'rtsp://u:p@cam.local:554/live' }, 1);
  assert.equal(rtsp.slice(rtsp.indexOf('-rtsp_transport'), rtsp.indexOf('-rtsp_transport') + 2), ['-rtsp_transport', 'tcp']);
  assert.throws(() => ffmpegArgs({ kind: 'rtsp', url: 'file:/etc/passwd' }, 1), /rtsp:\/\//);
  assert.throws(() => ffmpegArgs({ kind: 'video', path: 'a', loop: false }, 0), /fps/);
});

test('redactCredentials and describeRtsp never show a password', () => {
  const url = 'rtsp://admin:hunter2@cam.local:554/stream?token=abc';
  assert.is(redactCredentials(`${url}: Connection refused`, [url]), '<redacted>: Connection refused');
  assert.is(redactCredentials('rtsp://admin:hunter2@cam.local/x: 401'), 'rtsp://***@cam.local/x: 401');
  assert.is(describeRtsp(url), "rtsp stream at 'cam.local:554'");
});

test('folder source: images only, natural order, loops when asked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-folder-'));
  try {
    for (const name of ['img10.jpg', 'img2.png', 'notes.txt', 'img1.jpeg', '.hidden.jpg']) writeFileSync(join(dir, name), name);
    const once = await createFolderSource(dir, false);
    const seen = [];
    for (let f = await once.next(); f; f = await once.next()) seen.push([f.origin, f.data.toString(), f.index]);
    assert.equal(seen, [
      ['img1.jpeg', 'img1.jpeg', 0],
      ['img2.png', 'img2.png', 1],
      ['img10.jpg', 'img10.jpg', 2],
    ]);
    assert.match(once.description, '3 images');

    const looping = await createFolderSource(dir, true);
    const names = [];
    for (let i = 0; i < 7; i++) names.push((await looping.next()).origin);
    assert.equal(names, ['img1.jpeg', 'img2.png', 'img10.jpg', 'img1.jpeg', 'img2.png', 'img10.jpg', 'img1.jpeg']);
    await looping.close();
    assert.is(await looping.next(), undefined, 'closed sources end');

    const empty = mkdtempSync(join(tmpdir(), 'edgeml-empty-'));
    await createFolderSource(empty, true).then(
      () => assert.unreachable(),
      (e) => assert.match(e.message, 'holds no images'),
    );
    rmSync(empty, { recursive: true });
    await createFolderSource(join(dir, 'missing'), true).then(
      () => assert.unreachable(),
      (e) => assert.match(e.message, 'ENOENT'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pacer keeps a fixed schedule and skips ticks it missed instead of bursting', async () => {
  let clock = 1000;
  const pacer = createPacer(10, undefined, () => clock);
  const t0 = performance.now();
  assert.ok(await pacer.wait(), 'first tick at once');
  assert.ok(performance.now() - t0 < 50);
  clock += 30; // 30 ms of work: the next tick is 70 ms away
  let t = performance.now();
  await pacer.wait();
  const waited = performance.now() - t;
  assert.ok(waited >= 60 && waited < 400, `waited ${waited} ms`); // generous upper bound: CI machines are busy
  clock += 70 + 1000; // a long stall: no burst of catch-up ticks
  t = performance.now();
  await pacer.wait();
  assert.ok(performance.now() - t < 30, 'after a stall the schedule restarts now');
  const stop = new AbortController();
  const aborted = createPacer(0.01, stop.signal);
  await aborted.wait();
  const pending = aborted.wait();
  stop.abort();
  assert.is(await pending, false, 'abort releases a waiting tick');
});

test('annotation scales normalised boxes to the real frame size, not 256', async () => {
  const answer = {
    predictions: [
      { probability: 0.9, tagId: 0, tagName: 'person', boundingBox: { left: 0.5, top: 0.25, width: 0.25, height: 0.5 } },
      { probability: 0.2, tagId: 1, tagName: 'dog', boundingBox: { left: 0, top: 0, width: 1, height: 1 } },
    ],
  };
  const overlays = overlaysFromAnswer(answer, 0.4);
  assert.is(overlays.length, 1, 'low scores are not drawn');
  assert.equal(
    boxesInPixels(overlays, 640, 480).map(({ x, y, w, h }) => [x, y, w, h]),
    [[320, 120, 160, 240]],
  );
  assert.match(overlaySvg(overlays, 640, 480), '<rect x="320" y="120" width="160" height="240"');
  assert.match(overlaySvg([{ label: '<b>&', score: 1 }], 100, 100), '&lt;b&gt;&amp;', 'labels are escaped');

  const frame = await jpeg(640, 480, 'white');
  const out = await annotateFrame(frame, overlays);
  const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
  assert.equal([info.width, info.height], [640, 480]);
  const px = (x, y) => Array.from(data.subarray((y * 640 + x) * 3, (y * 640 + x) * 3 + 3));
  const [r, g, b] = px(320, 300); // on the left edge of the box, below the caption
  assert.ok(r > 120 && r > 2 * g && r > 2 * b, `red box edge at x=320: ${[r, g, b]}`);
  const [r2, g2, b2] = px(100, 300);
  assert.ok(r2 > 200 && g2 > 200 && b2 > 200, 'outside the box stays white');
});

test('message lines round-trip and carry JSON content type and encoding', () => {
  const line = formatMessageLine({ output: 'results', body: '{"predictions":[]}', properties: { frameIndex: '3' } });
  assert.ok(line.endsWith('\n'));
  const parsed = parseMessageLine(line.trim());
  assert.equal(parsed, {
    type: 'message',
    output: 'results',
    contentType: 'application/json',
    contentEncoding: 'utf-8',
    properties: { frameIndex: '3' },
    body: { predictions: [] },
  });
  assert.is(parseMessageLine('capture: log line'), undefined);
  assert.ok(isIotEdgeEnvironment({ IOTEDGE_WORKLOADURI: 'unix:///var/run/iotedge/workload.sock', IOTEDGE_MODULEID: 'cam' }));
  assert.not.ok(isIotEdgeEnvironment({ PATH: '/bin' }));
});

test('the IoT Edge sink sends a JSON-typed azure-iot-device Message on the output, with the properties', async () => {
  const calls = [];
  const fakeClient = {
    open: async () => calls.push(['open']),
    close: async () => calls.push(['close']),
    on: () => undefined,
    sendOutputEvent: async (output, message) => calls.push(['send', output, message]),
  };
  const sink = await createIotEdgeSink(undefined, async () => fakeClient);
  assert.is(sink.kind, 'iotedge');
  await sink.send({ output: 'detections', body: '{"predictions":[]}', properties: { frameIndex: '4', frameOrigin: 'a.jpg' } });
  await sink.close();
  assert.equal(
    calls.map((c) => c[0]),
    ['open', 'send', 'close'],
  );
  const [, output, message] = calls[1];
  assert.is(output, 'detections');
  assert.is(message.contentType, 'application/json');
  assert.is(message.contentEncoding, 'utf-8');
  assert.is(message.getData().toString(), '{"predictions":[]}');
  assert.is(message.properties.getValue('frameIndex'), '4');
  assert.is(message.properties.getValue('frameOrigin'), 'a.jpg');
});

test.run();

test('summary: count, best probability and its label; zero and empty when nothing was found; other answers untouched', async () => {
  const { summarizePredictions, messageBodyFor } = await import('../../dist/runtime/capture/summary.js');
  const preds = [
    { probability: 0.3, tagName: 'cat' },
    { probability: 0.8, tagName: 'dog' },
    { probability: 0.5, tagName: 'cow' },
  ];
  assert.equal(summarizePredictions(preds), { count: 3, topProbability: 0.8, topTagName: 'dog' });
  assert.equal(summarizePredictions([]), { count: 0, topProbability: 0, topTagName: '' });
  const text = '{"predictions":[],"id":"x"}';
  assert.equal(JSON.parse(messageBodyFor(JSON.parse(text), text)), {
    predictions: [],
    id: 'x',
    summary: { count: 0, topProbability: 0, topTagName: '' },
  });
  const other = '{"results":{}}';
  assert.is(messageBodyFor(JSON.parse(other), other), other, 'an answer without predictions is sent as the scorer wrote it');
  assert.is(messageBodyFor([1], '[1]'), '[1]');
});

test('capture contract: a message missing its summary, or with a probability above 1, does not validate', async () => {
  const { captureResultsContract } = await import('../../dist/runtime/contracts/index.js');
  const { compileContract } = await import('../../dist/contracts/validate.js');
  const validate = compileContract(captureResultsContract('object-detection'));
  const good = {
    id: 'a',
    project: 'p',
    iteration: '',
    created: '2026-01-01T00:00:00.000Z',
    predictions: [],
    summary: { count: 0, topProbability: 0, topTagName: '' },
    timings: { preprocessMs: 0, inferenceMs: 0, postprocessMs: 0, totalMs: 0, batchSize: 1 },
  };
  assert.equal(validate(good), []);
  const { summary, ...withoutSummary } = good;
  void summary;
  assert.equal(validate(withoutSummary), ["(body): missing field 'summary'"]);
  const tooHigh = {
    ...good,
    predictions: [{ probability: 8, tagId: 0, tagName: 'x', boundingBox: { left: 0, top: 0, width: 1, height: 1 } }],
  };
  assert.equal(validate(tooHigh), ['predictions[0].probability: must be <= 1']);
  const classification = compileContract(captureResultsContract('image-classification'));
  assert.equal(classification({ ...good, predictions: [{ probability: 0.5, tagId: 1, tagName: 'x' }] }), [], 'classes carry no box');
});
