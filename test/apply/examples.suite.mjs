// `edgeml apply` of every example spec (specs/*.yaml) against the Azure fixtures: each spec is copied to a temp
// folder and only what points at real Azure is rewritten (ARM endpoint, registry → the local registry), with the
// yaml Document API so the rest of the file stays as written. The fixtures get what the spec expects to exist
// already: an Azure ML model for wf1/wf2 (a small ONNX model with the spec's input/outputs), the Data Box Edge hub
// and device for wf4, and tagged devices for the text-orientation fleet. Then: apply converges as compile renders
// it, a second apply writes nothing, and destroy removes exactly what apply created.
// Images are built with the real engine and pushed to the local registry (.ci/docker-setup.sh). A spec whose
// Dockerfile needs a base image this machine does not have offline (the CUDA runtime, arm64 Node) gets a clearly
// named NOTICE: its build is skipped, a stand-in image is pushed under the exact ref compile names, and apply runs
// with --skip-build. Without an engine or registry, the spec is skipped with a NOTICE.
// Run through examples.test.mjs (trusted fixture certificate). EDGEML_EXAMPLE=<text> runs only the matching specs;
// EDGEML_EXAMPLE_DEBUG=1 prints the first apply's output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { startAzureFixtures } from '../fixtures/azure/index.mjs';
import { createArmProvider } from '../../dist/providers/azure/arm.js';
import { createIotHubProvider } from '../../dist/providers/azure/iothub.js';
import { mutatingRequests } from './_scenario.mjs';
import { FLOAT, INT64, constantOutputsModel } from '../helpers/onnx-builder.mjs';
import { ciRegistryAddress, whyImagesCannotBeBuilt } from '../helpers/docker-ci.mjs';
import { cliRunner } from '../helpers/cli-runner.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
// EDGEML_EXAMPLE=wf3 runs only the examples whose file name contains that text.
const specNames = readdirSync(join(root, 'specs'))
  .filter((f) => f.endsWith('.yaml') && f.includes(process.env.EDGEML_EXAMPLE ?? ''))
  .sort();

const registry = ciRegistryAddress();

// Why no image can be built or pushed at all on this machine (undefined: engine and registry are there).
const dockerMissing = await whyImagesCannotBeBuilt({ needBaseImage: false });
const hostPlatform = { x64: 'linux/amd64', arm64: 'linux/arm64' }[process.arch];

// ------------------------------------------------------------------ what the fixtures must hold before apply

/** wf1: a classifier with the spec's NCHW 1x3x224x224 float input and one class-score output. */
function classifierModel() {
  return constantOutputsModel({
    input: { name: 'input', type: FLOAT, dims: [1, 3, 224, 224] },
    constants: { probabilities: { dims: [1, 5], values: [0.1, 0.2, 0.4, 0.2, 0.1] } },
  });
}

/** wf2: torchvision's detection export: input 'image', outputs boxes [N,4], labels [N] (int64), scores [N]. */
function detectorModel() {
  return constantOutputsModel({
    input: { name: 'image', type: FLOAT, dims: [1, 3, 800, 800] },
    constants: {
      boxes: { dims: [2, 4], values: [10, 10, 200, 300, 400, 100, 600, 500] },
      labels: { type: INT64, dims: [2], values: [1, 3] },
      scores: { dims: [2], values: [0.9, 0.3] },
    },
  });
}

