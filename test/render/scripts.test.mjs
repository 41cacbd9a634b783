// Step scripts (render/scripts): shellcheck-clean for every kind of workflow, values arrive intact through bash,
// unsafe values are refused, and the scripts behave right when run against fake az/docker/curl and a loopback server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkScriptValues, renderScripts } from '../../dist/render/scripts/index.js';
import { renderManifest } from '../../dist/render/manifest/index.js';
import { shellQuote, UnsafeShellValueError } from '../../dist/render/shell.js';
import { requires } from '../helpers/requires.mjs';
import { makeAssets, makeCaptureModule, makeContext, makeIR, makeScoringModule } from '../helpers/ir-fixtures.mjs';

const fixtures = fileURLToPath(new URL('../fixtures/docker/', import.meta.url));
const temps = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-scripts-'));
  temps.push(dir);
  return dir;
};
const text = (f) => (typeof f.content === 'string' ? f.content : new TextDecoder().decode(f.content));

function writeOut(files, dir = tempDir()) {
  for (const f of files) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
    chmodSync(path, f.mode ?? 0o644);
  }
  return dir;
}

/** A bin folder with fake az (and optionally docker / curl) first on PATH. */
function fakeBin(extra = {}) {
  const bin = tempDir();
  copyFileSync(join(fixtures, 'fake-az.sh'), join(bin, 'az'));
  chmodSync(join(bin, 'az'), 0o755);
  for (const [name, body] of Object.entries(extra)) {
    writeFileSync(join(bin, name), `#!/usr/bin/env bash\nset -euo pipefail\n${body}\n`, { mode: 0o755 });
  }
  return bin;
}

function run(script, { bin, env = {}, args = [], input } = {}) {
  const log = join(bin ?? tempDir(), 'calls.log');
  const result = spawnSync('bash', [script, ...args], {
    encoding: 'utf8',
    input,
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: process.env.HOME, FAKE_LOG: log, ...env },
    timeout: 60_000,
  });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
  return { ...result, calls, output: result.stdout + result.stderr };
}

/** Like run, without blocking the event loop (needed when this process also serves HTTP to the script). */
function runAsync(script, { bin, env = {} } = {}) {
  const log = join(bin, 'calls.log');
  return new Promise((resolvePromise) => {
    const child = spawn('bash', [script], {
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: process.env.HOME, FAKE_LOG: log, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolvePromise({ status, output });
    });
  });
}

// --------------------------------------------------------------------------------------------------------------
// Variants covering every template branch.

function variants() {
  const wf3 = makeIR();
  const fleet = makeIR({
    azure: {
      ...makeIR().azure,
      deployment: {
        kind: 'fleet',
        id: 'wf-test',
        targetCondition: "tags.environment='prod'",
        priority: 10,
        layered: true,
        labels: { app: 'wf' },
        metrics: {},
      },
    },
  });
  const gpu = makeIR({ target: { ...makeIR().target, accelerator: 'nvidia-gpu', os: 'ubuntu-24.04' } });
  const existing = makeIR({
    azure: {
      ...makeIR().azure,
      subscription: '00000000-1111-2222-3333-444444444444',
      createResourceGroup: false,
      iotHub: { ...makeIR().azure.iotHub, create: false },
      registry: {
        kind: 'existing',
        address: 'myreg.example.com:5000',
        username: { kind: 'secret', env: 'REG_USER' },
        password: { kind: 'secret', env: 'REG_PASS' },
      },
    },
  });
  const url = makeIR({ modules: [makeScoringModule()] });
  url.model.source = { kind: 'url', url: 'https://models.example.com/m.onnx', sha256: 'a'.repeat(64), file: 'm.onnx' };
  const aml = makeIR({
    azure: {
      ...makeIR().azure,
      ml: { workspace: 'myws', resourceGroup: 'mlrg' },
      registry: { kind: 'anonymous', address: 'localhost:5000' },
    },
    modules: [makeScoringModule()],
  });
  aml.model.source = { kind: 'azureml', name: 'resnet_model', version: 3, file: 'outputs/model.onnx' };
  aml.model.expect = { minDetections: 2 };
  const dbe = makeIR({ target: { ...makeIR().target, device: 'databox-edge' } });
  const pi = makeIR({
    target: { platform: 'arm32v7', accelerator: 'none', device: 'raspberry-pi', os: 'debian-12', runtime: '1.5' },
    modules: [
      makeCaptureModule({ capture: { ...makeCaptureModule().capture, view: undefined } }),
      makeScoringModule({
        name: 'remote',
        kind: 'container',
        scoring: undefined,
        ports: [],
        image: {
          kind: 'user-build',
          repository: 'youracr123unique.azurecr.io/wf-test/remote',
          tag: '',
          context: 'remote',
          dockerfile: 'remote/Dockerfile',
          platforms: ['arm32v7'],
        },
      }),
    ],
  });
  pi.model.samples = [];
  return { wf3, fleet, gpu, existing, url, aml, dbe, pi };
}

