// Custom Vision's /url: off by default; when on, it fetches only from allow-listed hosts over http(s), refuses
// loopback/private/link-local addresses unless the allow list names them, checks the address it connects to (not the
// name) and every redirect, and bounds size, time and hops. The image server is a local one on 127.0.0.1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createScoringServer } from '../../dist/runtime/scoring/server.js';
import { createScorer } from '../../dist/runtime/scoring/scorer.js';
import { createUrlFetcher, isPublicAddress, allowEntryProblem } from '../../dist/runtime/scoring/url-fetch.js';
import { validateScoringConfig } from '../../dist/runtime/scoring/config.js';
import { orientationConfig, FIXTURE_IMAGES } from '../helpers/onnx-configs.mjs';
import { loadText, editSpec } from '../helpers/spec-fixtures.mjs';
import { createScoringConfig } from '../../dist/model/scoring-config.js';

const rotated = readFileSync(FIXTURE_IMAGES + 'text-rotated.jpg');
const cleanups = [];
let images; // the local image server
let requestsSeen = 0;

test.before(async () => {
  images = createServer((req, res) => {
    requestsSeen++;
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/text.jpg') return res.writeHead(200, { 'content-type': 'image/jpeg' }).end(rotated);
    if (url.pathname === '/redirect') return res.writeHead(302, { location: url.searchParams.get('to') }).end();
    if (url.pathname === '/loop') return res.writeHead(302, { location: '/loop' }).end();
    if (url.pathname === '/big') return res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.alloc(300_000));
    if (url.pathname === '/big-chunked') {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      for (let i = 0; i < 30; i++) res.write(Buffer.alloc(10_000));
      return res.end();
    }
    if (url.pathname === '/stall') return; // never answers
    res.writeHead(404).end();
  });
  await new Promise((r) => images.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise((r) => {
        images.closeAllConnections();
        images.close(r);
      }),
  );
});
test.after(async () => {
  for (const c of cleanups.reverse()) await c();
});

const imageUrl = (path) => `http://127.0.0.1:${images.address().port}${path}`;
const limits = { maxBytes: 100_000, timeoutMs: 1500, maxRedirects: 2 };

async function startWith(urlFetch) {
  const config = orientationConfig({ server: urlFetch ? { urlFetch } : {} });
  validateScoringConfig({ ...config, server: { ...config.server, port: 8080 } }); // the config a module would read
  const server = createScoringServer(config);
  server.setScorer(await createScorer(config));
  const port = await server.listen(0, '127.0.0.1');
  cleanups.push(() => server.close(1000));
  return `http://127.0.0.1:${port}`;
}

const postUrl = (base, url, path = '/url') =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url }) });

async function expectRefused(res, status, pattern) {
  const text = await res.text();
  assert.is(res.status, status, text);
  assert.match(JSON.parse(text).error.message, pattern);
}

test('off by default: 403 naming the setting, and nothing is fetched', async () => {
  const base = await startWith(undefined);
  const before = requestsSeen;
  await expectRefused(await postUrl(base, imageUrl('/text.jpg')), 403, /urlFetch\.allow/);
  assert.is(requestsSeen, before, 'the local server saw no request');
});

test('a listed loopback address is fetched and scored, on every Custom Vision /url route', async () => {
  const base = await startWith({ allow: ['127.0.0.1'], ...limits });
  for (const path of [
    '/url',
    '/proj/url',
    '/proj/url/nostore',
    '/proj/classify/iterations/It1/url',
    '/proj/detect/iterations/It1/url/nostore',
  ]) {
    const res = await postUrl(base, imageUrl('/text.jpg'), path);
    assert.is(res.status, 200, path);
    assert.is((await res.json()).predictions[0].tagName, '180', path);
  }
  // The cloud service spells the key "Url".
  const res = await fetch(`${base}/url`, { method: 'POST', body: JSON.stringify({ Url: imageUrl('/text.jpg') }) });
  assert.is(res.status, 200);
});

test('loopback is refused unless listed: not by a listed name that resolves to it, not under another host', async () => {
  const before = requestsSeen;
  const byName = await startWith({ allow: ['localhost'], ...limits });
  await expectRefused(await postUrl(byName, `http://localhost:${images.address().port}/text.jpg`), 403, /loopback, private or link-local/);
  const other = await startWith({ allow: ['images.example.com'], ...limits });
  await expectRefused(await postUrl(other, imageUrl('/text.jpg')), 403, /not on the .*allow list/);
  const range = await startWith({ allow: ['10.0.0.0/8'], ...limits });
  await expectRefused(await postUrl(range, imageUrl('/text.jpg')), 403, /allow list/);
  assert.is(requestsSeen, before, 'no request reached the local server');
  // A listed range that holds the address lets it through.
  const listedRange = await startWith({ allow: ['127.0.0.0/8'], ...limits });
  assert.is((await postUrl(listedRange, imageUrl('/text.jpg'))).status, 200);
});

test('schemes other than http(s), credentials and non-JSON bodies are refused with 400', async () => {
  const base = await startWith({ allow: ['127.0.0.1'], ...limits });
  await expectRefused(await postUrl(base, 'file:///etc/passwd'), 400, /http and https/);
  await expectRefused(await postUrl(base, `http://user:pw@127.0.0.1:${images.address().port}/text.jpg`), 400, /credentials/);
  await expectRefused(await fetch(`${base}/url`, { method: 'POST', body: 'not json' }), 400, /not JSON/);
  await expectRefused(await fetch(`${base}/url`, { method: 'POST', body: '{"link": "x"}' }), 400, /"url"/);
});

