// `edgeml run` with its local edgeHub, as a user runs it (node bin/edgeml.js): the capture module sends its results
// through the real ModuleClient path; `--attach relay` leaves a module to the user, who starts it (here: a module
// written with the real azure-iot-device SDK) with nothing but the env file's variables; its input and output route
// per the spec like the rest; `--invoke` calls its direct method and patches its desired properties. Then the same
// graph with the relay as a Docker container built from a tiny Dockerfile (skipped, and counted, without an engine).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { testUnless, whyMissing } from '../helpers/requires.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'edgeml-run-edgehub-'));
const runTmp = join(work, 'tmp');
mkdirSync(runTmp);
// A loopback address of its own (Linux routes all of 127/8 to lo), so parallel runs do not collide on port 8883.
const edgeHubHost = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
const env = { ...process.env, NO_COLOR: '1', TMPDIR: runTmp, EDGEML_EDGEHUB_HOST: edgeHubHost };
const moduleScript = join(root, 'test/fixtures/edgehub/sdk-module.cjs');
const children = new Set();
test.after(() => {
  for (const child of children) child.kill('SIGINT');
  rmSync(work, { recursive: true, force: true });
});

/** The text-orientation example with a `relay` module between the capture module and upstream. */
function writeSpec(dir, relay) {
  mkdirSync(join(dir, 'models/text-orientation'), { recursive: true });
  mkdirSync(join(dir, 'samples/text'), { recursive: true });
  copyFileSync(join(root, 'specs/models/text-orientation/model.onnx'), join(dir, 'models/text-orientation/model.onnx'));
  for (const f of ['text-rotated.jpg', 'text-upright.jpg']) copyFileSync(join(root, 'specs/samples/text', f), join(dir, 'samples/text', f));
  const example = readFileSync(join(root, 'specs/text-orientation.yaml'), 'utf8');
  const spec =
    example.slice(0, example.indexOf('routes:')).replace('    fps: 2\n', '    fps: 4\n') +
    `  relay:
    type: container
${relay}
    inputs: [in1]
    outputs: [forwarded]
    twin: { threshold: 0.5 }
routes:
  - { name: toRelay, from: scanner.lines, to: relay.in1 }
  - { name: relayUp, from: relay.forwarded, to: upstream }
`;
  writeFileSync(join(dir, 'spec.yaml'), spec);
  return join(dir, 'spec.yaml');
}

/** Messages route `name` delivered, from the run's closing per-route lines. */
const delivered = (stderr, name) => Number(new RegExp(`route ${name}: \\d+ matched \\([^)]*\\), (\\d+) delivered`).exec(stderr)?.[1]);

/** Reads a `NAME='value'` env file as `set -a; . file` would. */
function readEnvFile(file) {
  const out = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)='(.*)'$/.exec(line);
    if (m) out[m[1]] = m[2].replace(/'\\''/g, "'");
  }
  return out;
}

function collect(child) {
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  out.exited = new Promise((resolve) => child.on('close', (code) => (children.delete(child), resolve(code))));
  return out;
}