requires(test, 'shellcheck')('every variant renders scripts that pass shellcheck', () => {
  for (const [name, ir] of Object.entries(variants())) {
    const ctx = makeContext(ir);
    assert.equal(
      checkScriptValues(ctx)
        .filter((d) => d.category === 'error')
        .map((d) => d.message),
      [],
      `${name}: no problems`,
    );
    const dir = writeOut(renderScripts(ctx));
    const result = spawnSync(
      'shellcheck',
      [
        '-x',
        '--severity=style',
        'lib.sh',
        '01-create-resources.sh',
        '02-setup-device.sh',
        '03-build-push.sh',
        '04-deploy.sh',
        '05-test.sh',
        '06-teardown.sh',
      ],
      { cwd: join(dir, 'scripts'), encoding: 'utf8' },
    );
    assert.is(result.status, 0, `${name}:\n${result.stdout}${result.stderr}`);
  }
});

test('scripts are executable, start with bash strict mode, and .env.example lists names only', () => {
  const ctx = makeContext(variants().existing);
  const files = renderScripts(ctx);
  for (const f of files.filter((f) => /scripts\/0\d-.*\.sh$/.test(f.path))) {
    assert.is(f.mode, 0o755, f.path);
    assert.match(text(f), /^#!\/usr\/bin\/env bash\n/);
    assert.match(text(f), /\nset -euo pipefail\n/);
  }
  const env = text(files.find((f) => f.path === 'scripts/.env.example'));
  for (const name of ['REG_USER', 'REG_PASS', 'EDGE_DEVICE_CONNECTION_STRING', 'EDGE_DEVICE_HOST'])
    assert.match(env, new RegExp(`^${name}=$`, 'm'));
  assert.not.match(env, /^[A-Z_]+=.+$/m, 'no values');
});

test('a value full of shell metacharacters arrives intact through lib.sh', () => {
  const nasty = `it's "$(touch /tmp/pwned)" \`id\` $HOME; rm -rf / & \\ \n next line !! *`;
  const ir = variants().fleet;
  ir.model.expect = { label: nasty };
  ir.azure.deployment.targetCondition = nasty + "'";
  const dir = writeOut(renderScripts(makeContext(ir)));
  const result = spawnSync(
    'bash',
    ['-c', 'source "$1"; printf "%s\\0%s" "$EXPECT_LABEL" "$FLEET_TARGET_CONDITION"', 'probe', join(dir, 'scripts/lib.sh')],
    { encoding: 'utf8' },
  );
  assert.is(result.status, 0, result.stderr);
  assert.equal(result.stdout.split('\0'), [nasty, nasty + "'"]);
  assert.is(shellQuote("a'b"), `'a'\\''b'`);
});

test('unsafe spec values are reported and refused', () => {
  const ir = makeIR({
    azure: { ...makeIR().azure, resourceGroup: 'rg; rm -rf ~', iotHub: { ...makeIR().azure.iotHub, name: 'hub$(id)' } },
  });
  const ctx = makeContext(ir);
  const found = checkScriptValues(ctx).filter((d) => d.id === 'render-scripts/unsafeValue');
  assert.equal(
    found.map((d) => d.code),
    ['EML4500', 'EML4500'],
  );
  assert.ok(found.some((d) => d.message.includes('azure.resourceGroup')));
  assert.ok(found.some((d) => d.message.includes('azure.iotHub.name')));
  assert.ok(!found.some((d) => d.message.includes('rm -rf')), 'messages name the field, not the value');
  const badOs = makeContext(makeIR({ target: { ...makeIR().target, os: 'windows-11' } }));
  assert.ok(checkScriptValues(badOs).some((d) => d.code === 'EML4506'));
  const badModule = makeContext(makeIR({ modules: [makeScoringModule({ name: 'a;b' })] }));
  assert.throws(
    () => renderScripts(badModule),
    (e) => e instanceof UnsafeShellValueError,
  );
});

test('checkScriptValues does not trip over a build context with missing inputs', () => {
  const assets = makeAssets();
  assets.files.delete('models/detector/model.onnx');
  const problems = checkScriptValues(makeContext(makeIR(), assets));
  assert.equal(
    problems.filter((d) => d.category === 'error').map((d) => d.id),
    [],
  );
});

test('01 creates what is missing and records it; a re-run with everything present creates nothing', () => {
  const dir = writeOut(renderScripts(makeContext()));
  const bin = fakeBin();
  const first = run(join(dir, 'scripts/01-create-resources.sh'), { bin });
  assert.is(first.status, 0, first.output);
  const creates = first.calls.filter((c) => /\|create\|/.test(c));
  assert.is(creates.length, 4, creates.join('\n'));
  assert.ok(creates.some((c) => c.startsWith('iot|hub|device-identity|create|') && c.includes('|--edge-enabled|')));
  assert.ok(creates.some((c) => c.startsWith('acr|create|') && c.includes('|--sku|Standard|')));
  assert.is(
    readFileSync(join(dir, 'scripts/.edgeml-created'), 'utf8'),
    'resource-group myedgedeployrg\niot-hub myiothub-test\ndevice myedgedevice\nregistry youracr123unique\n',
  );
  const bin2 = fakeBin();
  rmSync(join(dir, 'scripts/.edgeml-created'));
  const again = run(join(dir, 'scripts/01-create-resources.sh'), { bin: bin2, env: { FAKE_EXISTING: 'group hub device acr' } });
  assert.is(again.status, 0, again.output);
  assert.equal(
    again.calls.filter((c) => /\|create\|/.test(c)),
    [],
  );
  assert.not.ok(existsSync(join(dir, 'scripts/.edgeml-created')), 'nothing recorded when nothing was created');
});

test('04 fills only declared secrets into a private temp file, escapes them for JSON, and deletes it', () => {
  const ir = variants().existing;
  ir.modules[0].env = [{ name: 'API_KEY', value: { kind: 'secret', env: 'MY_API_KEY' } }];
  const ctx = makeContext(ir);
  const manifest = renderManifest(ctx);
  const dir = writeOut([...renderScripts(ctx), ...manifest.files]);
  const secrets = { REG_USER: 'robot$user', REG_PASS: 'p"a\\ss&\\1 $(id)', MY_API_KEY: "k'e\ny" };
  const bin = fakeBin();
  const capture = join(bin, 'captured.json');
  const result = run(join(dir, 'scripts/04-deploy.sh'), { bin, env: { ...secrets, FAKE_CAPTURE: capture, UNRELATED: 'x' } });
  assert.is(result.status, 0, result.output);
  assert.is(readFileSync(`${capture}.mode`, 'utf8').trim(), '600');
  assert.not.ok(existsSync(readFileSync(`${capture}.path`, 'utf8').trim()), 'temp file deleted on exit');
  const deployed = JSON.parse(readFileSync(capture, 'utf8'));
  const creds = Object.values(deployed.modulesContent.$edgeAgent['properties.desired'].runtime.settings.registryCredentials)[0];
  assert.is(creds.username, secrets.REG_USER);
  assert.is(creds.password, secrets.REG_PASS);
  const moduleEnv = deployed.modulesContent.$edgeAgent['properties.desired'].modules['people-detection-service'].env;
  assert.is(moduleEnv.API_KEY.value, secrets.MY_API_KEY);
  for (const value of Object.values(secrets)) {
    assert.not.ok(result.output.includes(value), 'secret not printed');
    assert.not.ok(result.calls.join('\n').includes(value), 'secret not on a command line');
  }
});

test('04 refuses to deploy when a secret is missing, naming it', () => {
  const ctx = makeContext(variants().existing);
  const dir = writeOut([...renderScripts(ctx), ...renderManifest(ctx).files]);
  const bin = fakeBin();
  const result = run(join(dir, 'scripts/04-deploy.sh'), { bin, env: { REG_USER: 'u', FAKE_CAPTURE: join(bin, 'c.json') } });
  assert.is.not(result.status, 0);
  assert.match(result.output, /REG_PASS/);
  assert.not.ok(result.calls.some((c) => c.includes('set-modules')));
});

test('04 for a fleet creates a deployment with the baked-in id, condition, priority and --layered', () => {
  const ctx = makeContext(variants().fleet);
  const manifest = renderManifest(ctx);
  const dir = writeOut([...renderScripts(ctx), ...manifest.files]);
  const bin = fakeBin();
  const result = run(join(dir, 'scripts/04-deploy.sh'), { bin, env: { FAKE_CAPTURE: join(bin, 'c.json') } });
  assert.is(result.status, 0, result.output);
  const create = result.calls.find((c) => c.startsWith('iot|edge|deployment|create|'));
  assert.ok(create, result.calls.join('\n'));
  assert.ok(create.includes(`|--deployment-id|${manifest.fleetConfiguration.id}|`));
  assert.ok(create.includes("|--target-condition|tags.environment='prod'|"));
  assert.ok(create.includes('|--priority|10|') && create.includes('|--layered|'));
  const content = JSON.parse(readFileSync(join(bin, 'c.json'), 'utf8'));
  assert.ok(content.modulesContent, 'content is the modulesContent wrapper');
  assert.not.match(JSON.stringify(content), /\$\{EDGEML_REGISTRY_PASSWORD\}/);
});

test('06 deletes the deployment step 4 created for a fleet, and only that', () => {
  const ctx = makeContext(variants().fleet);
  const manifest = renderManifest(ctx);
  const dir = writeOut([...renderScripts(ctx), ...manifest.files]);
  const id = manifest.fleetConfiguration.id;
  const deployed = run(join(dir, 'scripts/04-deploy.sh'), { bin: fakeBin(), env: { FAKE_CAPTURE: join(tempDir(), 'c.json') } });
  assert.is(deployed.status, 0, deployed.output);
  assert.is(readFileSync(join(dir, 'scripts/.edgeml-created'), 'utf8'), `deployment ${id}\n`);
  const teardown = run(join(dir, 'scripts/06-teardown.sh'), { bin: fakeBin(), args: ['--yes'] });
  assert.is(teardown.status, 0, teardown.output);
  const deletes = teardown.calls.filter((c) => c.includes('|delete|'));
  assert.equal(
    deletes.map((c) => c.split('|').slice(0, 4).join(' ')),
    ['iot edge deployment delete'],
  );
  assert.ok(deletes[0].includes(`|--deployment-id|${id}|`));
  assert.not.ok(existsSync(join(dir, 'scripts/.edgeml-created')), 'nothing left recorded');
});

test('06 takes the deployed modules off a device step 1 did not create, keeping the runtime; a changed deployment stays', () => {
  const ir = variants().dbe;
  const dir = writeOut(renderScripts(makeContext(ir)));
  const names = ir.modules.map((m) => m.name).sort();
  const twins = tempDir();
  const agent = {
    schemaVersion: '1.1',
    runtime: {
      type: 'docker',
      settings: {
        minDockerVersion: 'v1.25',
        registryCredentials: { acr: { address: 'a.azurecr.io', username: 'u', password: 'secret-pass' } },
      },
    },
    systemModules: {
      edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5' } },
      edgeHub: {
        type: 'docker',
        status: 'running',
        restartPolicy: 'always',
        settings: { image: 'mcr.microsoft.com/azureiotedge-hub:1.5' },
      },
    },
    modules: Object.fromEntries(
      names.map((n) => [n, { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: `x/${n}:1` } }]),
    ),
    $version: 4,
  };
  const hub = {
    schemaVersion: '1.1',
    routes: { up: 'FROM /messages/* INTO $upstream' },
    storeAndForwardConfiguration: { timeToLiveSecs: 7200 },
    $version: 3,
  };
  writeFileSync(join(twins, '$edgeAgent.json'), JSON.stringify(agent));
  writeFileSync(join(twins, '$edgeHub.json'), JSON.stringify(hub));
  const capture = join(tempDir(), 'content.json');
  const removed = run(join(dir, 'scripts/06-teardown.sh'), {
    bin: fakeBin(),
    args: ['--yes'],
    env: { FAKE_TWIN_DIR: twins, FAKE_CAPTURE: capture },
  });
  assert.is(removed.status, 0, removed.output);
  assert.equal(
    removed.calls.filter((c) => c.includes('delete')),
    [],
    'nothing is deleted: step 1 created nothing',
  );
  assert.ok(
    removed.calls.some((c) => c.startsWith('iot|edge|set-modules|')),
    removed.calls.join('\n'),
  );
  const content = JSON.parse(readFileSync(capture, 'utf8')).modulesContent;
  assert.equal(content.$edgeAgent['properties.desired'], {
    schemaVersion: '1.1',
    runtime: { type: 'docker', settings: { minDockerVersion: 'v1.25' } },
    systemModules: agent.systemModules,
    modules: {},
  });
  assert.equal(content.$edgeHub['properties.desired'], {
    schemaVersion: '1.1',
    routes: {},
    storeAndForwardConfiguration: { timeToLiveSecs: 7200 },
  });
  assert.match(removed.output, /delete that VM on the appliance/);

  agent.modules['someone-elses-module'] = agent.modules[names[0]];
  writeFileSync(join(twins, '$edgeAgent.json'), JSON.stringify(agent));
  const changed = run(join(dir, 'scripts/06-teardown.sh'), {
    bin: fakeBin(),
    args: ['--yes'],
    env: { FAKE_TWIN_DIR: twins, FAKE_CAPTURE: capture },
  });
  assert.is(changed.status, 0, changed.output);
  assert.not.ok(changed.calls.some((c) => c.includes('set-modules')));
  assert.match(changed.output, /changed since step 4 .*left in place/);
});

