// The scoring module's memory and time limits (server.limits): the main entry started in a child process with small
// limits, then stalled uploads past the byte budget (503 while good requests are answered), a decode-bomb batch
// (refused from its headers before decoding), forged and disguised images, the batch-size edge, a 50 MB upload to a
// 1 MB limit (its 413 always arrives), and the processing deadline; the module's RSS must stay under a bound.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { createScoringServer } from '../../dist/runtime/scoring/server.js';
import { createScorer } from '../../dist/runtime/scoring/scorer.js';
import { orientationConfig, FIXTURE_IMAGES, ORIENTATION_MODEL } from '../helpers/onnx-configs.mjs';

const upright = readFileSync(FIXTURE_IMAGES + 'text-upright.png');
const jpeg = readFileSync(FIXTURE_IMAGES + 'text-upright.jpg');
const MB = 1024 * 1024;
const limits = {
  bytesInFlight: 4 * MB,
  decodeBytes: 24 * MB,
  imagesPerRequest: 4,
  processingTimeoutMs: 10_000,
  requestTimeoutMs: 20_000,
  bodyIdleTimeoutMs: 15_000,
};
const cleanups = [];
test.after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

const until = async (check, what, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

/** The module's resident memory in bytes (Linux /proc). */
const rssOf = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;

/** Starts dist/runtime/scoring/main.js with the orientation model and these server settings; resolves once ready. */
async function startModule(server) {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-scoring-limits-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'model'));
  copyFileSync(ORIENTATION_MODEL, join(dir, 'model', 'model.onnx'));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ ...orientationConfig({ server: { port: 5001, ...server } }), model: { path: 'model/model.onnx' } }),
  );
  const mainJs = fileURLToPath(new URL('../../dist/runtime/scoring/main.js', import.meta.url));
  const child = spawn(process.execPath, [mainJs, join(dir, 'config.json')], {
    env: { ...process.env, EDGEML_PORT: '0', EDGEML_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(async () => child.exitCode === null && child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  await until(() => /listening on port (\d+)/.test(out) || child.exitCode !== null, 'the module to listen');
  if (child.exitCode !== null) throw new Error(`the module exited: ${out}`);
  const port = Number(/listening on port (\d+)/.exec(out)[1]);
  await until(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200, 'the model to load');
  return { port, pid: child.pid, log: () => out };
}

/** Opens a socket, sends a POST head and `sent` body bytes, and keeps it open; `answer` resolves with the response head. */
function stalledUpload(port, { declared, sent, path = '/image', chunked = false }) {
  const socket = net.connect({ port, host: '127.0.0.1' });
  cleanups.push(async () => socket.destroy());
  let received = '';
  const answer = new Promise((resolve) => {
    socket.on('data', (d) => {
      received += d.toString('latin1');
      if (received.includes('\r\n\r\n')) resolve(received);
    });
    socket.on('error', () => resolve(received || 'error'));
    socket.on('close', () => resolve(received || 'closed'));
  });
  const length = chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${declared}`;
  socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n${length}\r\n\r\n`);
  const body = Buffer.alloc(sent, 0x55);
  socket.write(chunked ? Buffer.concat([Buffer.from(`${sent.toString(16)}\r\n`), body, Buffer.from('\r\n')]) : body);
  return { socket, answer };
}

const statusOf = (head) => Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
const postRaw = (url, body) => fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
function postForm(url, images) {
  const form = new FormData();
  images.forEach((bytes, i) => form.append(`image${i}`, new Blob([bytes]), `image${i}.png`));
  return fetch(url, { method: 'POST', body: form });
}

/** A valid 16-bit RGBA PNG of zeros: a few hundred KB that decode to width × height × 8 bytes. */
function pngBomb(width, height) {
  const crc = (buf) => {
    let c = ~0;
    for (const byte of buf) {
      c ^= byte;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    }
    return ~c >>> 0;
  };
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc(Buffer.concat([Buffer.from(type, 'latin1'), data])), 0);
    return Buffer.concat([head, data, tail]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([16, 6, 0, 0, 0], 8); // 16-bit, RGBA, deflate, no filter, not interlaced
  const raw = Buffer.alloc(height * (1 + width * 8)); // every row: filter 0, then zeros
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The JPEG fixture with its frame header rewritten to claim `width` x `height`. */
function forgedJpeg(width, height) {
  const bytes = Buffer.from(jpeg);
  for (let offset = 2; offset < bytes.length; ) {
    const marker = bytes[offset + 1];
    if (marker >= 0xc0 && marker <= 0xc2) {
      bytes.writeUInt16BE(height, offset + 5);
      bytes.writeUInt16BE(width, offset + 7);
      return bytes;
    }
    offset += 2 + bytes.readUInt16BE(offset + 2);
  }
  throw new Error('no frame header in the fixture');
}

test('small limits: stalled uploads past the byte budget get 503 while good requests are answered; a decode bomb is refused before decoding; RSS stays bounded', async () => {
  const module = await startModule({ maxBodyBytes: 1 * MB, concurrency: 1, queueLimit: 4, limits });
  const url = `http://127.0.0.1:${module.port}`;
  assert.is((await postRaw(`${url}/image`, upright)).status, 200);
  const baseline = rssOf(module.pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(module.pid))), 20);
  cleanups.push(async () => clearInterval(sampler));

  // 30 uploads declaring 900 KB each send all but 100 bytes and stall: 4 fit the 4 MiB budget, the rest are refused
  // at once (they never get to send their bodies into memory).
  const stalled = Array.from({ length: 30 }, () => stalledUpload(module.port, { declared: 900_000, sent: 899_900 }));
  const refused = [];
  await until(async () => {
    refused.length = 0;
    for (const s of stalled) if (statusOf(await Promise.race([s.answer, Promise.resolve('')])) === 503) refused.push(s);
    return refused.length >= 26;
  }, 'the uploads over the budget to be refused');
  const head = await refused[0].answer;
  assert.match(head, /retry-after: \d+/i);
  assert.match(head, /connection: close/i);
  // Chunked uploads have no declared size: they are counted as their bytes arrive, and refused when they pass it.
  const chunked = stalledUpload(module.port, { chunked: true, sent: 700_000 });
  assert.is(statusOf(await chunked.answer), 503, 'a chunked upload past the budget is refused');

  // While the budget is held by the stalled uploads, small good requests still fit and are scored.
  for (let i = 0; i < 5; i++) {
    const res = await postRaw(`${url}/image`, upright);
    assert.is(res.status, 200);
    assert.is((await res.json()).predictions[0].tagName, '0');
  }
  const health = await fetch(`${url}/healthz`);
  assert.is(health.status, 200);

  // A decode bomb: 4 valid 16-bit RGBA PNGs of 1200x1200 (~12 KB on the wire each, 11 MiB each decoded): 44 MiB
  // over the 24 MiB decode budget, refused from the headers, so no decoder ever allocates it.
  const bomb = pngBomb(1200, 1200);
  const refusedBomb = await postForm(`${url}/score`, [bomb, bomb, bomb, bomb]);
  assert.is(refusedBomb.status, 413);
  assert.match(
    (await refusedBomb.json()).error.message,
    /4 images would take 44 MiB to decode, over the 24 MiB per request .*limits\.decodeBytes/,
  );
  // One bomb image alone fits the budget and really decodes: the bound is the budget, not a blanket refusal.
  assert.is((await postForm(`${url}/score`, [bomb])).status, 200);

  // Releasing the stalled uploads gives the budget back: a large request fits again.
  for (const s of stalled) s.socket.destroy();
  await until(
    async () => (await postRaw(`${url}/image`, Buffer.concat([upright, Buffer.alloc(800_000)]))).status === 200,
    'the budget to be released',
  );
  clearInterval(sampler);
  // Bound: the byte budget, one decode budget, and 40 MiB for sockets, sharp's and onnxruntime's arenas and the
  // allocator's slack. Unbounded, 30 stalled 900 KB uploads alone would add 27 MB, the bomb batch 44 MiB.
  const bound = baseline + limits.bytesInFlight + limits.decodeBytes + 40 * MB;
  console.log(
    `  RSS: baseline ${(baseline / MB).toFixed(0)} MiB, peak ${(peak / MB).toFixed(0)} MiB, bound ${(bound / MB).toFixed(0)} MiB`,
  );
  assert.ok(
    peak < bound,
    `RSS peaked at ${(peak / MB).toFixed(0)} MiB, over the ${(bound / MB).toFixed(0)} MiB bound (baseline ${(baseline / MB).toFixed(0)} MiB)`,
  );
  assert.match(module.log(), / POST \/image 503 /);
});

test('a decode-bomb batch never reaches the scorer: refused from its headers before it takes a slot', async () => {
  const calls = [];
  const spy = {
    summary: { name: 'spy' },
    description: {},
    score: async () => ({}),
    scoreBatch: async (images) => (
      calls.push(images.length), images.map(() => ({ predictions: [], image: { width: 1, height: 1 }, timings: {} }))
    ),
    close: async () => undefined,
  };
  const server = createScoringServer(orientationConfig({ server: { limits } }));
  server.setScorer(spy);
  const port = await server.listen(0, '127.0.0.1');
  cleanups.push(() => server.close(1000));
  const bomb = pngBomb(1200, 1200);
  const res = await postForm(`http://127.0.0.1:${port}/score`, [bomb, bomb, bomb]);
  assert.is(res.status, 413);
  assert.equal(calls, [], 'the scorer (decode, model) was never called');
  assert.is((await postForm(`http://127.0.0.1:${port}/score`, [bomb, bomb])).status, 200, 'two fit the 24 MiB budget');
  assert.equal(calls, [2]);
});

test('forged and disguised images are refused before decoding; the batch limit lets exactly limits.imagesPerRequest through', async () => {
  const module = await startModule({ maxBodyBytes: 1 * MB, concurrency: 1, queueLimit: 4, limits });
  const url = `http://127.0.0.1:${module.port}`;
  // The JPEG fixture's 320x64 of data under a header claiming 6000x6000.
  const forged = await postRaw(`${url}/image`, forgedJpeg(6000, 6000));
  assert.is(forged.status, 400);
  assert.match((await forged.json()).error.message, /declares 6000x6000 pixels, but its data is too short/);
  assert.is((await postRaw(`${url}/image`, forgedJpeg(320, 64))).status, 200, 'the same bytes with their true size pass');
  // An SVG behind a UTF-8 byte-order mark (and a UTF-16 one) never reaches the decoder.
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>';
  for (const bytes of [
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(svg)]),
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(svg, 'utf16le')]),
  ]) {
    const res = await postRaw(`${url}/image`, bytes);
    assert.is(res.status, 415);
    assert.match((await res.json()).error.message, /'svg' is not supported/);
  }
  const four = await postForm(`${url}/predict`, [upright, upright, upright, upright]);
  assert.is(four.status, 200, 'exactly imagesPerRequest images pass');
  assert.is(Object.keys((await four.json()).results).length, 4);
  const five = await postForm(`${url}/predict`, [upright, upright, upright, upright, upright]);
  assert.is(five.status, 413);
  assert.match((await five.json()).error.message, /at most 4 images/);
});