async function until(predicate, ms, what) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('--attach: the user starts the module with the env file; capture → relay input → relay output → upstream, with --invoke', async () => {
  const spec = writeSpec(join(work, 'attach'), '    image: example.invalid/relay:1');
  const run = spawn(
    process.execPath,
    [
      'bin/edgeml.js',
      'run',
      spec,
      '--attach',
      'relay',
      '--frames',
      '3',
      '--invoke',
      'relay.echo={"ping":1}',
      '--invoke',
      'relay.$desired={"threshold":0.9}',
    ],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(run);
  const out = collect(run);
  try {
    await attachedRun(run, out);
  } finally {
    run.kill('SIGINT');
  }
});

async function attachedRun(_run, out) {
  await until(() => /its variables are in (\S+\.env):/.test(out.stderr), 60_000, `the attach env file; stderr: ${out.stderr}`);
  const envFile = /its variables are in (\S+\.env):/.exec(out.stderr)[1];
  const variables = readEnvFile(envFile);
  assert.equal(Object.keys(variables).sort(), ['EdgeHubConnectionString', 'EdgeModuleCACertificateFile']);
  assert.match(
    variables.EdgeHubConnectionString,
    new RegExp(
      `^HostName=ocr-edge-hub-unique\\.azure-devices\\.net;DeviceId=[^;]+;ModuleId=relay;SharedAccessKey=[^;]+;GatewayHostName=${edgeHubHost.replace(/\./g, '\\.')}$`,
    ),
  );
  assert.match(out.stderr, `EdgeHubConnectionString=${variables.EdgeHubConnectionString}`, 'the variables are printed too');

  // The "debugger": the SDK module started by hand with exactly the env file's variables.
  const relay = spawn(process.execPath, [moduleScript, 'relay'], {
    env: { PATH: process.env.PATH, ...variables },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(relay);
  const events = [];
  createInterface({ input: relay.stdout }).on('line', (l) => events.push(JSON.parse(l)));
  const code = await Promise.race([
    out.exited,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`the run did not stop: ${out.stderr}`)), 120_000)),
  ]);
  relay.kill('SIGTERM');
  assert.is(code, 0, out.stderr);

  const upstream = out.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.is(upstream.length, 3);
  for (const m of upstream) {
    assert.is(m.route, 'relayUp');
    assert.equal(m.from, { module: 'relay', output: 'forwarded' });
    assert.is(m.properties.relayed, 'yes');
    assert.ok(['0', '180'].includes(m.body.predictions[0].tagName), 'the relay forwarded the scoring result');
  }
  // The relay read the capture module's results on in1, with the properties the capture module set.
  const inputs = events.filter((e) => e.event === 'input');
  assert.ok(inputs.length >= 3);
  assert.ok(inputs.every((e) => e.input === 'in1' && /^text-(rotated|upright)\.jpg$/.test(e.properties.frameOrigin)));
  assert.match(out.stderr, '[invoke] relay.echo → 200 {"echoed":{"ping":1},"by":"relay"}');
  assert.match(out.stderr, '[invoke] relay.$desired → 200 {"$version":2}');
  // The spec's desired properties (version 1), then the patch (version 2): the module sees the patch in its twin or,
  // when it read the twin first, as a desired-properties update.
  await until(
    () => events.some((e) => (e.event === 'desired' && e.patch.$version === 2) || (e.event === 'twin' && e.desired.$version === 2)),
    5000,
    'the patch at the module',
  ).catch(() => undefined);
  const twinSeen = events.find((e) => e.event === 'twin').desired;
  assert.equal(twinSeen, twinSeen.$version === 1 ? { threshold: 0.5, $version: 1 } : { threshold: 0.9, $version: 2 });
  const patched = [twinSeen, ...events.filter((e) => e.event === 'desired').map((e) => e.patch)].find((d) => d.$version === 2);
  assert.is(patched?.threshold, 0.9, JSON.stringify(events.filter((e) => e.event !== 'input')));
  // The capture module itself went through ModuleClient and the local edgeHub, not stdout.
  assert.match(out.stderr, "[edgeHub] module 'scanner' connected");
  assert.match(out.stderr, /results on output 'lines' via iotedge/);
  assert.ok(delivered(out.stderr, 'toRelay') >= 3, out.stderr);
  assert.is(delivered(out.stderr, 'relayUp'), 3, out.stderr);
  assert.not.ok(existsSync(envFile), 'the env file is removed when the run stops');
}