test('06 deletes only what .edgeml-created lists, and nothing without it', () => {
  const dir = writeOut(renderScripts(makeContext()));
  const bin = fakeBin();
  const none = run(join(dir, 'scripts/06-teardown.sh'), { bin, args: ['--yes'] });
  assert.is(none.status, 0, none.output);
  assert.equal(
    none.calls.filter((c) => c.includes('delete')),
    [],
  );
  writeFileSync(join(dir, 'scripts/.edgeml-created'), 'device myedgedevice\nregistry youracr123unique\n');
  const refused = run(join(dir, 'scripts/06-teardown.sh'), { bin: fakeBin(), input: '' });
  assert.is.not(refused.status, 0, 'asks first; no terminal means no');
  assert.equal(
    refused.calls.filter((c) => c.includes('delete')),
    [],
  );
  const bin2 = fakeBin();
  const yes = run(join(dir, 'scripts/06-teardown.sh'), { bin: bin2, args: ['--yes'] });
  assert.is(yes.status, 0, yes.output);
  const deletes = yes.calls.filter((c) => c.includes('|delete|'));
  assert.is(deletes.length, 2, deletes.join('\n'));
  assert.ok(deletes[0].startsWith('iot|hub|device-identity|delete|'));
  assert.ok(deletes[1].startsWith('acr|delete|'));
  assert.not.ok(existsSync(join(dir, 'scripts/.edgeml-created')));
  assert.match(yes.output, /iotedge system stop/);
});