test('the default batch limit: 32 images pass, 33 get 413', async () => {
  const scorer = await createScorer(orientationConfig());
  const server = createScoringServer(orientationConfig({ server: { maxBodyBytes: 8 * MB } }));
  server.setScorer(scorer);
  const port = await server.listen(0, '127.0.0.1');
  cleanups.push(() => server.close(1000));
  const url = `http://127.0.0.1:${port}`;
  assert.is((await postForm(`${url}/score`, Array(32).fill(upright))).status, 200);
  const over = await postForm(`${url}/score`, Array(33).fill(upright));
  assert.is(over.status, 413);
  assert.match((await over.json()).error.message, /at most 32 images/);
});

test('a 50 MB upload to a 1 MB limit always gets its 413 (answer, then a graceful close instead of a reset)', async () => {
  const scorer = await createScorer(orientationConfig());
  const server = createScoringServer(orientationConfig({ server: { maxBodyBytes: 1 * MB } }));
  server.setScorer(scorer);
  const port = await server.listen(0, '127.0.0.1');
  cleanups.push(() => server.close(1000));
  const body = Buffer.alloc(50 * MB, 1);
  for (let attempt = 0; attempt < 5; attempt++) {
    for (const declared of [true, false]) {
      const socket = net.connect({ port, host: '127.0.0.1' });
      let received = '';
      const outcome = new Promise((resolve) => {
        socket.on('data', (d) => (received += d.toString('latin1')));
        socket.on('error', (error) => resolve(`${error.code} after ${JSON.stringify(received.slice(0, 40))}`));
        socket.on('close', () => resolve(received));
      });
      const head = declared ? `Content-Length: ${body.length}` : 'Transfer-Encoding: chunked';
      socket.write(`POST /image HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n${head}\r\n\r\n`);
      // Written in pieces, as a client streaming a file does; writes after the server closed are simply dropped.
      for (let offset = 0; offset < body.length && !socket.destroyed; offset += 256 * 1024) {
        const piece = body.subarray(offset, offset + 256 * 1024);
        const ok = socket.write(
          declared ? piece : Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]),
          () => undefined,
        );
        if (!ok) await Promise.race([new Promise((r) => socket.once('drain', r)), outcome]);
      }
      const answer = await outcome;
      assert.is(statusOf(answer), 413, `attempt ${attempt} (${declared ? 'Content-Length' : 'chunked'}): ${answer.slice(0, 120)}`);
      socket.destroy();
    }
  }
});

