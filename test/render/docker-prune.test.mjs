// Lean images (render/docker/native-binaries): each Dockerfile's build stage keeps only its platform's native
// binaries of onnxruntime-node and sharp, proves they still load, and the README states the measured size only for
// the package versions it was measured with. (test/docker/build.test.mjs builds, runs and measures the real image.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderBuildContexts } from '../../dist/render/docker/index.js';
import { renderReadme } from '../../dist/render/readme/index.js';
import { makeAssets, makeContext, makeIR } from '../helpers/ir-fixtures.mjs';

const text = (file) => (typeof file.content === 'string' ? file.content : new TextDecoder().decode(file.content));
const dockerfiles = (ctx) =>
  new Map(
    renderBuildContexts(ctx)
      .filter((f) => /Dockerfile\./.test(f.path))
      .map((f) => [f.path, text(f)]),
  );

test('each scoring variant keeps its own CPU only, and loads both packages after the prune, in the build stage', () => {
  const ir = makeIR({ target: { platform: 'amd64', accelerator: 'nvidia-gpu', device: 'ubuntu-vm', os: 'ubuntu-22.04', runtime: '1.5' } });
  const files = dockerfiles(makeContext(ir));
  const expected = { amd64: 'x64', arm64v8: 'arm64', 'amd64-cuda': 'x64' };
  for (const [variant, arch] of Object.entries(expected)) {
    const dockerfile = files.get(`modules/people-detection-service/Dockerfile.${variant}`);
    assert.ok(dockerfile, variant);
    const buildStage = dockerfile.slice(0, dockerfile.indexOf('\nFROM ', dockerfile.indexOf(' AS build')));
    assert.ok(
      buildStage.includes(`! -path '*/linux/${arch}' -exec rm -rf {} +`),
      `${variant}: onnxruntime keeps linux/${arch}\n${buildStage}`,
    );
    assert.ok(
      buildStage.includes(`! -name 'sharp-linux-${arch}' ! -name 'sharp-libvips-linux-${arch}'`),
      `${variant}: sharp keeps linux-${arch}`,
    );
    assert.ok(buildStage.includes(`node -e "require('onnxruntime-node'); require('sharp')"`), `${variant}: loads both after the prune`);
    assert.ok(
      buildStage.indexOf('npm install') < buildStage.indexOf('find node_modules/onnxruntime-node'),
      `${variant}: prunes after installing`,
    );
  }
});

test('the capture image prunes sharp only (it has no onnxruntime)', () => {
  const files = dockerfiles(makeContext());
  const dockerfile = files.get('modules/image-capture-od/Dockerfile.arm32v7');
  assert.ok(dockerfile.includes(`! -name 'sharp-linux-arm' ! -name 'sharp-libvips-linux-arm'`));
  assert.not.ok(dockerfile.includes('onnxruntime-node/bin'));
  assert.ok(dockerfile.includes(`node -e "require('sharp')"`));
});

test("the README states each scoring variant's dependency size, only for the versions it was measured with", () => {
  const [readme] = renderReadme(makeContext());
  assert.match(text(readme), /\| people-detection-service \| amd64 \| 65\.7 MB \|\n\| people-detection-service \| arm64v8 \| 45\.3 MB \|/);
  const assets = makeAssets();
  assets.packageVersions.set('onnxruntime-node', '1.31.0');
  const [other] = renderReadme(makeContext(makeIR(), assets));
  assert.not.match(text(other), /Dependencies each scoring image carries/);
});

test.run();