test('03 downloads a url model, verifies its sha256, then builds every module with the resolved tags', async () => {
  const { createHash } = await import('node:crypto');
  const bytes = 'fake onnx bytes';
  const ir = variants().url;
  ir.model.source.sha256 = createHash('sha256').update(bytes).digest('hex');
  const ctx = makeContext(ir);
  const dir = writeOut(renderScripts(ctx));
  mkdirSync(join(dir, 'modules/people-detection-service/model'), { recursive: true });
  const bin = fakeBin({
    curl: `out=""; while (($#)); do if [[ $1 == --output ]]; then out=$2; fi; shift; done; printf '%s' "$FAKE_BYTES" >"$out"`,
    docker: `printf '%s\\n' "$(IFS='|'; echo "docker|$*")" >>"$FAKE_LOG"`,
  });
  const ok = run(join(dir, 'scripts/03-build-push.sh'), { bin, env: { FAKE_BYTES: bytes, EDGEML_SKIP_PUSH: '1' } });
  assert.is(ok.status, 0, ok.output);
  assert.is(readFileSync(join(dir, 'modules/people-detection-service/model/model.onnx'), 'utf8'), bytes);
  const build = ok.calls.find((c) => c.startsWith('docker|build|'));
  const { resolveImages } = await import('../../dist/render/docker/index.js');
  assert.ok(build.includes(`|--tag|${resolveImages(ctx).get('people-detection-service')}|`), build);
  assert.ok(build.includes('|--platform|linux/amd64|'));
  assert.not.ok(
    ok.calls.some((c) => c.startsWith('docker|push')),
    'EDGEML_SKIP_PUSH=1',
  );

  rmSync(join(dir, 'modules/people-detection-service/model/model.onnx'));
  const bad = run(join(dir, 'scripts/03-build-push.sh'), {
    bin: fakeBin({
      curl: `out=""; while (($#)); do if [[ $1 == --output ]]; then out=$2; fi; shift; done; echo tampered >"$out"`,
      docker: 'exit 0',
    }),
    env: { EDGEML_SKIP_PUSH: '1' },
  });
  assert.is.not(bad.status, 0);
  assert.match(bad.output, /sha256/);
  assert.not.ok(existsSync(join(dir, 'modules/people-detection-service/model/model.onnx')));
});