test('each redirect is checked again; hops, size and time are bounded', async () => {
  const base = await startWith({ allow: ['127.0.0.1'], ...limits });
  // A redirect to an allowed place is followed.
  assert.is((await postUrl(base, imageUrl(`/redirect?to=${encodeURIComponent(imageUrl('/text.jpg'))}`))).status, 200);
  // A redirect to a name that resolves to loopback (not listed), or to the cloud metadata address, is refused.
  await expectRefused(
    await postUrl(base, imageUrl(`/redirect?to=${encodeURIComponent(`http://localhost:${images.address().port}/text.jpg`)}`)),
    403,
    /allow list/,
  );
  await expectRefused(
    await postUrl(base, imageUrl(`/redirect?to=${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}`)),
    403,
    /allow list/,
  );
  await expectRefused(await postUrl(base, imageUrl(`/redirect?to=${encodeURIComponent('file:///etc/passwd')}`)), 400, /http and https/);
  await expectRefused(await postUrl(base, imageUrl('/loop')), 502, /redirects more than 2/);
  await expectRefused(await postUrl(base, imageUrl('/big')), 413, /100000-byte limit/);
  await expectRefused(await postUrl(base, imageUrl('/big-chunked')), 413, /100000-byte limit/);
  await expectRefused(await postUrl(base, imageUrl('/missing')), 502, /HTTP 404/);
  const started = Date.now();
  await expectRefused(await postUrl(base, imageUrl('/stall')), 504, /within 1500 ms/);
  assert.ok(Date.now() - started < 5000, 'the time limit holds');
});

test('the address connected to is the checked one: a listed name resolving to loopback is refused unless the address is listed', async () => {
  const resolveToLoopback = async () => [{ address: '127.0.0.1', family: 4 }];
  const url = `http://camera.test:${images.address().port}/text.jpg`;
  const refused = createUrlFetcher({ allow: ['camera.test'], ...limits }, resolveToLoopback);
  const error = await refused.fetch(url).then(
    () => undefined,
    (e) => e,
  );
  assert.is(error?.status, 403);
  const allowed = createUrlFetcher({ allow: ['camera.test', '127.0.0.1'], ...limits }, resolveToLoopback);
  assert.equal(await allowed.fetch(url), rotated);
  // A name resolving to a loopback address first and a public one second connects only to the public one (here
  // unreachable: 502/504); had the loopback address been used, the local server would have answered 200.
  const before = requestsSeen;
  const mixed = createUrlFetcher({ allow: ['*.example.test'], ...limits, timeoutMs: 500 }, async () => [
    { address: '127.0.0.1', family: 4 },
    { address: '20.0.0.1', family: 4 },
  ]);
  const mixedError = await mixed.fetch(`http://cam.example.test:${images.address().port}/text.jpg`).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(mixedError && [502, 504].includes(mixedError.status), String(mixedError?.message));
  assert.is(requestsSeen, before, 'the loopback server saw nothing');
});

test('address classes and allow entries', () => {
  for (const a of [
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
  ]) {
    assert.not.ok(isPublicAddress(a), a);
  }
  for (const a of ['8.8.8.8', '20.50.1.1', '2606:4700::1111']) assert.ok(isPublicAddress(a), a);
  for (const ok of ['images.example.com', '*.example.com', '10.0.0.5', '192.168.0.0/16', 'fd00::/8'])
    assert.is(allowEntryProblem(ok), undefined, ok);
  for (const bad of ['http://x', '10.0.0.0/33', 'a b', '*']) assert.ok(allowEntryProblem(bad), bad);
  assert.throws(
    () => validateScoringConfig(orientationConfig({ server: { port: 8080, urlFetch: { allow: ['http://x'], ...limits } } })),
    /urlFetch\.allow\[0\]/,
  );
});

test('spec urlFetch → module config: allow list, size (default maxBodySize), time and hops; a bad entry is a schema error', async () => {
  const spec = (fetchYaml) =>
    editSpec([
      '    type: scoring\n    port: 8080\n',
      `    type: scoring\n    port: 8080\n    maxBodySize: 2MB\n    urlFetch: ${fetchYaml}\n`,
    ]);
  const { ir, diagnostics } = await loadText(spec('{ allow: [camera.local, 192.168.1.0/24], timeoutSeconds: 2.5 }'));
  assert.equal(
    diagnostics.filter((d) => d.category === 'error'),
    [],
  );
  const module = ir.modules.find((m) => m.name === 'scorer');
  const config = createScoringConfig(ir, module);
  assert.equal(config.server.urlFetch, {
    allow: ['camera.local', '192.168.1.0/24'],
    maxBytes: 2 * 1024 * 1024,
    timeoutMs: 2500,
    maxRedirects: 3,
  });
  validateScoringConfig(config);
  const second = (await loadText(spec('{ allow: [a.example.com], maxSize: 1MB, maxRedirects: 0 }'))).ir;
  const defaults = createScoringConfig(
    second,
    second.modules.find((m) => m.name === 'scorer'),
  );
  assert.equal(defaults.server.urlFetch, { allow: ['a.example.com'], maxBytes: 1024 * 1024, timeoutMs: 10_000, maxRedirects: 0 });
  const bad = await loadText(spec('{ allow: ["http://camera/x"] }'));
  assert.ok(
    bad.diagnostics.some((d) => d.category === 'error' && d.code === 'EML2005' && /urlFetch\.allow\[0\]/.test(d.message)),
    JSON.stringify(bad.diagnostics),
  );
});

test.run();
