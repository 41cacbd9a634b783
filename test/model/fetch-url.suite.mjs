// URL model downloads against a local HTTPS server: the file lands in the cache only when its sha256 matches;
// redirects are bounded, HTTP is refused, the size limit holds, 503 and dropped connections are retried.
// Run by fetch-url.test.mjs (needs NODE_EXTRA_CA_CERTS from runTrusted).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import https from 'node:https';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTestCertificate } from '../fixtures/azure/tls.mjs';
import { fetchUrlModel, ModelFetchError } from '../../dist/model/fetch-url.js';
import { specModelCacheLocation } from '../../dist/model/cache.js';
import { rejects } from '../helpers/rejects.mjs';

const tls = loadTestCertificate();
const model = readFileSync(new URL('../../specs/models/text-orientation/model.onnx', import.meta.url));
const sha = createHash('sha256').update(model).digest('hex');
const dir = mkdtempSync(join(tmpdir(), 'edgeml-url-'));
const hits = [];
const faults = []; // 'unavailable' | 'drop' | 'truncate', used in order

const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
  const url = new URL(req.url, 'https://x');
  hits.push(url.pathname + url.search);
  const fault = url.pathname === '/model.onnx' ? faults.shift() : undefined;
  if (fault === 'drop') return req.socket.destroy();
  if (fault === 'unavailable') return res.writeHead(503, { 'retry-after': '0' }).end('busy');
  if (url.pathname === '/model.onnx') {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': model.length });
    if (fault === 'truncate') return res.write(model.subarray(0, 1000), () => req.socket.destroy());
    return res.end(model);
  }
  const hop = /^\/hop\/(\d+)$/.exec(url.pathname);
  if (hop) return res.writeHead(302, { location: Number(hop[1]) > 0 ? `/hop/${Number(hop[1]) - 1}` : '/model.onnx' }).end();
  if (url.pathname === '/to-http') return res.writeHead(302, { location: `http://127.0.0.1:${port}/model.onnx` }).end();
  res.writeHead(404).end('not found');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;
const base = `https://127.0.0.1:${port}`;
const fast = { retry: { baseDelayMs: 1, maxDelayMs: 5 } };
let n = 0;
const location = () =>
  specModelCacheLocation(
    { model: { source: { kind: 'url', url: base, sha256: sha, file: 'model.onnx' } }, azure: {} },
    join(dir, `root${++n}`),
  );

const onlyModel = (loc) => assert.equal(readdirSync(loc.dir).sort(), ['.edgeml-model.json', 'model.onnx']);

test('a good sha256: the model is cached with its record', async () => {
  const loc = location();
  const record = await fetchUrlModel(`${base}/model.onnx?sig=secret-token`, sha.toUpperCase(), loc, fast);
  assert.is(record.sha256, sha);
  assert.is(record.sizeBytes, model.length);
  assert.is(record.origin, `${base}/model.onnx`, 'no query string in the record');
  assert.is(createHash('sha256').update(readFileSync(loc.file)).digest('hex'), sha);
  onlyModel(loc);
});

test('a bad sha256: clear error naming both hashes, nothing cached, no temp file left', async () => {
  const loc = location();
  const wrong = 'ab'.repeat(32);
  const error = await rejects(fetchUrlModel(`${base}/model.onnx?sig=secret-token`, wrong, loc, fast));
  assert.instance(error, ModelFetchError);
  assert.is(error.kind, 'hash-mismatch');
  assert.ok(error.message.includes(wrong) && error.message.includes(sha));
  assert.not.match(error.message, /secret-token/);
  assert.equal(existsSync(loc.dir) ? readdirSync(loc.dir) : [], []);
});

test('redirects are followed up to the limit, never to plain HTTP', async () => {
  assert.is((await fetchUrlModel(`${base}/hop/3`, sha, location(), fast)).sha256, sha);
  const tooMany = await rejects(fetchUrlModel(`${base}/hop/9`, sha, location(), { ...fast, maxRedirects: 5 }));
  assert.is(tooMany.kind, 'redirects');
  const downgrade = await rejects(fetchUrlModel(`${base}/to-http`, sha, location(), fast));
  assert.is(downgrade.kind, 'not-https');
  const plain = await rejects(fetchUrlModel(`http://127.0.0.1:${port}/model.onnx`, sha, location(), fast));
  assert.is(plain.kind, 'not-https');
});

test('the size limit stops the download', async () => {
  const error = await rejects(fetchUrlModel(`${base}/model.onnx`, sha, location(), { ...fast, maxBytes: 1000 }));
  assert.is(error.kind, 'too-large');
});

test('503, a dropped connection and a body that breaks off are retried; 404 is not', async () => {
  faults.push('unavailable', 'drop', 'truncate');
  hits.length = 0;
  const loc = location();
  assert.is((await fetchUrlModel(`${base}/model.onnx`, sha, loc, fast)).sha256, sha);
  assert.is(hits.length, 4);
  onlyModel(loc);
  hits.length = 0;
  const missing = await rejects(fetchUrlModel(`${base}/nothing.onnx`, sha, location(), fast));
  assert.is(missing.kind, 'http');
  assert.is(missing.details.status, 404);
  assert.is(hits.length, 1);
});

test.after(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});
test.run();