test('03 logs in to an existing registry with the password on stdin and builds user images from EDGEML_SPEC_DIR', () => {
  const ir = variants().existing;
  ir.modules.push(
    makeScoringModule({
      name: 'mine',
      kind: 'container',
      scoring: undefined,
      ports: [],
      image: {
        kind: 'user-build',
        repository: 'myreg.example.com:5000/wf-test/mine',
        tag: '',
        context: 'src/mine',
        dockerfile: 'src/mine/Dockerfile',
        platforms: ['amd64'],
      },
    }),
  );
  const dir = writeOut(renderScripts(makeContext(ir)));
  const docker = `printf '%s\\n' "$(IFS='|'; echo "docker|$*")" >>"$FAKE_LOG"; if [[ $1 == login ]]; then cat >"$FAKE_LOG.stdin"; fi`;
  const bin = fakeBin({ docker });
  const missing = run(join(dir, 'scripts/03-build-push.sh'), { bin, env: { REG_USER: 'robot', REG_PASS: 's3cr3t-pass' } });
  assert.is.not(missing.status, 0);
  assert.match(missing.output, /EDGEML_SPEC_DIR/);

  const bin2 = fakeBin({ docker });
  const ok = run(join(dir, 'scripts/03-build-push.sh'), {
    bin: bin2,
    env: { REG_USER: 'robot', REG_PASS: 's3cr3t-pass', EDGEML_SPEC_DIR: '/specs here' },
  });
  assert.is(ok.status, 0, ok.output);
  assert.ok(ok.calls.includes('docker|login|myreg.example.com:5000|--username|robot|--password-stdin'), ok.calls.join('\n'));
  assert.is(readFileSync(join(bin2, 'calls.log.stdin'), 'utf8'), 's3cr3t-pass');
  assert.not.ok(ok.calls.join('\n').includes('s3cr3t-pass'), 'the password is not an argument');
  assert.ok(
    ok.calls.includes(
      'docker|build|--platform|linux/amd64|--file|/specs here/src/mine/Dockerfile|--tag|myreg.example.com:5000/wf-test/mine:1.0-amd64|/specs here/src/mine',
    ),
    ok.calls.join('\n'),
  );
  assert.ok(ok.calls.includes('docker|push|myreg.example.com:5000/wf-test/mine:1.0-amd64'));
  assert.is(ok.calls.filter((c) => c.startsWith('docker|push|')).length, 3, 'two generated images and the user image');
});

