// The registry v2 client used by `apply --skip-build`: anonymous, Basic and Bearer-token (ACR / Docker Hub style)
// manifest lookups against a loopback server that plays the registry and its token service.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import { manifestDigest, parseChallenge } from '../../dist/providers/docker/registry-client.js';
import { SecretValue } from '../../dist/providers/types.js';

const digest = `sha256:${'ab'.repeat(32)}`;
const password = 'pw-Vx81Qz';

async function startRegistry(mode) {
  const seen = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/token') {
      const ok =
        req.headers.authorization === `Basic ${Buffer.from(`user:${password}`).toString('base64')}` &&
        url.searchParams.get('scope') === 'repository:wf/scorer:pull';
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(ok ? { token: 'tok-1' } : {}));
    }
    const authorized =
      mode === 'anonymous' ||
      (mode === 'basic' && req.headers.authorization === `Basic ${Buffer.from(`user:${password}`).toString('base64')}`) ||
      (mode === 'bearer' && req.headers.authorization === 'Bearer tok-1');
    if (!authorized) {
      const { port } = server.address();
      const challenge =
        mode === 'bearer'
          ? `Bearer realm="http://127.0.0.1:${port}/token",service="test",scope="repository:wf/scorer:pull"`
          : 'Basic realm="test"';
      res.writeHead(401, { 'www-authenticate': challenge });
      return res.end();
    }
    if (url.pathname === '/v2/wf/scorer/manifests/1.0') {
      res.writeHead(200, { 'docker-content-digest': digest });
      return res.end();
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { host: `127.0.0.1:${server.address().port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

const auth = (host) => ({ address: host, username: 'user', password: new SecretValue(password) });

for (const mode of ['anonymous', 'basic', 'bearer']) {
  test(`${mode}: finds the digest of an existing tag and nothing for a missing one`, async () => {
    const registry = await startRegistry(mode);
    try {
      const credentials = mode === 'anonymous' ? undefined : auth(registry.host);
      assert.is(await manifestDigest(`${registry.host}/wf/scorer:1.0`, credentials), digest);
      assert.is(await manifestDigest(`${registry.host}/wf/scorer:2.0`, credentials), undefined);
      assert.ok(registry.seen.every((r) => r.method === 'HEAD' || r.url.startsWith('/token')));
    } finally {
      await registry.close();
    }
  });
}

test('wrong credentials are an error that names no secret', async () => {
  const registry = await startRegistry('bearer');
  try {
    let failure;
    try {
      await manifestDigest(`${registry.host}/wf/scorer:1.0`, {
        address: registry.host,
        username: 'user',
        password: new SecretValue('wrong-secret-x'),
      });
    } catch (error) {
      failure = error;
    }
    assert.is(failure?.code, 'RegistryError');
    assert.not.match(failure.message, /wrong-secret-x/);
  } finally {
    await registry.close();
  }
});

test('challenge parsing', () => {
  assert.equal(parseChallenge('Bearer realm="https://a/oauth2/token",service="a.azurecr.io",scope="repository:x:pull"'), {
    scheme: 'bearer',
    params: { realm: 'https://a/oauth2/token', service: 'a.azurecr.io', scope: 'repository:x:pull' },
  });
});

test.run();