/** What each example needs in the fixtures (as the user or the Azure portal would have set it up). */
const prepare = {
  async 'wf1-image-classification.yaml'({ az, doc }) {
    registerModel(az, doc, classifierModel());
  },
  async 'wf2-object-detection.yaml'({ az, doc }) {
    registerModel(az, doc, detectorModel());
  },
  // The Data Box Edge portal's "Configure compute" creates the hub and the IoT Edge device.
  async 'wf4-databox-edge.yaml'({ az, doc }) {
    const group = doc.getIn(['azure', 'resourceGroup']);
    const hubName = doc.getIn(['azure', 'iotHub', 'name']);
    const arm = createArmProvider({ subscriptionId: az.subscriptionId, endpoint: az.armUrl, pollIntervalMs: 5 });
    await arm.ensureResourceGroup(group, doc.getIn(['azure', 'location']));
    await arm.ensureIotHub(group, hubName, { location: doc.getIn(['azure', 'location']), sku: 'S1', units: 1 });
    const hub = createIotHubProvider({ connectionString: await arm.getIotHubOwnerConnectionString(group, hubName) });
    await hub.createEdgeDevice(doc.getIn(['azure', 'device', 'id']));
  },
  // A fleet: two scanners match tags.role='scanner', a third device must stay untouched.
  async 'text-orientation.yaml'({ az }) {
    const { SecretValue } = await import('../../dist/providers/types.js');
    const hub = createIotHubProvider({ connectionString: new SecretValue(az.hubConnectionString) });
    for (const id of ['scanner-1', 'scanner-2', 'office-pc']) await hub.createEdgeDevice(id);
    az.device.setTags('scanner-1', { role: 'scanner' });
    az.device.setTags('scanner-2', { role: 'scanner', site: 'b' });
    az.device.setTags('office-pc', { role: 'office' });
    return { targeted: ['scanner-1', 'scanner-2'], untouched: ['office-pc'] };
  },
};

function registerModel(az, doc, bytes) {
  const source = doc.getIn(['model', 'source', 'azureml']).toJSON();
  az.ml.registerModel({
    resourceGroup: doc.getIn(['azure', 'ml', 'resourceGroup']) ?? doc.getIn(['azure', 'resourceGroup']),
    workspace: doc.getIn(['azure', 'ml', 'workspace']),
    name: source.name,
    version: source.version,
    files: { 'model.onnx': bytes },
  });
}

// ------------------------------------------------------------------ helpers

/** Rewrites only what points at real Azure; comments and everything else stay as written. */
function rewriteSpec(file, armUrl) {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  doc.setIn(['azure', 'endpoints', 'resourceManager'], armUrl);
  const current = doc.getIn(['azure', 'registry'])?.toJSON?.();
  // text-orientation already names a plain registry (REGISTRY_ADDRESS, default localhost:5000): the test sets the
  // variable instead of touching the file.
  if (!current || current.create || current.name) doc.setIn(['azure', 'registry'], doc.createNode({ address: registry }));
  writeFileSync(file, doc.toString({ flowCollectionPadding: false }));
  return doc;
}

/** `build_and_push 'module' 'platform' 'Dockerfile' 'ref'` lines of the compiled build script. */
function compiledBuilds(out) {
  const script = readFileSync(join(out, 'scripts/03-build-push.sh'), 'utf8');
  return [...script.matchAll(/^build_and_push '([^']+)' '([^']+)' '([^']+)' '([^']+)'$/gm)].map(
    ([, module, platform, dockerfile, ref]) => ({ module, platform, dockerfile, ref }),
  );
}

/** The compiled deployment's modules (device manifest or the fleet's configuration content). */
function compiledModules(out) {
  const file = existsSync(join(out, 'deployment.fleet.json')) ? 'deployment.fleet.json' : 'deployment.json';
  const json = JSON.parse(readFileSync(join(out, file), 'utf8'));
  const content = json.content ?? json;
  return content.modulesContent.$edgeAgent['properties.desired'].modules;
}

/** Why this build cannot run here: a base image (FROM) not available offline, or a foreign platform. */
function buildBlocker(out, build) {
  const dockerfile = readFileSync(join(out, 'modules', build.module, build.dockerfile), 'utf8');
  for (const [, base] of dockerfile.matchAll(/^FROM (\S+)/gm)) {
    if (spawnSync('docker', ['image', 'inspect', base], { stdio: 'ignore' }).status !== 0)
      return `base image ${base} is not available offline`;
  }
  if (build.platform !== hostPlatform) return `${build.platform} cannot be built on this ${hostPlatform} machine`;
  return undefined;
}