test('05 waits for convergence, then scores the sample over HTTP and checks model.expect', async () => {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/healthz') return res.end('{"status":"ready"}');
    let size = 0;
    req.on('data', (d) => (size += d.length));
    // Each API's answer shape (the module serves customvision here, so step 5 posts to /image).
    const found = (size) =>
      size > 0
        ? [
            { label: 'person', score: 0.91 },
            { label: 'person', score: 0.3 },
          ]
        : [];
    const answers = {
      '/image': (p) => ({ predictions: p.map((x) => ({ tagName: x.label, probability: x.score })) }),
      '/predict': (p) => ({ results: { image: { predictions: p } } }),
    };
    req.on('end', () => res.end(JSON.stringify((answers[req.url] ?? (() => ({})))(found(size)))));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = server.address().port;
    const ir = makeIR({ modules: [makeScoringModule({ ports: [{ container: 80, protocol: 'tcp', host: port }] })] });
    ir.model.expect = { label: 'person', minScore: 0.5, minDetections: 2 };
    const dir = writeOut(renderScripts(makeContext(ir)));
    const twin = join(dir, 'twin.json');
    const reported = {
      lastDesiredStatus: { code: 200 },
      lastDesiredVersion: 4,
      systemModules: { edgeHub: { runtimeStatus: 'running' } },
      modules: { 'people-detection-service': { runtimeStatus: 'running' } },
    };
    writeFileSync(twin, JSON.stringify({ properties: { desired: { $version: 4 }, reported } }));
    const env = { FAKE_TWIN: twin, EDGE_DEVICE_HOST: '127.0.0.1', EDGEML_TEST_TIMEOUT: '20' };
    const ok = await runAsync(join(dir, 'scripts/05-test.sh'), { bin: fakeBin(), env });
    assert.is(ok.status, 0, ok.output);
    assert.match(ok.output, /2 prediction\(s\); best: person \(0\.91\)/);

    ir.model.expect = { label: 'cat' };
    const dir2 = writeOut(renderScripts(makeContext(ir)));
    const wrong = await runAsync(join(dir2, 'scripts/05-test.sh'), { bin: fakeBin(), env });
    assert.is.not(wrong.status, 0);
    assert.match(wrong.output, /expected label cat/);

    reported.modules['people-detection-service'].runtimeStatus = 'backoff';
    writeFileSync(twin, JSON.stringify({ properties: { desired: { $version: 4 }, reported } }));
    const stuck = await runAsync(join(dir, 'scripts/05-test.sh'), { bin: fakeBin(), env: { ...env, EDGEML_TEST_TIMEOUT: '1' } });
    assert.is.not(stuck.status, 0);
    assert.match(stuck.output, /people-detection-service is backoff \(want running\)/);
  } finally {
    server.close();
  }
});

