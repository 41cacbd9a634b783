// Build contexts and image names (render/docker): file layout, pinned packages, Dockerfile rules, content-hash tags.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  renderBuildContexts,
  resolveImages,
  checkRenderBuildContexts,
  BASE_IMAGES,
  RenderProblem,
} from '../../dist/render/docker/index.js';
import { validateScoringConfig } from '../../dist/runtime/scoring/config.js';
import { makeAssets, makeCaptureModule, makeContext, makeIR, makeScoringModule } from '../helpers/ir-fixtures.mjs';

const text = (file) => (typeof file.content === 'string' ? file.content : new TextDecoder().decode(file.content));
const byPath = (files) => new Map(files.map((f) => [f.path, f]));

test('scoring context holds Dockerfiles for amd64 and arm64v8 only, app code, config, model and labels', () => {
  const files = byPath(renderBuildContexts(makeContext()));
  const dir = 'modules/people-detection-service';
  for (const p of [
    '.dockerignore',
    'package.json',
    'config.json',
    'Dockerfile.amd64',
    'Dockerfile.arm64v8',
    'app/scoring/main.js',
    'app/shared/limiter.js',
    'model/model.onnx',
    'model/labels.txt',
  ]) {
    assert.ok(files.has(`${dir}/${p}`), `missing ${dir}/${p}`);
  }
  assert.not.ok(files.has(`${dir}/Dockerfile.arm32v7`), 'onnxruntime-node has no arm32 build');
  assert.not.ok(files.has(`${dir}/Dockerfile.amd64-cuda`), 'no CUDA image without nvidia-gpu');
  assert.not.ok(files.has(`${dir}/app/capture/main.js`), 'scoring gets no capture code');
  assert.equal([...files.get(`${dir}/model/model.onnx`).content], [8, 7, 18, 4, 116, 101, 115, 116]);
});

test('package.json pins exact versions and is an ES module', () => {
  const assets = makeAssets();
  assets.packageVersions.set('sharp', '^0.34.5');
  const files = byPath(renderBuildContexts(makeContext(makeIR(), assets)));
  const pkg = JSON.parse(text(files.get('modules/people-detection-service/package.json')));
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.dependencies, { busboy: '1.6.0', 'onnxruntime-node': '1.30.0', sharp: '0.34.5' });
  const capture = JSON.parse(text(files.get('modules/image-capture-od/package.json')));
  assert.equal(Object.keys(capture.dependencies).sort(), ['azure-iot-device', 'azure-iot-device-mqtt', 'sharp']);
});

test('scoring config.json is a valid ScoringConfig pointing at model/model.onnx', () => {
  const files = byPath(renderBuildContexts(makeContext()));
  const config = validateScoringConfig(JSON.parse(text(files.get('modules/people-detection-service/config.json'))));
  assert.is(config.model.path, 'model/model.onnx');
  assert.is(config.server.port, 80);
  assert.equal(config.labels, ['person']);
});

