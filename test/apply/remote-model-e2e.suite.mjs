// `edgeml apply` of a spec whose model is registered in Azure ML (the fixtures), with the real Docker engine and a
// local registry: the model is fetched into the cache, built into the scoring image (checked inside the image), and
// the pushed image is the one compile names once the model is cached. Needs .ci/docker-setup.sh; NOTICE otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAzureFixtures } from '../fixtures/azure/index.mjs';
import { GENERIC_DEBIAN, orientationSpec } from '../helpers/orientation-spec.mjs';
import { ciRegistryAddress as registryAddress, whyImagesCannotBeBuilt } from '../helpers/docker-ci.mjs';
import { cliRunner } from '../helpers/cli-runner.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const model = readFileSync(join(root, 'specs/models/text-orientation/model.onnx'));
const modelSha = createHash('sha256').update(model).digest('hex');

function spec(armUrl, registry) {
  return orientationSpec({
    name: 'aml-e2e',
    prefix: 'aml-e2e',
    description: 'A generated scoring module whose model comes from Azure ML.',
    source: '    azureml:\n      name: text-orientation\n      version: 1',
    topK: 2,
    target: GENERIC_DEBIAN,
    registry,
    ml: true,
    armUrl,
    module: { name: 'scorer', port: 8080 },
  });
}

const reason = await whyImagesCannotBeBuilt();
if (reason) {
  console.log(`NOTICE: ${reason}; the apply-with-an-Azure-ML-model image test was skipped (run .ci/docker-setup.sh).`);
  test.skip('apply of an azureml-sourced spec builds the model into the image', () => {});
} else {
  test('apply of an azureml-sourced spec builds the model into the image', async () => {
    const az = await startAzureFixtures({ deviceBehavior: { delayMs: 20 } });
    Object.assign(process.env, az.env);
    az.ml.registerModel({
      resourceGroup: 'ml-rg',
      workspace: 'edgeml-ws',
      name: 'text-orientation',
      version: 1,
      files: { 'model.onnx': model },
    });
    const dir = mkdtempSync(join(tmpdir(), 'edgeml-aml-e2e-'));
    let image;
    try {
      writeFileSync(join(dir, 'spec.yaml'), spec(az.armUrl, registryAddress()));
      const run = cliRunner({
        cwd: dir,
        env: {
          ...process.env,
          EDGEML_STORAGE_ENDPOINT: az.storageEndpoint,
          EDGEML_APPLY_POLL_MS: '10',
          EDGEML_DOCKER_BUILD_NETWORK: 'host',
          NO_COLOR: '1',
        },
      });
      const first = await run(['apply', 'spec.yaml', '--timeout', '60']);
      assert.is(first.code, 0, first.stdout + first.stderr);
      assert.match(first.stdout, /✓ image scorer: build, check platform, push/);
      assert.ok(existsSync(join(dir, '.edgeml/models/azureml/edgeml-ws/text-orientation/1/model.onnx')));

      image = JSON.parse(readFileSync(join(dir, '.edgeml/state/aml-e2e.json'), 'utf8')).images.scorer.ref;
      const inside = execFileSync('docker', ['run', '--rm', '--entrypoint', 'sha256sum', image, '/app/model/model.onnx'], {
        encoding: 'utf8',
      });
      assert.is(inside.split(/\s+/)[0], modelSha, 'the image holds the registered model');

      // compile (model cached now) names the same image apply pushed; a second apply builds nothing.
      const compiled = await run(['compile', 'spec.yaml', '--out', 'out']);
      assert.is(compiled.code, 0, compiled.stderr);
      const named = /^build_and_push 'scorer' 'linux\/amd64' 'Dockerfile\.amd64' '([^']+)'$/m.exec(
        readFileSync(join(dir, 'out/scripts/03-build-push.sh'), 'utf8'),
      )[1];
      assert.is(named, image);
      az.requests.clear();
      const second = await run(['apply', 'spec.yaml', '--timeout', '60']);
      assert.is(second.code, 0, second.stdout + second.stderr);
      assert.match(second.stdout, /– image scorer \(unchanged, sha256:/);
      assert.is(az.requests.count({ server: 'blob' }), 0, 'no second download');
    } finally {
      if (image) spawnSync('docker', ['image', 'rm', '-f', image], { stdio: 'ignore' });
      await az.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