test("05 checks the capture module's annotated-frame view when it is mapped to a host port", async () => {
  const view = createServer((_req, res) => res.end('<html></html>'));
  await new Promise((r) => view.listen(0, '127.0.0.1', r));
  try {
    const ir = makeIR({ modules: [makeCaptureModule({ ports: [{ container: 5012, protocol: 'tcp', host: view.address().port }] })] });
    ir.model.samples = [];
    const dir = writeOut(renderScripts(makeContext(ir)));
    const twin = join(dir, 'twin.json');
    writeFileSync(
      twin,
      JSON.stringify({
        properties: {
          desired: { $version: 1 },
          reported: {
            lastDesiredStatus: { code: 200 },
            lastDesiredVersion: 1,
            systemModules: { edgeHub: { runtimeStatus: 'running' } },
            modules: { 'image-capture-od': { runtimeStatus: 'running' } },
          },
        },
      }),
    );
    const result = await runAsync(join(dir, 'scripts/05-test.sh'), {
      bin: fakeBin(),
      env: { FAKE_TWIN: twin, EDGE_DEVICE_HOST: '127.0.0.1' },
    });
    assert.is(result.status, 0, result.output);
    assert.match(result.output, new RegExp(`ok: open http://127\\.0\\.0\\.1:${view.address().port}/ in a browser`));
  } finally {
    view.close();
  }
});

test('05 for a fleet also waits until IoT Hub reports the deployment Applied on the device', async () => {
  const ir = variants().fleet;
  ir.model.samples = [];
  ir.modules[1].ports = []; // no host port for the capture view: nothing to wait for here
  const ctx = makeContext(ir);
  const manifest = renderManifest(ctx);
  const dir = writeOut([...renderScripts(ctx), ...manifest.files]);
  const twin = join(dir, 'twin.json');
  const reported = {
    lastDesiredStatus: { code: 200 },
    lastDesiredVersion: 2,
    systemModules: { edgeHub: { runtimeStatus: 'running' } },
    modules: { 'people-detection-service': { runtimeStatus: 'running' }, 'image-capture-od': { runtimeStatus: 'running' } },
  };
  const write = (status) =>
    writeFileSync(
      twin,
      JSON.stringify({
        configurations: { [manifest.fleetConfiguration.id]: { status } },
        properties: { desired: { $version: 2 }, reported },
      }),
    );
  write('Targeted');
  const env = { FAKE_TWIN: twin, EDGE_DEVICE_ID: 'dev-1', EDGEML_TEST_TIMEOUT: '1' };
  const pending = await runAsync(join(dir, 'scripts/05-test.sh'), { bin: fakeBin(), env });
  assert.is.not(pending.status, 0);
  assert.match(pending.output, new RegExp(`deployment ${manifest.fleetConfiguration.id} is Targeted on dev-1`));
  write('Applied');
  const applied = await runAsync(join(dir, 'scripts/05-test.sh'), { bin: fakeBin(), env });
  assert.is(applied.status, 0, applied.output);
  assert.match(applied.output, /HTTP test is skipped/);
});

test('no secret value from the environment appears in any rendered script', () => {
  const ir = variants().existing;
  const values = { REG_USER: 'user-secret-value-1', REG_PASS: 'pass-secret-value-2' };
  Object.assign(process.env, values);
  try {
    for (const f of renderScripts(makeContext(ir))) {
      for (const v of Object.values(values)) assert.not.ok(text(f).includes(v), `${f.path} holds a secret`);
    }
  } finally {
    for (const k of Object.keys(values)) delete process.env[k];
  }
});

