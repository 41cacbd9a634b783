// The committed golden outputs describe today's platforms: every generated Dockerfile builds on a Node.js release
// line that is still supported (Node 20 reached its end of life on 2026-04-30 and its images are gone), arm32v7 on
// Node 22 (the last line that publishes arm32v7 images), and nothing describes the retired managed IoT Edge on Azure
// Stack Edge ("Configure compute > IoT Edge", retired 2024-03-31).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_IMAGES, NODE_LINE_ENDS } from '../../dist/render/docker/variants.js';
import { DEFAULT_RUNTIME, RUNTIME_SUPPORT_ENDS } from '../../dist/ir/platform-support.js';

const generated = fileURLToPath(new URL('../../generated', import.meta.url));
// The day this was last reviewed: the lines in NODE_LINE_ENDS must outlive it (nodejs/docker-node versions.json).
const REVIEWED = '2026-12-07';

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}
const dockerfiles = (dir) => files(dir).filter((f) => /\/Dockerfile\.[^/]+$/.test(f));

test('no generated Dockerfile uses an end-of-life Node image', () => {
  const files = dockerfiles(generated);
  assert.ok(files.length >= 10, `found ${files.length} Dockerfiles`);
  for (const file of files) {
    for (const [, image] of readFileSync(file, 'utf8').matchAll(/^FROM (\S+)/gm)) {
      const node = /(?:^|\/)node:(\d+)\.\d+\.\d+-/.exec(image);
      if (!node) continue;
      const ends = NODE_LINE_ENDS[node[1]];
      assert.ok(ends, `${file}: ${image} is on Node ${node[1]}, which is not a supported line (${Object.keys(NODE_LINE_ENDS).join(', ')})`);
      assert.ok(ends >= REVIEWED, `${file}: Node ${node[1]} ended on ${ends}`);
    }
  }
});

test('arm32v7 uses Node 22 (the last line with arm32v7 images); the others the newer LTS', () => {
  assert.match(BASE_IMAGES.arm32v7.runtime, /^arm32v7\/node:22\./);
  assert.match(BASE_IMAGES.arm64v8.runtime, /^arm64v8\/node:24\./);
  assert.match(BASE_IMAGES.amd64.runtime, /^node:24\./);
});

test('the default runtime is the supported LTS, and the schema says so', () => {
  assert.is(DEFAULT_RUNTIME, '1.6');
  assert.ok(RUNTIME_SUPPORT_ENDS[DEFAULT_RUNTIME] >= REVIEWED);
  const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../../schemas/edgeml.schema.json', import.meta.url)), 'utf8'));
  const runtime = schema.properties.target.properties.runtime.description;
  assert.match(runtime, /default "1\.6"/);
  assert.not.match(runtime, /default "1\.5"/);
  assert.ok(schema.properties.target.properties.device.enum.includes('azure-stack-edge'));
});

test('no generated file describes the retired managed IoT Edge on Azure Stack Edge', () => {
  for (const file of files(generated).filter((f) => /\.(sh|md|json|example)$/.test(f))) {
    assert.not.match(readFileSync(file, 'utf8'), /Configure compute/i, file);
  }
  const wf4 = readFileSync(join(generated, 'wf4-databox-edge/scripts/02-setup-device.sh'), 'utf8');
  assert.match(wf4, /Ubuntu VM on the appliance/);
  assert.match(wf4, /apt-get install -y -q "aziot-edge=\$IOTEDGE_VERSION\.\*"/);
  assert.match(readFileSync(join(generated, 'wf4-databox-edge/scripts/lib.sh'), 'utf8'), /^IOTEDGE_VERSION='1\.6'$/m);
});

test.run();
