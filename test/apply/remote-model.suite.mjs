// Apply's image step with a model registered in Azure ML (the fixtures): the spec is rendered exactly as apply does,
// the model is fetched into the cache and added to the scoring build context as model/model.onnx without changing
// the context hash, and a model that does not fit the spec stops the step before Docker is asked for anything.
// The Docker engine is replaced by a recorder here (the real build is covered by images-e2e with a local model).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAzureFixtures } from '../fixtures/azure/index.mjs';
import { orientationSpec, UBUNTU_VM } from '../helpers/orientation-spec.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const model = readFileSync(join(root, 'specs/models/text-orientation/model.onnx'));
const az = await startAzureFixtures();
Object.assign(process.env, az.env);
az.ml.registerModel({
  resourceGroup: 'ml-rg',
  workspace: 'edgeml-ws',
  name: 'text-orientation',
  version: 1,
  files: { 'model.onnx': model },
  layout: 'folder',
});

const { loadSpec, openProgram } = await import('../../dist/cli/command-support.js');
const { publishImages } = await import('../../dist/apply/images.js');
const { ApplyError } = await import('../../dist/apply/errors.js');
const { emptyState } = await import('../../dist/apply/state.js');
const { createProgress } = await import('../../dist/apply/progress.js');
const { createRemoteModelLoader } = await import('../../dist/model/fetch-remote.js');
const { createRequestStats } = await import('../../dist/providers/types.js');
const { main } = await import('../../dist/cli/main.js');

const dir = mkdtempSync(join(tmpdir(), 'edgeml-remote-apply-'));
writeFileSync(
  join(dir, 'spec.yaml'),
  orientationSpec({
    name: 'remote-wf',
    prefix: 'remote',
    description: 'A scoring module whose model is registered in Azure ML.',
    source: '    azureml:\n      name: text-orientation\n      version: 1',
    target: UBUNTU_VM,
    registry: 'localhost:5000',
    ml: true,
    armUrl: az.armUrl,
    module: { name: 'orientation', port: 5001 },
  }),
);
const env = { ...process.env, ...az.env, EDGEML_STORAGE_ENDPOINT: az.storageEndpoint };
const io = { stdout: { write: () => true }, stderr: { write: () => true }, env, cwd: dir };
const silent = createProgress({ write: () => true, isTTY: false });

/** A DockerProvider stand-in that records what it was asked to build. */
function recordingDocker() {
  const builds = [];
  let opened = 0;
  return {
    builds,
    get opened() {
      return opened;
    },
    factory: async () => {
      opened += 1;
      return {
        ping: async () => undefined,
        build: async (request) => void builds.push(request),
        checkPlatform: async () => undefined,
        push: async () => ({ digest: `sha256:${'1'.repeat(64)}` }),
      };
    },
  };
}

async function publish(desired, ir, { remote = true } = {}) {
  const docker = recordingDocker();
  const state = emptyState(desired.workflow);
  let error;
  try {
    await publishImages({
      images: desired.images,
      state,
      docker: docker.factory,
      registryAuth: async () => undefined,
      skipBuild: false,
      progress: silent,
      saveState: () => undefined,
      remoteModel: remote ? createRemoteModelLoader(ir, { env, cwd: dir, stats: createRequestStats() }) : undefined,
    });
  } catch (e) {
    error = e;
  }
  return { docker, state, error };
}

test('the scoring build context gets the Azure ML model; the context hash is that of the rendered files', async () => {
  const loaded = await loadSpec(await openProgram('spec.yaml', {}, io), true);
  assert.ok(loaded.desired, JSON.stringify(loaded.diagnostics));
  const image = loaded.desired.images.find((i) => i.module === 'orientation');
  assert.ok(image.build.context.files.has('model/source.json'));
  assert.not.ok(image.build.context.files.has('model/model.onnx'), 'the rendered context names the model, it does not hold it');

  const withModel = await publish(loaded.desired, loaded.ir);
  assert.is(withModel.error, undefined, withModel.error?.message);
  const built = withModel.docker.builds[0];
  const entry = built.context.find((e) => e.path === 'model/model.onnx');
  assert.ok(entry, 'model/model.onnx is in the build context');
  assert.is(createHash('sha256').update(entry.content).digest('hex'), createHash('sha256').update(model).digest('hex'));
  assert.ok(built.context.some((e) => e.path === 'model/source.json'));
  assert.ok(existsSync(join(dir, '.edgeml/models/azureml/edgeml-ws/text-orientation/1/model.onnx')), 'cached next to the spec');

  // The same rendered context without the model bytes hashes the same: the model does not change the image identity.
  const withoutModel = await publish(loaded.desired, loaded.ir, { remote: false });
  assert.is(withModel.state.images.orientation.contextHash, withoutModel.state.images.orientation.contextHash);
  assert.is(withModel.state.images.orientation.ref, image.ref);
});

test('a second apply uses the cached model without asking Azure', async () => {
  const loaded = await loadSpec(await openProgram('spec.yaml', {}, io), true);
  az.requests.clear();
  const again = await publish(loaded.desired, loaded.ir);
  assert.is(again.error, undefined);
  assert.is(az.requests.length, 0);
  assert.ok(again.docker.builds[0].context.some((e) => e.path === 'model/model.onnx'));
});

test('a model that does not fit the spec stops before Docker is opened', async () => {
  // The spec/model check in loadSpec already sees the cached model; build the desired deployment without it, as a
  // first apply (nothing cached yet) would, to exercise the check in the image step itself.
  rmSync(join(dir, '.edgeml/models'), { recursive: true, force: true });
  const loaded = await loadSpec(await openProgram('spec.yaml', { set: ['model.preprocess.layout=NHWC'] }, io), true);
  assert.ok(loaded.desired, JSON.stringify(loaded.diagnostics));
  const wrong = await publish(loaded.desired, loaded.ir);
  assert.instance(wrong.error, ApplyError);
  assert.is(wrong.error.diagnostic.code, 'EML6506');
  assert.is(wrong.docker.opened, 0, 'Docker was never opened');
  assert.is(wrong.docker.builds.length, 0);
});

test('a model version that does not exist is an apply diagnostic, not a crash', async () => {
  const loaded = await loadSpec(await openProgram('spec.yaml', { set: ['model.source.azureml.version=5'] }, io), true);
  const missing = await publish(loaded.desired, loaded.ir);
  assert.instance(missing.error, ApplyError);
  assert.is(missing.error.diagnostic.code, 'EML6503');
  assert.match(missing.error.diagnostic.message, /ModelNotFound/);
  assert.is(missing.docker.opened, 0);
});

test('edgeml apply stops before touching Azure resources when the model cannot be fetched', async () => {
  let stdout = '';
  let stderr = '';
  const cli = {
    stdout: { write: (t) => (stdout += t), isTTY: false },
    stderr: { write: (t) => (stderr += t), isTTY: false },
    env: { ...env, NO_COLOR: '1' },
    cwd: dir,
  };
  az.requests.clear();
  const code = await main(['apply', 'spec.yaml', '--set', 'model.source.azureml.version=8'], cli);
  assert.is(code, 1);
  assert.match(stderr, /EML6503/);
  assert.match(stderr, /ModelNotFound/);
  assert.is(az.requests.count({ server: 'arm', method: (m) => m !== 'GET' && m !== 'POST' }), 0, 'nothing created');
  assert.is(az.arm.groups.size, 0);
  assert.not.ok(stdout.includes(az.clientSecret) || stderr.includes(az.clientSecret));
});

test.after(async () => {
  await az.close();
  rmSync(dir, { recursive: true, force: true });
});
test.run();