test('--attach and --invoke mistakes are diagnostics with codes', () => {
  const spec = writeSpec(join(work, 'mistakes'), '    image: example.invalid/relay:1');
  const r1 = spawnSync(process.execPath, ['bin/edgeml.js', 'run', spec, '--attach', 'orientation'], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.is(r1.status, 1);
  assert.match(r1.stderr, /error EML7154: --attach orientation: a scoring module answers HTTP and does not talk to edgeHub/);
  const r2 = spawnSync(process.execPath, ['bin/edgeml.js', 'run', spec, '--invoke', 'nosuch.reset={}', '--invoke', 'relay.$desired=[1]'], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.is(r2.status, 2);
  assert.match(r2.stderr, /error EML7153: --invoke 'nosuch\.reset=\{\}' is not usable: there is no module 'nosuch'/);
  assert.match(
    r2.stderr,
    /error EML7153: --invoke 'relay\.\$desired=\[1\]' is not usable: a desired properties patch must be a JSON object/,
  );
});

test('the port in use: EML7150 names the address, and nothing is left running', async () => {
  const { createServer } = await import('node:net');
  const host = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  const blocker = createServer().listen(8883, host);
  await new Promise((r) => blocker.once('listening', r));
  try {
    const spec = writeSpec(join(work, 'port'), '    image: example.invalid/relay:1');
    const r = spawnSync(process.execPath, ['bin/edgeml.js', 'run', spec, '--frames', '1'], {
      cwd: root,
      env: { ...env, EDGEML_EDGEHUB_HOST: host, DOCKER_HOST: 'tcp://127.0.0.1:9' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.is(r.status, 1);
    assert.match(r.stderr, `error EML7150: The local edgeHub cannot listen on ${host}:8883: the port is in use.`);
  } finally {
    blocker.close();
  }
});

test('a telemetry spec: the scoring module reads its input through the local edgeHub; an attached sensor replays readings', async () => {
  const run = spawn(process.execPath, ['bin/edgeml.js', 'run', 'specs/machine-anomaly.yaml', '--attach', 'sensor', '--frames', '20'], {
    cwd: root,
    env: { ...env, DOCKER_HOST: 'tcp://127.0.0.1:9' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(run);
  const out = collect(run);
  try {
    await until(() => /its variables are in (\S+\.env):/.test(out.stderr), 60_000, `the attach env file; stderr: ${out.stderr}`);
    const variables = readEnvFile(/its variables are in (\S+\.env):/.exec(out.stderr)[1]);
    assert.is(variables.MessageCount, '-1', "the module's env from the spec is in the file too");
    const sensor = spawn(process.execPath, [moduleScript, 'replay'], {
      env: {
        PATH: process.env.PATH,
        ...variables,
        REPLAY_FILE: join(root, 'specs/samples/telemetry/readings.jsonl'),
        REPLAY_OUTPUT: 'temperatureOutput',
      },
      stdio: 'ignore',
    });
    children.add(sensor);
    const code = await Promise.race([
      out.exited,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`the run did not stop: ${out.stderr}`)), 120_000)),
    ]);
    assert.is(code, 0, out.stderr);
    // The sample readings hold 20 injected anomalies; only anomalies go upstream.
    const upstream = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.is(upstream.length, 20);
    assert.ok(
      upstream.every(
        (m) =>
          m.route === 'anomaliesUpstream' && m.from.module === 'detector' && m.body.anomaly === true && m.body.input.moduleId === 'sensor',
      ),
    );
    assert.match(out.stderr, "[edgeHub] module 'detector' connected");
    assert.ok(delivered(out.stderr, 'readingsToDetector') >= 20, out.stderr);
    assert.is(delivered(out.stderr, 'anomaliesUpstream'), 20, out.stderr);
    // 'store' did not run (no Docker engine here): what was routed to it is reported unread, not dropped.
    assert.match(out.stderr, /warning EML7106: \d+ message\(s\) were routed to 'store' input 'results'/);
    assert.not.match(out.stderr, 'EML7155');
  } finally {
    run.kill('SIGINT');
  }
});

/** The stand-in base image .ci/docker-setup.sh imports (builds here are offline). */
const base = 'node:20.20.2-bookworm-slim';
/** Why the Docker tests cannot run here, or undefined. */
function whyNoDocker() {
  const missing = whyMissing('docker');
  if (missing) return missing;
  if (spawnSync('docker', ['image', 'inspect', base], { stdio: 'ignore' }).status !== 0)
    return `the base image ${base} is not on this machine (offline build)`;
  return undefined;
}
const withDocker = testUnless(test, whyNoDocker());

withDocker(
  'with Docker: the relay as a container built from a tiny Dockerfile gets the capture results on in1 and sends upstream',
  async () => {
    const image = `edgeml-h15-relay:${process.pid}`;
    const ctx = join(work, 'relay-image');
    mkdirSync(join(ctx, 'node_modules'), { recursive: true });
    // The SDK offline: the packages it needs copied from this checkout's node_modules into the build context.
    const needed = new Set();
    const addWithDeps = (name) => {
      if (needed.has(name) || !existsSync(join(root, 'node_modules', name, 'package.json'))) return;
      needed.add(name);
      const pkg = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'));
      for (const dep of Object.keys(pkg.dependencies ?? {})) addWithDeps(dep);
    };
    addWithDeps('azure-iot-device');
    addWithDeps('azure-iot-device-mqtt');
    for (const name of needed)
      cpSync(join(root, 'node_modules', name), join(ctx, 'node_modules', name), { recursive: true, dereference: true });
    copyFileSync(moduleScript, join(ctx, 'module.cjs'));
    writeFileSync(
      join(ctx, 'Dockerfile'),
      `FROM ${base}\nWORKDIR /app\nCOPY node_modules ./node_modules\nCOPY module.cjs ./\nUSER node\nCMD ["node", "module.cjs", "relay"]\n`,
    );
    const built = spawnSync('docker', ['build', '--network', 'none', '-t', image, ctx], { encoding: 'utf8', timeout: 300_000 });
    assert.is(built.status, 0, built.stderr);
    try {
      // Host networking: this CI engine has no bridge network; the manifest's createOptions are used as written.
      const spec = writeSpec(join(work, 'docker'), `    image: ${image}\n    createOptions: { HostConfig: { NetworkMode: host } }`);
      const r = spawnSync(process.execPath, ['bin/edgeml.js', 'run', spec, '--frames', '3', '--invoke', 'relay.echo={"from":"test"}'], {
        cwd: root,
        env,
        encoding: 'utf8',
        timeout: 240_000,
      });
      assert.is(r.status, 0, r.stderr);
      const upstream = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.is(upstream.length, 3);
      assert.ok(upstream.every((m) => m.route === 'relayUp' && m.from.module === 'relay' && m.properties.relayed === 'yes'));
      assert.match(r.stderr, "[edgeHub] module 'relay' connected");
      assert.match(r.stderr, '[invoke] relay.echo → 200 {"echoed":{"from":"test"},"by":"relay"}');
      assert.ok(delivered(r.stderr, 'toRelay') >= 3, r.stderr);
      assert.is(delivered(r.stderr, 'relayUp'), 3, r.stderr);
      const id = /\[relay\] container ([0-9a-f]{12}) started/.exec(r.stderr)?.[1];
      assert.ok(id);
      assert.is(
        spawnSync('docker', ['ps', '-a', '--filter', `id=${id}`, '--format', '{{.ID}}'], { encoding: 'utf8' }).stdout.trim(),
        '',
        'the container is removed',
      );
    } finally {
      spawnSync('docker', ['image', 'rm', '-f', image], { stdio: 'ignore' });
    }
  },
);

withDocker(
  'with Docker: a container that never connects is named with its log tail (EML7151); a forged key is refused (EML7152)',
  async () => {
    const { loadWorkflow } = await import('../../dist/program.js');
    const { runGraph } = await import('../../dist/local/run-graph.js');
    const { Reporter } = await import('../../dist/diagnostics/report.js');
    const spec = writeSpec(
      join(work, 'silent'),
      `    image: ${base}\n    createOptions: { HostConfig: { NetworkMode: host }, Cmd: ["node", "-e", "console.log('no IoT Edge here'); process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000)"] }`,
    );
    const loaded = await loadWorkflow(spec, { env });
    assert.ok(loaded.ir, JSON.stringify(loaded.diagnostics));
    const reporter = new Reporter(spec);
    const logs = [];
    let forged;
    const result = await runGraph({
      ir: loaded.ir,
      modelInfo: loaded.modelInfo,
      env,
      reporter,
      log: (line) => logs.push(line),
      onUpstream: () => undefined,
      durationMs: 8000,
      connectTimeoutMs: 3000,
      onReady: () => {
        // A module started with a key of its own making, as with an env file from an earlier run.
        const variables = {
          EdgeHubConnectionString: `HostName=ocr-edge-hub-unique.azure-devices.net;DeviceId=edgeml-local;ModuleId=relay;SharedAccessKey=${Buffer.alloc(32, 1).toString('base64')};GatewayHostName=${edgeHubHost}`,
          EdgeModuleCACertificateFile: /its CA: (\S+)/.exec(logs.join('\n'))?.[1] ?? '',
        };
        forged = spawn(process.execPath, [moduleScript, 'sender'], { env: { PATH: process.env.PATH, ...variables }, stdio: 'ignore' });
        children.add(forged);
      },
    });
    assert.is(result.stopReason, 'duration');
    const silent = reporter.diagnostics.find((d) => d.code === 'EML7151');
    assert.ok(silent, JSON.stringify(reporter.diagnostics));
    assert.match(silent.message, "Module 'relay' has not connected to the local edgeHub within 3 s; its last log lines:\nno IoT Edge here");
    const refused = reporter.diagnostics.find((d) => d.code === 'EML7152');
    assert.ok(refused, JSON.stringify(reporter.diagnostics));
    assert.match(refused.message, "refused 1 connection(s) for module 'relay': the signature does not match the module key");
  },
);

test.run();
