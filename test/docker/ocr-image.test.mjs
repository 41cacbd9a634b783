// Real Docker build of the OCR example's scoring image (CI, needs .ci/docker-setup.sh): compile specs/ocr.yaml for
// amd64, `docker build` its scoring module (three models and the cascade config), run it and read the upside-down
// sample page over HTTP (POST /image, as the capture module does). Without an engine: skipped, with the reason.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gradeOcr } from '../helpers/ocr-cascade.mjs';
import { testUnless, whyMissing } from '../helpers/requires.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sh = (cmd, args, options = {}) => spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
const why = (result) =>
  (result.error?.message ?? (result.stderr || result.stdout || '').trim().split('\n').pop() ?? 'unknown error').slice(0, 300);

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

const NAME = 'docker build and run of the OCR scoring image: the cascade reads the upside-down page in the container';
const reason = whyMissing('docker');
if (reason) {
  testUnless(test, reason)(NAME, () => {});
} else {
  const cleanups = [];
  test(NAME, async () => {
    const out = mkdtempSync(join(tmpdir(), 'edgeml-docker-ocr-'));
    cleanups.push(() => rmSync(out, { recursive: true, force: true }));
    const compiled = sh(
      process.execPath,
      [
        'bin/edgeml.js',
        'compile',
        'specs/ocr.yaml',
        '--out',
        out,
        '--set',
        'target.platform=amd64',
        '--set',
        'target.device=ubuntu-vm',
        '--set',
        'target.os=ubuntu-24.04',
      ],
      {
        cwd: root,
        env: { ...process.env, REGISTRY_ADDRESS: 'localhost:5000', NO_COLOR: '1' },
        timeout: 120_000,
      },
    );
    assert.is(compiled.status, 0, compiled.stdout + compiled.stderr);
    const image = `edgeml-ocr-test:${process.pid}`;
    // --network host: this engine runs without a bridge network, and npm must reach the registry.
    const build = sh(
      'docker',
      [
        'build',
        '--network',
        'host',
        '--platform',
        'linux/amd64',
        '--file',
        join(out, 'modules/ocr/Dockerfile.amd64'),
        '--tag',
        image,
        join(out, 'modules/ocr'),
      ],
      { timeout: 15 * 60_000 },
    );
    cleanups.push(() => sh('docker', ['rmi', '--force', image]));
    assert.is(build.status, 0, `docker build failed:\n${(build.stdout + build.stderr).split('\n').slice(-30).join('\n')}`);

    const port = await freePort();
    const name = `edgeml-ocr-test-${process.pid}`;
    const run = sh('docker', [
      'run',
      '--detach',
      '--name',
      name,
      '--network',
      'host',
      '--env',
      `EDGEML_PORT=${port}`,
      '--env',
      'EDGEML_HOST=127.0.0.1',
      image,
    ]);
    assert.is(run.status, 0, why(run));
    cleanups.push(() => sh('docker', ['rm', '--force', name]));
    const deadline = Date.now() + 180_000;
    let health;
    while (Date.now() < deadline) {
      health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      if (health?.ok) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(health?.ok, `the container's /healthz answers 200; logs:\n${sh('docker', ['logs', name]).stdout}`);
    const body = readFileSync(join(root, 'specs/samples/ocr/scanned-upside-down.png'));
    const answer = await (
      await fetch(`http://127.0.0.1:${port}/image`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body,
        signal: AbortSignal.timeout(180_000),
      })
    ).json();
    const read = answer.predictions.map((p) => ({
      text: p.stages?.text?.predictions[0]?.text ?? '',
      turned: p.stages?.orientation?.rotated,
    }));
    const { pairs, accuracy } = gradeOcr('scanned-upside-down.png', read);
    assert.is(read.length, 2, JSON.stringify(read));
    assert.ok(
      pairs.every((p) => p.turned === 180),
      JSON.stringify(pairs),
    );
    assert.ok(accuracy >= 0.95, JSON.stringify(pairs));
  });
  test.after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
}

test.run();
