// .ci/docker-setup.sh: lint-clean, and the base image it builds is the one the generated Dockerfiles name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BASE_IMAGES, NODE_IMAGE_VERSION } from '../../dist/render/docker/variants.js';

const script = fileURLToPath(new URL('../../.ci/docker-setup.sh', import.meta.url));

test('passes bash -n and shellcheck', () => {
  assert.is(spawnSync('bash', ['-n', script]).status, 0);
  if (spawnSync('shellcheck', ['--version']).status !== 0) {
    console.log('NOTICE: shellcheck is not installed; skipping the lint of .ci/docker-setup.sh');
    return;
  }
  const result = spawnSync('shellcheck', ['--severity=style', script], { encoding: 'utf8' });
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

test.run();