test('the processing deadline answers 503 with Retry-After, for the running request and for one still waiting', async () => {
  const slow = {
    summary: { name: 'slow' },
    description: {},
    score: async () => ({}),
    scoreBatch: () =>
      new Promise((resolve) => setTimeout(() => resolve([{ predictions: [], image: { width: 1, height: 1 }, timings: {} }]), 1500)),
    close: async () => undefined,
  };
  const server = createScoringServer(
    orientationConfig({ server: { concurrency: 1, queueLimit: 4, limits: { ...limits, processingTimeoutMs: 300 } } }),
  );
  server.setScorer(slow);
  const port = await server.listen(0, '127.0.0.1');
  cleanups.push(() => server.close(3000));
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const [running, waiting] = await Promise.all([postRaw(`${url}/image`, upright), postRaw(`${url}/image`, upright)]);
  for (const res of [running, waiting]) {
    assert.is(res.status, 503);
    assert.is(res.headers.get('retry-after'), '1');
    assert.match((await res.json()).error.message, /300 ms processing deadline/);
  }
  assert.ok(performance.now() - started < 1200, 'answered at the deadline, not when the work ended');
});

test('a request not received within requestTimeoutMs gets 408 and its connection is closed', async () => {
  const scorer = await createScorer(orientationConfig());
  const server = createScoringServer(orientationConfig({ server: { limits: { ...limits, requestTimeoutMs: 1000 } } }));
  server.setScorer(scorer);
  const port = await server.listen(0, '127.0.0.1');
  cleanups.push(() => server.close(1000));
  const started = performance.now();
  const upload = stalledUpload(port, { declared: 10_000, sent: 5_000 });
  const head = await upload.answer;
  assert.is(statusOf(head), 408, head);
  const waited = performance.now() - started;
  assert.ok(waited >= 900 && waited < 3000, `answered after ${waited.toFixed(0)} ms`);
  await new Promise((resolve) => (upload.socket.destroyed ? resolve() : upload.socket.once('close', resolve)));
  assert.is((await postRaw(`http://127.0.0.1:${port}/image`, upright)).status, 200, 'the server still answers');
});