/** A tiny image pushed under each ref, for a spec whose real build cannot run here (apply --skip-build deploys it). */
function pushStandIns(refs, dir) {
  const context = join(dir, 'standin');
  mkdirSync(context, { recursive: true });
  writeFileSync(join(context, 'README'), 'edgeml examples test: stand-in for an image this machine cannot build\n');
  writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY README /README\n');
  execFileSync('docker', ['build', '-q', ...refs.flatMap((r) => ['-t', r]), context], { stdio: 'pipe' });
  for (const ref of refs) execFileSync('docker', ['push', ref], { stdio: 'pipe' });
}

function snapshot(az) {
  return {
    groups: [...az.arm.groups.keys()].sort(),
    hubs: [...az.arm.hubs.keys()].sort(),
    registries: [...az.arm.registries.keys()].sort(),
    devices: az.device.list().sort(),
    configurations: [...az.configurations.keys()].sort(),
  };
}

// ------------------------------------------------------------------ one test per example spec

for (const name of specNames) {
  const label = name.replace(/\.yaml$/, '');
  if (dockerMissing) {
    console.log(`NOTICE: ${dockerMissing}; apply of the example ${label} was skipped (run .ci/docker-setup.sh).`);
    test.skip(`apply of the example ${label} converges`, () => {});
    continue;
  }
  test(`apply of the example ${label} converges; a second apply writes nothing; destroy removes what it created`, async () => {
    const az = await startAzureFixtures({ deviceBehavior: { delayMs: 20 } });
    Object.assign(process.env, az.env);
    const dir = mkdtempSync(join(tmpdir(), `edgeml-example-${label}-`));
    const images = new Set();
    try {
      cpSync(join(root, 'specs'), join(dir, 'specs'), { recursive: true });
      const spec = join('specs', name);
      const doc = rewriteSpec(join(dir, spec), az.armUrl);
      const fleet = await prepare[name]?.({ az, doc }); // { targeted, untouched } for the fleet example
      const env = {
        ...process.env,
        EDGEML_STORAGE_ENDPOINT: az.storageEndpoint,
        EDGEML_APPLY_POLL_MS: '10',
        EDGEML_DOCKER_BUILD_NETWORK: 'host',
        REGISTRY_ADDRESS: registry,
        NO_COLOR: '1',
      };
      const run = cliRunner({ cwd: dir, env });

      // A remote model is fetched first (as apply would), so compile names the images apply pushes.
      if (doc.getIn(['model', 'source', 'azureml'])) {
        const fetched = await run(['fetch', spec]);
        assert.is(fetched.code, 0, `fetch: ${fetched.stdout}${fetched.stderr}`);
      }
      const compiled = await run(['compile', spec, '--out', 'out']);
      assert.is(compiled.code, 0, `compile: ${compiled.stdout}${compiled.stderr}`);
      const out = join(dir, 'out');
      const builds = compiledBuilds(out);
      const modules = compiledModules(out);
      for (const b of builds) images.add(b.ref);

      const blockers = builds.map((b) => [b.module, buildBlocker(out, b)]).filter(([, why]) => why);
      const skipBuild = blockers.length > 0;
      if (skipBuild) {
        console.log(
          `NOTICE: example ${label}: image build skipped (${blockers.map(([m, why]) => `${m}: ${why}`).join('; ')}); stand-in images pushed under the refs compile names and applied with --skip-build.`,
        );
        pushStandIns(
          builds.map((b) => b.ref),
          dir,
        );
      }
      const applyArgs = ['apply', spec, '--timeout', '120', ...(skipBuild ? ['--skip-build'] : [])];

      const before = snapshot(az);
      const first = await run(applyArgs);
      assert.is(first.code, 0, `apply: ${first.stdout}${first.stderr}`);
      if (process.env.EDGEML_EXAMPLE_DEBUG) console.log(first.stdout, first.stderr);
      for (const b of builds) {
        assert.match(first.stdout, skipBuild ? `– image ${b.module} (--skip-build` : `✓ image ${b.module}: build, check platform, push`);
      }

      // Converged as compile renders it: every device the deployment targets reports it.
      const deviceId = doc.getIn(['azure', 'device', 'id']);
      const targeted = fleet?.targeted ?? [deviceId];
      for (const id of targeted) {
        const agent = az.device.moduleTwin(id, '$edgeAgent');
        assert.ok(agent, `device ${id} exists`);
        assert.is(agent.reported.lastDesiredStatus?.code, 200, `${id}: lastDesiredStatus`);
        assert.is(agent.reported.lastDesiredVersion, agent.desired.$version, `${id}: reported the latest desired version`);
        assert.equal(Object.keys(agent.desired.modules).sort(), Object.keys(modules).sort(), `${id}: the compiled modules`);
        for (const [module, m] of Object.entries(modules)) {
          const reported = agent.reported.modules?.[module];
          assert.is(reported?.runtimeStatus, 'running', `${id}: ${module} running`);
          assert.is(reported.settings.image, m.settings.image, `${id}: ${module} runs the compiled image`);
          assert.is(agent.desired.modules[module].settings.image, m.settings.image);
        }
        assert.is(az.device.moduleTwin(id, '$edgeHub').reported.lastDesiredStatus?.code, 200, `${id}: edgeHub`);
      }
      if (!fleet) {
        const status = await run(['status', spec, '--json']);
        assert.is(status.code, 0, `status: ${status.stdout}${status.stderr}`);
        assert.is(JSON.parse(status.stdout).status.report.converged, true, 'status reports the device converged');
      }
      for (const id of fleet?.untouched ?? []) {
        assert.equal(az.device.moduleTwin(id, '$edgeAgent').desired.modules ?? {}, {}, `${id} is not targeted`);
      }
      for (const b of builds) {
        assert.ok(
          Object.values(modules).some((m) => m.settings.image === b.ref),
          `${b.module}: the built image is deployed`,
        );
        const [, repository, tag] = /^[^/]+\/(.+):([^:]+)$/.exec(b.ref);
        const head = await fetch(`http://${registry}/v2/${repository}/manifests/${tag}`, {
          method: 'HEAD',
          headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
        });
        assert.is(head.status, 200, `${b.ref} is in the registry`);
        if (!skipBuild) {
          const inspected = JSON.parse(execFileSync('docker', ['image', 'inspect', b.ref], { encoding: 'utf8' }))[0];
          assert.is(`${inspected.Os}/${inspected.Architecture}`, b.platform, `${b.module} was built for the target platform`);
        }
      }

      // A second apply changes nothing.
      az.requests.clear();
      const second = await run(applyArgs);
      assert.is(second.code, 0, `second apply: ${second.stdout}${second.stderr}`);
      assert.match(second.stdout, /no deployment change/);
      assert.equal(mutatingRequests(az.requests), [], 'the second apply made no mutating request');

      // destroy removes exactly what apply created.
      const applied = snapshot(az);
      const created = Object.keys(applied).flatMap((kind) =>
        applied[kind].filter((x) => !before[kind].includes(x)).map((x) => `${kind}:${x}`),
      );
      const destroyed = await run(['destroy', spec, '--yes']);
      assert.is(destroyed.code, 0, `destroy: ${destroyed.stdout}${destroyed.stderr}`);
      if (created.length === 0) {
        // wf4: the hub and device existed before: edgeml deletes neither, and takes its modules off the device again.
        assert.match(destroyed.stdout, /Destroy complete: 1 deleted\./);
        assert.equal(az.device.moduleTwin(deviceId, '$edgeAgent').desired.modules, {}, 'no edgeml module stays on the existing device');
      } else {
        assert.match(destroyed.stdout, `Destroy complete: ${created.length} deleted.`, `destroy deletes ${created.join(', ')}`);
      }
      const after = snapshot(az);
      const createdDevice = deviceId && !before.devices.includes(deviceId);
      assert.equal(
        after,
        { ...before, devices: before.devices.filter((d) => d !== deviceId || !createdDevice) },
        'destroy left exactly what existed before apply',
      );
      if (deviceId && !createdDevice) assert.ok(az.device.exists(deviceId), 'the existing device stays');
      assert.not.ok(existsSync(join(dir, `.edgeml/state/${doc.get('name')}.json`)), 'the state file is gone');
    } finally {
      for (const ref of images) spawnSync('docker', ['image', 'rm', '-f', '--no-prune', ref], { stdio: 'ignore' });
      await az.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
