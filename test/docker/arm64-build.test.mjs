// The Raspberry Pi images of the runnable example, proven under emulation (CI, after .ci/docker-setup.sh, which runs
// .ci/arm64-setup.sh: qemu-user-static + binfmt-support and an offline linux/arm64 stand-in of the Node base image).
// Compiles specs/text-orientation.yaml as written (arm64v8, Raspberry Pi OS 12), builds its scoring and capture
// images for linux/arm64 from the generated Dockerfile.arm64v8, checks they are arm64 images running an arm64 Node,
// then runs the scoring image and scores the upside-down sample through the Custom Vision route.
// Without an engine or emulation: NOTICE with the reason, and the tests count as skipped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_IMAGES } from '../../dist/render/docker/variants.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const STATE_DIR = process.env.EDGEML_CI_STATE ?? '/var/lib/edgeml-ci';
const BASE = BASE_IMAGES.arm64v8.runtime;
const TAG = `edgeml-arm64-test-${process.pid}`;

const sh = (cmd, args, options = {}) => spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
const why = (result) =>
  (result.error?.message ?? (result.stderr || result.stdout || '').trim().split('\n').pop() ?? 'unknown error').slice(0, 300);

/** Why linux/arm64 images cannot be built and run here, or undefined when they can. */
function unavailable() {
  const info = sh('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 30_000 });
  if (info.status !== 0) return `docker engine unavailable: ${why(info)}`;
  const recorded = join(STATE_DIR, 'arm64-unavailable');
  if (existsSync(recorded)) return `linux/arm64 emulation unavailable: ${readFileSync(recorded, 'utf8').trim()}`;
  if (!existsSync('/proc/sys/fs/binfmt_misc/qemu-aarch64'))
    return 'qemu-aarch64 is not registered with binfmt_misc (run .ci/arm64-setup.sh as root)';
  const arch = sh('docker', ['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', BASE]);
  if (arch.status !== 0) return `base image ${BASE} is not on this engine (run .ci/arm64-setup.sh)`;
  if (arch.stdout.trim() !== 'linux/arm64') return `base image ${BASE} is ${arch.stdout.trim()}, not linux/arm64`;
  return undefined;
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

const reason = unavailable();
if (reason) {
  console.log(`NOTICE: ${reason}`);
  test.skip('the text-orientation scoring and capture images build for linux/arm64', () => {});
  test.skip('the arm64 scoring image scores the upside-down sample under emulation', () => {});
} else {
  const out = mkdtempSync(join(tmpdir(), 'edgeml-arm64-'));
  const images = [];
  const containers = [];

  test('the text-orientation scoring and capture images build for linux/arm64', () => {
    const compiled = sh(process.execPath, ['bin/edgeml.js', 'compile', 'specs/text-orientation.yaml', '--out', out], {
      cwd: root,
      env: { ...process.env, REGISTRY_ADDRESS: 'registry.example.com', NO_COLOR: '1' },
      timeout: 120_000,
    });
    assert.is(compiled.status, 0, compiled.stdout + compiled.stderr);
    for (const module of ['orientation', 'scanner']) {
      const context = join(out, 'modules', module);
      assert.match(readFileSync(join(context, 'Dockerfile.arm64v8'), 'utf8'), new RegExp(`^FROM ${BASE.replace(/[.]/g, '\\.')}$`, 'm'));
      const image = `${TAG}-${module}`;
      // --network host: this engine has no bridge network, and npm must reach the registry during the build stage.
      const build = sh(
        'docker',
        ['build', '--network', 'host', '--platform', 'linux/arm64', '--file', join(context, 'Dockerfile.arm64v8'), '--tag', image, context],
        { timeout: 25 * 60_000 },
      );
      images.push(image);
      assert.is(
        build.status,
        0,
        `docker build of ${module} for linux/arm64 failed:\n${(build.stdout + build.stderr).split('\n').slice(-30).join('\n')}`,
      );
      assert.is(sh('docker', ['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', image]).stdout.trim(), 'linux/arm64');
      const arch = sh('docker', ['run', '--rm', '--platform', 'linux/arm64', '--network', 'host', image, 'node', '-p', 'process.arch'], {
        timeout: 120_000,
      });
      assert.is(arch.stdout.trim(), 'arm64', `node in the ${module} image runs as arm64: ${why(arch)}`);
    }
  });

  test('the arm64 scoring image scores the upside-down sample under emulation', async () => {
    const image = `${TAG}-orientation`;
    const port = await freePort();
    const name = `${TAG}-run`;
    const run = sh('docker', [
      'run',
      '--detach',
      '--name',
      name,
      '--platform',
      'linux/arm64',
      '--network',
      'host',
      '--env',
      `EDGEML_PORT=${port}`,
      image,
    ]);
    assert.is(run.status, 0, why(run));
    containers.push(name);
    // Emulation is 10-20x slower than the device: give loading the model minutes, not seconds.
    const deadline = Date.now() + 300_000;
    let health;
    while (Date.now() < deadline) {
      health = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
      if (health?.ok) break;
      if (sh('docker', ['inspect', '--format', '{{.State.Running}}', name]).stdout.trim() !== 'true') break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    assert.ok(
      health?.ok,
      `the arm64 container's /healthz answers 200 within 300 s; logs:\n${sh('docker', ['logs', name]).stdout}${sh('docker', ['logs', name]).stderr}`,
    );
    const body = readFileSync(join(root, 'specs/samples/text/text-rotated.jpg'));
    const response = await fetch(`http://127.0.0.1:${port}/image`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body,
      signal: AbortSignal.timeout(120_000),
    });
    assert.is(response.status, 200, await response.clone().text());
    const best = [...(await response.json()).predictions].sort((a, b) => b.probability - a.probability)[0];
    assert.is(best.tagName, '180', 'the upside-down sample is recognised as rotated by 180 degrees');
    assert.ok(best.probability >= 0.8, `probability ${best.probability}`);
  });

  test.after(() => {
    for (const name of containers) sh('docker', ['rm', '--force', name]);
    // --no-prune keeps the untagged build layers as the builder's cache: the next CI run on this machine skips the
    // emulated npm install (minutes) unless package.json changed.
    for (const image of images) sh('docker', ['rmi', '--force', '--no-prune', image]);
    rmSync(out, { recursive: true, force: true });
  });
}

test.run();
