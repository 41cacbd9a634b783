// `edgeml apply` end to end with a real image: a spec with a generated scoring module is rendered as compile does,
// its image built by the Docker provider on the real engine, checked for the target platform, pushed to the local
// registry and deployed to the Azure fixtures; a second apply rebuilds nothing and writes nothing.
// Run through images-e2e.test.mjs (trusted fixture certificate). Needs .ci/docker-setup.sh; NOTICE otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAzureFixtures } from '../fixtures/azure/index.mjs';
import { GENERIC_DEBIAN, orientationSpec } from '../helpers/orientation-spec.mjs';
import { mutatingRequests } from './_scenario.mjs';
import { ciRegistryAddress as registryAddress, whyImagesCannotBeBuilt } from '../helpers/docker-ci.mjs';
import { cliRunner } from '../helpers/cli-runner.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

function spec(armUrl, registry) {
  return orientationSpec({
    name: 'e2e-wf',
    prefix: 'e2e',
    description: 'One generated scoring module, built and pushed by apply.',
    source: '    file: model.onnx',
    topK: 2,
    target: GENERIC_DEBIAN,
    registry,
    armUrl,
    module: { name: 'scorer', port: 8080 },
  });
}

const reason = await whyImagesCannotBeBuilt();
if (reason) {
  console.log(`NOTICE: ${reason}; the apply-with-a-real-image test was skipped (run .ci/docker-setup.sh).`);
  test.skip('apply builds, checks, pushes and deploys a generated image', () => {});
} else {
  test('apply builds, checks, pushes and deploys a generated image; a second apply rebuilds and writes nothing', async () => {
    const az = await startAzureFixtures({ deviceBehavior: { delayMs: 20 } });
    Object.assign(process.env, az.env);
    const dir = mkdtempSync(join(tmpdir(), 'edgeml-e2e-'));
    const registry = registryAddress();
    let image;
    try {
      copyFileSync(join(root, 'specs/models/text-orientation/model.onnx'), join(dir, 'model.onnx'));
      writeFileSync(join(dir, 'spec.yaml'), spec(az.armUrl, registry));
      const run = cliRunner({
        cwd: dir,
        env: { ...process.env, EDGEML_APPLY_POLL_MS: '10', EDGEML_DOCKER_BUILD_NETWORK: 'host', NO_COLOR: '1' },
      });
      const compiledImage = async (out) => {
        const compiled = await run(['compile', 'spec.yaml', '--out', out]);
        assert.is(compiled.code, 0, compiled.stderr);
        return /^build_and_push 'scorer' 'linux\/amd64' 'Dockerfile\.amd64' '([^']+)'$/m.exec(
          readFileSync(join(dir, out, 'scripts/03-build-push.sh'), 'utf8'),
        )[1];
      };
      const before = await compiledImage('out-before');
      const first = await run(['apply', 'spec.yaml', '--timeout', '60']);
      assert.is(first.code, 0, first.stdout + first.stderr);
      assert.match(first.stdout, /✓ image scorer: build, check platform, push/);

      const state = JSON.parse(readFileSync(join(dir, '.edgeml/state/e2e-wf.json'), 'utf8'));
      image = state.images.scorer.ref;
      // The image apply pushed is the one compile's build script names and the manifest runs. (In a shared
      // checkout dist/runtime may be rebuilt while this runs, which changes the context hash: then apply must
      // match the compile that came after it.)
      const after = await compiledImage('out-after');
      assert.ok(image === before || (before !== after && image === after), `apply pushed ${image}; compile names ${before} / ${after}`);
      assert.is(az.device.moduleTwin('e2e-edge', '$edgeAgent').desired.modules.scorer.settings.image, image);
      const [, repository, tag] = /^[^/]+\/(.+):([^:]+)$/.exec(image);
      const head = await fetch(`http://${registry}/v2/${repository}/manifests/${tag}`, {
        method: 'HEAD',
        headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
      });
      assert.is(head.headers.get('docker-content-digest'), state.images.scorer.digest);
      const inspected = JSON.parse(execFileSync('docker', ['image', 'inspect', image], { encoding: 'utf8' }))[0];
      assert.is(`${inspected.Os}/${inspected.Architecture}`, 'linux/amd64');

      az.requests.clear();
      const second = await run(['apply', 'spec.yaml', '--timeout', '60']);
      assert.is(second.code, 0, second.stdout + second.stderr);
      assert.match(second.stdout, /– image scorer \(unchanged, sha256:/);
      assert.equal(mutatingRequests(az.requests), []);
    } finally {
      if (image) spawnSync('docker', ['image', 'rm', '-f', image], { stdio: 'ignore' });
      await az.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
