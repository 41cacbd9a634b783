// .ci/docker-setup.sh: lint-clean, and the base image it builds is the one the generated Dockerfiles name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_IMAGES, NODE_IMAGE_VERSION } from '../../dist/render/docker/variants.js';
import { requires } from '../helpers/requires.mjs';

const script = fileURLToPath(new URL('../../.ci/docker-setup.sh', import.meta.url));

test('passes bash -n', () => {
  const result = spawnSync('bash', ['-n', script], { encoding: 'utf8' });
  assert.is(result.status, 0, result.stderr);
});

requires(test, 'shellcheck')('passes shellcheck, as does .ci/run', () => {
  const ciRun = fileURLToPath(new URL('../../.ci/run', import.meta.url));
  const result = spawnSync('shellcheck', ['--severity=style', script, ciRun], { encoding: 'utf8' });
  assert.is(result.status, 0, result.stdout + result.stderr);
});

test('.ci/arm64-setup.sh passes bash -n and shellcheck, and stands in for the arm64 base image the Dockerfiles name', () => {
  const arm64 = fileURLToPath(new URL('../../.ci/arm64-setup.sh', import.meta.url));
  assert.is(spawnSync('bash', ['-n', arm64]).status, 0);
  const text = readFileSync(arm64, 'utf8');
  assert.match(text, /NODE_IMAGE="arm64v8\/node:\$node_image_version"/);
  assert.is(BASE_IMAGES.arm64v8.runtime, `arm64v8/node:${NODE_IMAGE_VERSION}`);
  assert.match(text, /"architecture":"arm64","os":"linux"/, 'the loaded image says linux/arm64 in its config');
  if (spawnSync('shellcheck', ['--version']).status !== 0) {
    console.log('NOTICE: shellcheck is not installed; skipping the lint of .ci/arm64-setup.sh');
    return;
  }
  const result = spawnSync('shellcheck', ['--severity=style', arm64], { encoding: 'utf8' });
  assert.is(result.status, 0, result.stdout + result.stderr);
});

test('reads the Node base image version the same way the Dockerfiles get it', () => {
  const text = readFileSync(script, 'utf8');
  const sed = /node_image_version="\$\(sed -n "([^"]+)" src\/render\/docker\/variants\.ts\)"/.exec(text);
  assert.ok(sed, 'the script reads NODE_IMAGE_VERSION from variants.ts');
  const source = fileURLToPath(new URL('../../src/render/docker/variants.ts', import.meta.url));
  const result = spawnSync('sed', ['-n', sed[1].replace(/\\\\/g, '\\'), source], { encoding: 'utf8' });
  assert.is(result.stdout.trim(), NODE_IMAGE_VERSION);
  assert.is(BASE_IMAGES.amd64.runtime, `node:${NODE_IMAGE_VERSION}`);
  assert.match(text, /NODE_IMAGE="node:\$node_image_version"/);
});

requires(test, 'root')('--stop ends only the recorded processes that still run the program it started', async () => {
  const state = mkdtempSync(join(tmpdir(), 'edgeml-ci-state-'));
  // A stand-in "registry" (argv[0] docker-registry) and an unrelated process whose pid sits in dockerd.pid.
  const registry = spawn('bash', ['-c', 'exec -a docker-registry sleep 60'], { stdio: 'ignore' });
  const bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
  const exited = (child) => new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', r)));
  try {
    // Wait until bash has exec'd into the stand-in (its command line then starts with docker-registry), not a fixed time.
    const cmdline = () => (existsSync(`/proc/${registry.pid}/cmdline`) ? readFileSync(`/proc/${registry.pid}/cmdline`, 'utf8') : '');
    for (const deadline = Date.now() + 10_000; !cmdline().startsWith('docker-registry\0') && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 20));
    assert.ok(cmdline().startsWith('docker-registry\0'), 'the stand-in registry is running');
    writeFileSync(join(state, 'registry.pid'), `${registry.pid}\n`);
    writeFileSync(join(state, 'dockerd.pid'), `${bystander.pid}\n`);
    const result = spawnSync('bash', [script, '--stop'], {
      encoding: 'utf8',
      env: { ...process.env, EDGEML_CI_STATE: state, EDGEML_CI_CACHE: join(state, 'cache') },
    });
    assert.is(result.status, 0, result.stderr);
    await Promise.race([exited(registry), new Promise((r) => setTimeout(r, 5000))]);
    assert.is(registry.signalCode, 'SIGTERM', 'the recorded registry was stopped');
    assert.is(bystander.exitCode, null, 'a pid that is not dockerd is left alone');
    assert.is(bystander.signalCode, null);
    assert.not.ok(existsSync(join(state, 'registry.pid')) || existsSync(join(state, 'dockerd.pid')));
  } finally {
    registry.kill();
    bystander.kill();
    rmSync(state, { recursive: true, force: true });
  }
});

test.run();
