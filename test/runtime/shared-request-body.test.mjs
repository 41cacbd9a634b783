// Request body reading (runtime/shared/request-body): a body with Content-Length arrives in one buffer that owns its
// whole ArrayBuffer (so a worker can take it over without a copy), a chunked body is joined, and both stop at the limit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import { readBody } from '../../dist/runtime/shared/request-body.js';

/** A server that reads each body with readBody and answers what it got. */
async function bodyServer(limit) {
  const received = [];
  const server = createServer((req, res) => {
    // readBody throws at once for a declared length over the limit, as the server's async handlers see it.
    Promise.resolve()
      .then(() => readBody(req, limit))
      .then(
        (body) => {
          received.push(body);
          res.end('ok');
        },
        (error) => {
          res.statusCode = error.status;
          res.end(error.message);
          req.resume();
        },
      );
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

const bytes = (n) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31) % 256));
const chunkedBody = (parts) =>
  new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });

test('a Content-Length body arrives whole, in a buffer that owns its ArrayBuffer', async () => {
  const s = await bodyServer(1_000_000);
  for (const size of [1, 100, 200_000]) {
    const sent = bytes(size);
    const res = await fetch(s.url, { method: 'POST', body: sent });
    assert.is(res.status, 200);
    const got = s.received.at(-1);
    assert.ok(got.equals(sent), `size ${size}`);
    assert.equal([got.byteOffset, got.buffer.byteLength], [0, size], `size ${size}: not a slice of a shared pool`);
  }
  await s.close();
});

test('a chunked body (no Content-Length) is joined; an empty body is empty', async () => {
  const s = await bodyServer(1_000_000);
  const parts = [bytes(10), bytes(70_000), bytes(3)];
  const res = await fetch(s.url, { method: 'POST', body: chunkedBody(parts), duplex: 'half' });
  assert.is(res.status, 200);
  assert.ok(s.received.at(-1).equals(Buffer.concat(parts)));
  assert.is((await fetch(s.url, { method: 'POST', body: new Uint8Array(0) })).status, 200);
  assert.is(s.received.at(-1).length, 0);
  await s.close();
});

test('bodies over the limit get 413 with or without Content-Length', async () => {
  const s = await bodyServer(50_000);
  const declared = await fetch(s.url, { method: 'POST', body: bytes(60_000) });
  assert.is(declared.status, 413);
  assert.match(await declared.text(), /50000-byte limit/);
  const chunked = await fetch(s.url, { method: 'POST', body: chunkedBody([bytes(30_000), bytes(30_000)]), duplex: 'half' });
  assert.is(chunked.status, 413);
  assert.is(s.received.length, 0);
  await s.close();
});

test.run();
