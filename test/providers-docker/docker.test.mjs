// Docker provider against the real engine and a local registry (the one .ci/docker-setup.sh started, else one this
// test starts on a free port): build for the target platform from an in-memory context, failed builds and pushes
// detected from the event stream, pushed digest, and an image for the wrong architecture refused before deploying.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDockerProvider, splitReference } from '../../dist/providers/docker/docker-provider.js';
import { createTar } from '../../dist/providers/docker/tar.js';
import { platformMatches, dockerPlatforms } from '../../dist/providers/docker/platform.js';
import { publishImages } from '../../dist/apply/images.js';
import { runApply } from '../../dist/apply/apply.js';
import { createProgress } from '../../dist/apply/progress.js';
import { emptyState } from '../../dist/apply/state.js';
import { SecretValue, createRequestStats } from '../../dist/providers/types.js';
import { makeContent } from '../apply/_scenario.mjs';
import { switchedOff, testUnless, whyMissing } from '../helpers/requires.mjs';

const docker = createDockerProvider();
const suffix = `${process.pid}-${Date.now().toString(36)}`;
const cleanups = [];

async function engineAvailable() {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function registryAnswers(address) {
  try {
    const response = await fetch(`http://${address}/v2/`);
    return response.status === 200;
  } catch {
    return false;
  }
}

/** The CI registry when it is there and anonymous, else a private docker-registry on a free port. */
async function findRegistry() {
  const recorded = join(process.env.EDGEML_CI_STATE ?? '/var/lib/edgeml-ci', 'registry');
  if (existsSync(recorded)) {
    const address = readFileSync(recorded, 'utf8').trim();
    if (await registryAnswers(address)) return address;
  }
  const binary = ['/usr/bin/docker-registry', '/usr/local/bin/docker-registry'].find(existsSync);
  if (!binary) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-registry-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  const child = spawn(binary, ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  cleanups.push(async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  });
  const address = `127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await registryAnswers(address)) return address;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/** A `docker save`-style archive of a one-layer linux/arm64 image tagged `tag`. */
function arm64Archive(tag) {
  const layer = createTar([{ path: 'marker', content: 'arm64\n' }]);
  const sha = (data) => createHash('sha256').update(data).digest('hex');
  const config = JSON.stringify({
    architecture: 'arm64',
    variant: 'v8',
    os: 'linux',
    config: {},
    rootfs: { type: 'layers', diff_ids: [`sha256:${sha(layer)}`] },
    history: [{ created_by: 'edgeml test' }],
  });
  const configName = `${sha(config)}.json`;
  const manifest = JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: ['layer/layer.tar'] }]);
  return createTar([
    { path: configName, content: config },
    { path: 'layer/layer.tar', content: layer },
    { path: 'manifest.json', content: manifest },
  ]);
}

const registryBinary = ['/usr/bin/docker-registry', '/usr/local/bin/docker-registry'].find(existsSync);
const securedPassword = `pw-${suffix}`;
/** The bcrypt hash of securedPassword for htpasswd (python3's crypt module), or undefined when it cannot be made. */
const securedHash = (() => {
  try {
    const hash = execFileSync(
      'python3',
      ['-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))', securedPassword],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    ).trim();
    return hash.startsWith('$2') ? hash : undefined;
  } catch {
    return undefined;
  }
})();
/** Why a registry with htpasswd auth cannot be started here, or undefined. */
const securedRegistryMissing = () =>
  !registryBinary ? 'docker-registry is not installed' : !securedHash ? "python3's crypt module cannot make a bcrypt hash" : undefined;

/** A private docker-registry with htpasswd (bcrypt) auth on a free port, or undefined when it did not answer. */
async function startSecuredRegistry() {
  const binary = registryBinary;
  const password = securedPassword;
  const hash = securedHash;
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-registry-auth-'));
  const port = await freePort();
  writeFileSync(join(dir, 'htpasswd'), `edgeml:${hash}\n`);
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: 127.0.0.1:${port}\nauth:\n  htpasswd:\n    realm: edgeml-test\n    path: ${dir}/htpasswd\n`,
  );
  const child = spawn(binary, ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  cleanups.push(async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  });
  const address = `127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    const status = await fetch(`http://${address}/v2/`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 401) return { address, password };
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

function removeImage(ref) {
  try {
    execFileSync('docker', ['image', 'rm', '-f', ref], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}

test('platform table: target names map to Docker os/architecture/variant', () => {
  assert.ok(platformMatches(dockerPlatforms.amd64, { os: 'linux', architecture: 'amd64' }));
  assert.ok(platformMatches(dockerPlatforms.arm64v8, { os: 'linux', architecture: 'arm64', variant: 'v8' }));
  assert.ok(platformMatches(dockerPlatforms.arm32v7, { os: 'linux', architecture: 'arm', variant: 'v7' }));
  assert.not.ok(platformMatches(dockerPlatforms.arm32v7, { os: 'linux', architecture: 'arm', variant: 'v6' }));
  assert.not.ok(platformMatches(dockerPlatforms.amd64, { os: 'linux', architecture: 'arm64' }));
  assert.equal(splitReference('localhost:5000/a/b:1.0'), { repository: 'localhost:5000/a/b', tag: '1.0' });
  assert.equal(splitReference('localhost:5000/a/b'), { repository: 'localhost:5000/a/b', tag: 'latest' });
});

test('tar: deterministic ustar with long paths split into prefix and name', () => {
  const long = `${'d'.repeat(120)}/file.txt`;
  const a = createTar([
    { path: 'b.txt', content: 'b' },
    { path: long, content: 'x', mode: 0o755 },
  ]);
  const b = createTar([
    { path: long, content: 'x', mode: 0o755 },
    { path: 'b.txt', content: 'b' },
  ]);
  assert.ok(a.equals(b));
  assert.is(a.length % 512, 0);
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-tar-'));
  try {
    writeFileSync(join(dir, 'x.tar'), a);
    const listing = execFileSync('tar', ['-tvf', join(dir, 'x.tar')], { encoding: 'utf8' });
    assert.match(listing, /-rwxr-xr-x .* d{120}\/file\.txt/);
    assert.match(listing, /-rw-r--r-- .* b\.txt/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const engineMissing =
  switchedOff('docker') ?? ((await engineAvailable()) ? undefined : 'no Docker engine is reachable (DOCKER_HOST or /var/run/docker.sock)');
const registry = engineMissing ? undefined : await findRegistry();
const withEngine = testUnless(test, engineMissing);
// `docker load` needs the docker command as well as an engine the provider reaches through its socket.
const withEngineAndCli = testUnless(test, engineMissing ?? whyMissing('docker'));
const withRegistry = testUnless(test, engineMissing ?? (registry ? undefined : 'no local registry (docker-registry) is available'));
const withSecuredRegistry = testUnless(test, engineMissing ?? securedRegistryMissing());

withRegistry('build from an in-memory context for amd64, check the platform, push and get the digest', async () => {
  const ref = `${registry}/edgeml-test/hello:${suffix}`;
  cleanups.push(() => removeImage(ref));
  const lines = [];
  const built = await docker.build({
    ref,
    context: [
      { path: 'Dockerfile.amd64', content: 'FROM scratch\nCOPY hello.txt /hello.txt\n' },
      { path: 'hello.txt', content: `hello ${suffix}\n` },
    ],
    dockerfile: 'Dockerfile.amd64',
    platform: 'amd64',
    onOutput: (l) => lines.push(l),
  });
  assert.match(built.imageId, /^[0-9a-f]{12,}|^sha256:/);
  assert.ok(lines.some((l) => l.includes('COPY hello.txt')));
  assert.equal(await docker.checkPlatform(ref, 'amd64'), { os: 'linux', architecture: 'amd64', variant: undefined });
  let mismatch;
  try {
    await docker.checkPlatform(ref, 'arm64v8');
  } catch (error) {
    mismatch = error;
  }
  assert.is(mismatch?.code, 'PlatformMismatch');
  const { digest } = await docker.push(ref);
  assert.match(digest, /^sha256:[0-9a-f]{64}$/);
  const { repository, tag } = splitReference(ref);
  const response = await fetch(`http://${registry}/v2/${repository.slice(registry.length + 1)}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  assert.is(response.headers.get('docker-content-digest'), digest);
});

withEngine('the platform option builds for the target: arm64v8 gives linux/arm64', async () => {
  const ref = `edgeml-test/arm64build:${suffix}`;
  cleanups.push(() => removeImage(ref));
  await docker.build({
    ref,
    context: [
      { path: 'Dockerfile', content: 'FROM scratch\nCOPY a /a\n' },
      { path: 'a', content: 'a' },
    ],
    dockerfile: 'Dockerfile',
    platform: 'arm64v8',
  });
  assert.is((await docker.checkPlatform(ref, 'arm64v8')).architecture, 'arm64');
  let mismatch;
  try {
    await docker.checkPlatform(ref, 'amd64');
  } catch (error) {
    mismatch = error;
  }
  assert.is(mismatch?.code, 'PlatformMismatch');
});

withEngine('a failed build is detected from the progress events', async () => {
  let failure;
  try {
    await docker.build({
      ref: `edgeml-test/broken:${suffix}`,
      context: [{ path: 'Dockerfile', content: 'FROM scratch\nCOPY missing.txt /x\n' }],
      dockerfile: 'Dockerfile',
      platform: 'amd64',
    });
  } catch (error) {
    failure = error;
  }
  assert.is(failure?.code, 'BuildFailed');
  assert.match(failure.message, /missing\.txt/);
});

withEngine('a failed push is detected from the progress events', async () => {
  const port = await freePort(); // nothing listens there
  const ref = `127.0.0.1:${port}/edgeml-test/nowhere:${suffix}`;
  cleanups.push(() => removeImage(ref));
  await docker.build({
    ref,
    context: [
      { path: 'Dockerfile', content: 'FROM scratch\nCOPY a /a\n' },
      { path: 'a', content: 'a' },
    ],
    dockerfile: 'Dockerfile',
    platform: 'amd64',
  });
  let failure;
  try {
    await docker.push(ref);
  } catch (error) {
    failure = error;
  }
  assert.is(failure?.code, 'PushFailed');
  assert.match(failure.message, /connect|refused|dial/i);
});

withEngineAndCli('an image built for the wrong architecture is refused before anything is deployed', async () => {
  // A one-file arm64 image loaded offline (a `docker save` archive written here: `docker import --platform`
  // is ignored by some engines); a Dockerfile FROM it cannot give an amd64 image.
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-arm64-'));
  const base = `edgeml-test/arm64only:${suffix}`;
  cleanups.push(() => {
    removeImage(base);
    rmSync(dir, { recursive: true, force: true });
  });
  writeFileSync(join(dir, 'image.tar'), arm64Archive(base));
  execFileSync('docker', ['load', '-i', join(dir, 'image.tar')], { stdio: 'ignore' });
  assert.equal((await docker.inspectPlatform(base)).architecture, 'arm64');

  const ref = `${registry ?? '127.0.0.1:1'}/edgeml-test/wrongarch:${suffix}`;
  cleanups.push(() => removeImage(ref));
  const calls = [];
  const fakeHub = new Proxy(
    { stats: createRequestStats(), hostName: 'fake' },
    {
      get: (target, name) =>
        name in target || name === 'then'
          ? target[name]
          : async (...args) => {
              calls.push(String(name));
              if (name === 'getDevice') return { deviceId: args[0], edge: true, status: 'enabled', etag: '', authentication: 'sas' };
              return undefined;
            },
    },
  );
  const fakeArm = new Proxy(
    { stats: createRequestStats() },
    {
      get: (target, name) =>
        name in target || name === 'then'
          ? target[name]
          : async (...args) => {
              calls.push(String(name));
              return { id: `/fake/${args.join('/')}`, created: false };
            },
    },
  );
  const log = [];
  const desired = {
    workflow: 'wf',
    azure: {
      resourceGroup: 'rg',
      location: 'westeurope',
      createResourceGroup: true,
      iotHub: { name: 'hub', sku: 'S1', units: 1, create: true },
      registry: { kind: 'anonymous', address: registry ?? '127.0.0.1:1' },
      deployment: { kind: 'device', deviceId: 'edge-1', create: true },
    },
    platform: 'amd64',
    content: makeContent(),
    contentHash: 'x',
    images: [
      {
        module: 'detector',
        ref,
        platform: 'amd64',
        build: {
          context: {
            kind: 'files',
            files: new Map([
              ['Dockerfile', `FROM ${base}\nCOPY extra /extra\n`],
              ['extra', 'x'],
            ]),
          },
          dockerfile: 'Dockerfile',
        },
      },
    ],
  };
  const stateDir = mkdtempSync(join(tmpdir(), 'edgeml-wrongarch-state-'));
  cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
  const outcome = await runApply({
    desired,
    providers: { arm: fakeArm, iotHub: async () => fakeHub },
    docker: async () => docker,
    statePath: join(stateDir, 'wf.json'),
    env: { DETECTOR_API_KEY: 'k', EDGEML_REGISTRY_USERNAME: 'u', EDGEML_REGISTRY_PASSWORD: 'p' },
    progress: createProgress({ write: (s) => log.push(s) }),
    stdout: { write: () => true },
    timeoutMs: 100,
    pollIntervalMs: 10,
  });
  assert.is(outcome.ok, false);
  assert.ok(['EML6202', 'EML6201'].includes(outcome.diagnostics[0].code), JSON.stringify(outcome.diagnostics));
  if (outcome.diagnostics[0].code === 'EML6201')
    console.log(`NOTICE: this engine refused the cross-platform FROM at build time: ${outcome.diagnostics[0].message.split('\n')[0]}`);
  else assert.match(outcome.diagnostics[0].message, /built for 'linux\/arm64(\/v8)?', but the target platform is 'linux\/amd64'/);
  assert.not.ok(calls.includes('applyContentOnDevice'), 'nothing was deployed');
  assert.not.ok(calls.includes('createConfiguration'));
  if (registry) {
    const { repository, tag } = splitReference(ref);
    const response = await fetch(`http://${registry}/v2/${repository.slice(registry.length + 1)}/manifests/${tag}`, { method: 'HEAD' });
    assert.is(response.status, 404, 'the refused image was not pushed');
  }
});

withSecuredRegistry(
  'push with registry credentials: refused without or with wrong ones (error from the stream, no password in it), digest with the right ones',
  async () => {
    const secured = await startSecuredRegistry();
    assert.ok(secured, 'the htpasswd registry answered 401 within 5 s');
    const ref = `${secured.address}/edgeml-test/secured:${suffix}`;
    cleanups.push(() => removeImage(ref));
    await docker.build({
      ref,
      context: [
        { path: 'Dockerfile', content: 'FROM scratch\nCOPY a /a\n' },
        { path: 'a', content: suffix },
      ],
      dockerfile: 'Dockerfile',
      platform: 'amd64',
    });
    const attempt = async (auth) => {
      try {
        return await docker.push(ref, auth);
      } catch (error) {
        return error;
      }
    };
    const anonymous = await attempt(undefined);
    assert.is(anonymous.code, 'PushFailed');
    const wrongPassword = 'wrong-Pw-77zz';
    const wrong = await attempt({ address: secured.address, username: 'edgeml', password: new SecretValue(wrongPassword) });
    assert.is(wrong.code, 'PushFailed');
    assert.match(wrong.message, /auth|unauthori[sz]ed|denied/i);
    assert.not.ok(wrong.message.includes(wrongPassword));
    const right = await attempt({ address: secured.address, username: 'edgeml', password: new SecretValue(secured.password) });
    assert.match(right.digest, /^sha256:[0-9a-f]{64}$/);
    const { manifestDigest } = await import('../../dist/providers/docker/registry-client.js');
    assert.is(
      await manifestDigest(ref, { address: secured.address, username: 'edgeml', password: new SecretValue(secured.password) }),
      right.digest,
    );
  },
);

withRegistry('publishImages skips an image whose context is unchanged since its push, and --skip-build needs a pushed image', async () => {
  const ref = `${registry}/edgeml-test/skip:${suffix}`;
  cleanups.push(() => removeImage(ref));
  const image = {
    module: 'm',
    ref,
    platform: 'amd64',
    build: {
      context: {
        kind: 'files',
        files: new Map([
          ['Dockerfile', 'FROM scratch\nCOPY a /a\n'],
          ['a', suffix],
        ]),
      },
      dockerfile: 'Dockerfile',
    },
  };
  const state = emptyState('wf');
  const log = [];
  let builds = 0;
  const counting = {
    ...docker,
    build: (r) => (builds++, docker.build(r)),
    ping: () => docker.ping(),
    checkPlatform: (...a) => docker.checkPlatform(...a),
    push: (...a) => docker.push(...a),
  };
  const options = {
    images: [image],
    state,
    docker: async () => counting,
    registryAuth: async () => undefined,
    skipBuild: false,
    progress: createProgress({ write: (s) => log.push(s) }),
    saveState: () => {},
  };
  await publishImages(options);
  assert.is(builds, 1);
  assert.match(state.images.m.digest, /^sha256:/);
  await publishImages(options);
  assert.is(builds, 1, 'unchanged context: no rebuild');
  assert.match(log.join(''), /– image m \(unchanged, sha256:/);
  // --skip-build with no record: the registry is asked (an image pushed by the build script is enough).
  const fresh = emptyState('wf');
  await publishImages({ ...options, state: fresh, skipBuild: true });
  assert.is(builds, 1);
  assert.equal(fresh.images.m, { ref, digest: state.images.m.digest, contextHash: '' });
  let refused;
  try {
    await publishImages({ ...options, images: [{ ...image, ref: `${ref}-never-pushed` }], state: emptyState('wf'), skipBuild: true });
  } catch (error) {
    refused = error;
  }
  assert.is(refused?.diagnostic?.code, 'EML6205');
});

test.after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

test.run();