test('Dockerfile: pinned base from the table, multi-stage, non-root, healthcheck with node, EXPOSE, entry', () => {
  const files = byPath(renderBuildContexts(makeContext()));
  const df = text(files.get('modules/people-detection-service/Dockerfile.amd64'));
  const froms = [...df.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
  assert.equal(froms, [BASE_IMAGES.amd64.build, BASE_IMAGES.amd64.runtime]);
  assert.match(BASE_IMAGES.amd64.runtime, /^node:\d+\.\d+\.\d+-bookworm-slim$/);
  assert.match(df, /AS build/);
  assert.match(df, /npm install --omit=dev/);
  assert.match(df, /ONNXRUNTIME_NODE_INSTALL=skip/);
  assert.match(df, /COPY --from=build \/build\/node_modules/);
  assert.match(df, /^USER node$/m);
  assert.match(df, /^EXPOSE 80$/m);
  assert.match(df, /HEALTHCHECK[^\n]*\n[^\n]*"node", "-e", "fetch\('http:\/\/127\.0\.0\.1:80\/healthz'\)/);
  assert.not.match(df, /curl|wget/);
  assert.match(df, /CMD \["node", "app\/scoring\/main\.js", "\/app\/config\.json"\]/);
  assert.not.match(df, /ffmpeg/);
  const arm = text(files.get('modules/people-detection-service/Dockerfile.arm64v8'));
  assert.match(arm, /^FROM arm64v8\/node:/m);
  assert.ok(!/\{\{|\}\}/.test(df), 'no template markers left');
});

test('capture context: ffmpeg for video, arm32v7 Dockerfile, media bundled, config maps media paths', () => {
  const files = byPath(renderBuildContexts(makeContext()));
  const dir = 'modules/image-capture-od';
  assert.ok(files.has(`${dir}/Dockerfile.arm32v7`));
  assert.ok(files.has(`${dir}/media/samples/people.mp4`));
  assert.not.ok(files.has(`${dir}/model/model.onnx`));
  const df = text(files.get(`${dir}/Dockerfile.amd64`));
  assert.match(df, /apt-get install -y --no-install-recommends ffmpeg/);
  assert.match(df, /COPY media \.\/media/);
  assert.match(df, /CMD \["node", "app\/capture\/main\.js"/);
  const config = JSON.parse(text(files.get(`${dir}/config.json`)));
  assert.equal(config.source, { kind: 'video', path: 'media/samples/people.mp4' });
});

test('folder capture source needs no ffmpeg', () => {
  const capture = makeCaptureModule();
  capture.capture = { ...capture.capture, source: { kind: 'folder', path: 'samples' } };
  const ir = makeIR({ modules: [makeScoringModule(), capture] });
  const files = byPath(renderBuildContexts(makeContext(ir)));
  assert.not.match(text(files.get('modules/image-capture-od/Dockerfile.amd64')), /ffmpeg/);
  assert.ok(files.has('modules/image-capture-od/media/samples/people.jpg'));
});

test('camera capture: ffmpeg, video group for the node user, nothing bundled', () => {
  const capture = makeCaptureModule();
  capture.capture = { ...capture.capture, source: { kind: 'camera', device: '/dev/video0' } };
  const files = byPath(renderBuildContexts(makeContext(makeIR({ modules: [makeScoringModule(), capture] }))));
  const df = text(files.get('modules/image-capture-od/Dockerfile.arm64v8'));
  assert.match(df, /ffmpeg/);
  assert.match(df, /usermod --append --groups video node\nUSER node/);
  assert.not.match(df, /COPY media/);
  assert.not.ok([...files.keys()].some((p) => p.startsWith('modules/image-capture-od/media/')));
  assert.not.match(text(files.get('modules/people-detection-service/Dockerfile.amd64')), /usermod/);
});

test('nvidia-gpu adds a CUDA Dockerfile for scoring and the target image uses it', () => {
  const ir = makeIR({ target: { ...makeIR().target, accelerator: 'nvidia-gpu' } });
  const ctx = makeContext(ir);
  const files = byPath(renderBuildContexts(ctx));
  const df = text(files.get('modules/people-detection-service/Dockerfile.amd64-cuda'));
  assert.match(df, /^FROM nvidia\/cuda:[\d.]+-cudnn-runtime-ubuntu22\.04$/m);
  assert.match(df, /COPY --from=node \/usr\/local\/bin\/node/);
  assert.match(df, /ONNXRUNTIME_NODE_INSTALL=cuda12/);
  assert.not.ok(files.has('modules/image-capture-od/Dockerfile.amd64-cuda'), 'capture runs no model');
  assert.match(resolveImages(ctx).get('people-detection-service'), /-amd64-cuda$/);
  assert.match(resolveImages(ctx).get('image-capture-od'), /-amd64$/);
});

test('image names: repository from registry/name/module, tag version-hash12-variant; user-build and prebuilt', () => {
  const ir = makeIR({
    name: 'WF-Test',
    modules: [
      makeScoringModule({ name: 'Scorer', version: '2.1' }),
      makeScoringModule({
        name: 'mine',
        kind: 'container',
        scoring: undefined,
        image: {
          kind: 'user-build',
          repository: 'youracr123unique.azurecr.io/wf-test/mine',
          tag: '',
          context: 'src',
          dockerfile: 'src/Dockerfile',
          platforms: ['amd64'],
        },
      }),
      makeScoringModule({
        name: 'sensor',
        kind: 'container',
        scoring: undefined,
        image: { kind: 'prebuilt', ref: 'mcr.microsoft.com/x/y:1.5' },
      }),
    ],
  });
  const images = resolveImages(makeContext(ir));
  assert.match(images.get('Scorer'), /^youracr123unique\.azurecr\.io\/wf-test\/scorer:2\.1-[0-9a-f]{12}-amd64$/);
  assert.is(images.get('mine'), 'youracr123unique.azurecr.io/wf-test/mine:1.0-amd64');
  assert.is(images.get('sensor'), 'mcr.microsoft.com/x/y:1.5');
});

test('the tag changes when model, runtime code or config changes, and only for the affected module', () => {
  const tagOf = (ctx, m) => resolveImages(ctx).get(m);
  const base = makeContext();
  const again = makeContext();
  assert.is(tagOf(base, 'people-detection-service'), tagOf(again, 'people-detection-service'), 'deterministic');

  const newModel = makeAssets();
  newModel.files.set('models/detector/model.onnx', new Uint8Array([1, 2, 3]));
  const changed = makeContext(makeIR(), newModel);
  assert.is.not(tagOf(changed, 'people-detection-service'), tagOf(base, 'people-detection-service'));
  assert.is(tagOf(changed, 'image-capture-od'), tagOf(base, 'image-capture-od'));

  const newCode = makeAssets();
  newCode.runtime.set('shared/limiter.js', 'export const x = 1;\n');
  const both = makeContext(makeIR(), newCode);
  assert.is.not(tagOf(both, 'people-detection-service'), tagOf(base, 'people-detection-service'));
  assert.is.not(tagOf(both, 'image-capture-od'), tagOf(base, 'image-capture-od'));

  const ir = makeIR();
  ir.model.decoder = { ...ir.model.decoder, threshold: 0.3 };
  assert.is.not(tagOf(makeContext(ir), 'people-detection-service'), tagOf(base, 'people-detection-service'));
});

test('remote url model: no model bytes, a source.json that feeds the hash', () => {
  const ir = makeIR();
  ir.model.source = { kind: 'url', url: 'https://example.com/m.onnx', sha256: 'a'.repeat(64), file: 'm.onnx' };
  const files = byPath(renderBuildContexts(makeContext(ir)));
  assert.not.ok(files.has('modules/people-detection-service/model/model.onnx'));
  assert.equal(JSON.parse(text(files.get('modules/people-detection-service/model/source.json'))).sha256, 'a'.repeat(64));
  const ir2 = makeIR();
  ir2.model.source = { ...ir.model.source, sha256: 'b'.repeat(64) };
  assert.is.not(
    resolveImages(makeContext(ir)).get('people-detection-service'),
    resolveImages(makeContext(ir2)).get('people-detection-service'),
  );
});

test('container modules get no generated context', () => {
  const ir = makeIR({
    modules: [
      makeScoringModule({
        name: 'mine',
        kind: 'container',
        scoring: undefined,
        image: {
          kind: 'user-build',
          repository: 'r.example.com/a/b',
          tag: '',
          context: 'src',
          dockerfile: 'src/Dockerfile',
          platforms: ['amd64'],
        },
      }),
    ],
  });
  assert.equal(renderBuildContexts(makeContext(ir)), []);
});

test('missing inputs are reported with codes, and rendering refuses with RenderProblem', () => {
  const assets = makeAssets();
  assets.files.delete('models/detector/model.onnx');
  assets.packageVersions.delete('busboy');
  const ctx = makeContext(makeIR(), assets);
  const codes = checkRenderBuildContexts(ctx)
    .map((d) => d.id)
    .sort();
  assert.equal(codes, ['render-scripts/missingAsset', 'render-scripts/missingPackageVersion']);
  assert.throws(
    () => renderBuildContexts(ctx),
    (e) => e instanceof RenderProblem && /^EML45\d\d$/.test(e.diagnostic.code),
  );
});

test('nvidia-gpu on arm64 warns (EML4504) and deploys the CPU image', () => {
  const ir = makeIR({ target: { ...makeIR().target, platform: 'arm64v8', accelerator: 'nvidia-gpu' } });
  const ctx = makeContext(ir);
  const warnings = checkRenderBuildContexts(ctx);
  assert.equal(
    warnings.map((d) => [d.code, d.category]),
    [['EML4504', 'warning']],
  );
  assert.match(resolveImages(ctx).get('people-detection-service'), /-arm64v8$/);
});

test('scoring on arm32v7 is refused (EML4503)', () => {
  const ir = makeIR({ target: { ...makeIR().target, platform: 'arm32v7', os: 'debian-12', device: 'raspberry-pi' } });
  const ids = checkRenderBuildContexts(makeContext(ir)).map((d) => d.code);
  assert.ok(ids.includes('EML4503'));
  assert.not.ok(resolveImages(makeContext(ir)).has('people-detection-service'));
  assert.match(resolveImages(makeContext(ir)).get('image-capture-od'), /-arm32v7$/);
});

test('rendering is byte-stable and paths are relative', () => {
  const a = renderBuildContexts(makeContext());
  const b = renderBuildContexts(makeContext());
  assert.equal(
    a.map((f) => f.path),
    b.map((f) => f.path),
  );
  assert.equal(a.map(text), b.map(text));
  for (const f of a) assert.ok(!f.path.startsWith('/') && !f.path.split('/').includes('..'), f.path);
});

test.run();