test('02 --checklist for Azure Stack Edge prints the VM steps with the values to enter and changes nothing', () => {
  const ir = variants().dbe;
  const dir = writeOut(renderScripts(makeContext(ir)));
  const result = run(join(dir, 'scripts/02-setup-device.sh'), { bin: fakeBin(), args: ['--checklist'] });
  assert.is(result.status, 0, result.output);
  assert.match(result.output, /Ubuntu VM on the appliance \(managed IoT Edge was retired on 2024-03-31\)/);
  assert.match(result.output, /enable a port for compute/);
  assert.match(result.output, /Canonical:0001-com-ubuntu-server-jammy:22_04-lts:latest/);
  assert.match(result.output, /myiothub-test/);
  assert.match(result.output, /myedgedevice/);
  assert.match(result.output, /youracr123unique\.azurecr\.io/);
  assert.not.match(result.output, /Configure compute/);
  assert.equal(result.calls, []);
  // The same script, run without --checklist, is the ordinary device setup (it needs root, which this run lacks).
  const install = text(renderScripts(makeContext(ir)).find((f) => f.path === 'scripts/02-setup-device.sh'));
  assert.match(install, /apt-get install -y -q "aziot-edge=\$IOTEDGE_VERSION\.\*"/);
  const gpu = text(
    renderScripts(makeContext({ ...ir, target: { ...ir.target, accelerator: 'nvidia-gpu' } })).find(
      (f) => f.path === 'scripts/02-setup-device.sh',
    ),
  );
  assert.match(gpu, /GPU size of the NCasT4_v3 series/);
});

test("01 creates the Azure Stack Edge VM's device identity (the appliance no longer does)", () => {
  const ir = variants().dbe;
  const s = text(
    renderScripts(
      makeContext({ ...ir, azure: { ...ir.azure, deployment: { kind: 'device', deviceId: 'myedgedevice', create: true } } }),
    ).find((f) => f.path === 'scripts/01-create-resources.sh'),
  );
  assert.match(s, /az iot hub device-identity create --hub-name "\$IOT_HUB" --device-id "\$DEVICE_ID" --edge-enabled/);
  assert.not.match(s, /Configure compute/);
});

test("01 prints tag examples that match the fleet's own target condition", () => {
  const ir = variants().fleet;
  const files = renderScripts(
    makeContext({
      ...ir,
      azure: { ...ir.azure, deployment: { ...ir.azure.deployment, targetCondition: "tags.role='scanner' AND tags.site.name='O''Hare'" } },
    }),
  );
  const lib = text(files.find((f) => f.path === 'scripts/lib.sh'));
  assert.match(lib, /^FLEET_DEVICE_TAGS='\{"role":"scanner","site":\{"name":"O'\\''Hare"\}\}'$/m);
  const step1 = text(files.find((f) => f.path === 'scripts/01-create-resources.sh'));
  assert.match(step1, /--tags '\$FLEET_DEVICE_TAGS'/);
  assert.not.match(step1, /environment/);
});

test("02 pins aziot-edge to the runtime minor, checks the engine's Docker API range, and installs gnupg before gpg", () => {
  const files = renderScripts(makeContext(variants().gpu));
  const s = text(files.find((f) => f.path === 'scripts/02-setup-device.sh'));
  assert.match(s, /apt-get install -y -q "aziot-edge=\$IOTEDGE_VERSION\.\*"/);
  assert.match(s, /^DAEMON_DOCKER_API='1\.34'$/m);
  assert.match(s, /docker version --format "\{\{\.Server\.\$1\}\}"/);
  assert.match(s, /server_api MinAPIVersion/);
  const gnupg = s.search(/^apt-get install -y -q [^\n]*\bgnupg\b/m);
  assert.ok(gnupg >= 0 && gnupg < s.indexOf('gpg --dearmor'), 'gnupg is installed before gpg is used');
  assert.match(s, /nvidia-ctk runtime configure --runtime=docker/);
  assert.match(s, /ubuntu\/24\.04\/packages-microsoft-prod\.deb/);
  assert.match(s, /iotedge config mp --connection-string "\$connection_string"/);
  assert.not.match(s, /sleep \d/);
});

test.after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

test.run();