test('an upload that stalls for bodyIdleTimeoutMs gets 408 and frees its share of the byte budget', async () => {
  const scorer = await createScorer(orientationConfig());
  const server = createScoringServer(orientationConfig({ server: { limits: { ...limits, bodyIdleTimeoutMs: 500 } } }));
  server.setScorer(scorer);
  const port = await server.listen(0, '127.0.0.1');
  cleanups.push(() => server.close(1000));
  const url = `http://127.0.0.1:${port}`;
  // Five 900 KB uploads stall: four hold the 4 MiB budget, the fifth is refused at once.
  const stalled = Array.from({ length: 5 }, () => stalledUpload(port, { declared: 900_000, sent: 1_000 }));
  const chunked = stalledUpload(port, { chunked: true, sent: 1_000 });
  const heads = await Promise.all([...stalled, chunked].map((s) => s.answer));
  const statuses = heads.map(statusOf).sort();
  assert.equal(statuses, [408, 408, 408, 408, 408, 503], heads.map((h) => h.split('\r\n')[0]).join(', '));
  assert.match(
    heads.find((h) => statusOf(h) === 408),
    /No request body bytes arrived for 500 ms/,
  );
  // The budget is free again: a large good request is read and scored.
  assert.is((await postRaw(`${url}/image`, Buffer.concat([upright, Buffer.alloc(800_000)]))).status, 200);
});

test.run();
