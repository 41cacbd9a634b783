// Real Docker build of a generated scoring image (CI, needs .ci/docker-setup.sh): compile the runnable
// text-orientation spec for amd64, `docker build` its scoring module, run it and score a sample over HTTP, push it to
// the local registry and check the pushed image's platform and config. Without an engine: skipped, with the reason.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testUnless, whyMissing } from '../helpers/requires.mjs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ciRegistryAddress as registryAddress } from '../helpers/docker-ci.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Compiles the runnable example for amd64 into a new temp folder (added to `temps`), with `registry` as the image registry. */
function compileForAmd64(registry, temps) {
  const out = mkdtempSync(join(tmpdir(), 'edgeml-docker-'));
  temps.push(out);
  const compiled = sh(
    process.execPath,
    [
      'bin/edgeml.js',
      'compile',
      'specs/text-orientation.yaml',
      '--out',
      out,
      '--set',
      'target.platform=amd64',
      '--set',
      'target.device=generic',
      '--set',
      'target.os=debian-12',
    ],
    {
      cwd: root,
      env: { ...process.env, REGISTRY_ADDRESS: registry, NO_COLOR: '1' },
      timeout: 120_000,
    },
  );
  assert.is(compiled.status, 0, compiled.stdout + compiled.stderr);
  return out;
}

const sh = (cmd, args, options = {}) => spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
const why = (result) =>
  (result.error?.message ?? (result.stderr || result.stdout || '').trim().split('\n').pop() ?? 'unknown error').slice(0, 300);

/** Why the Docker part cannot run here, or undefined when it can. */
const unavailable = () => whyMissing('docker');

/** The amd64 scoring image's dependency size the compiled README states, in bytes (stated in MB, one decimal). */
function readmeBytes(out) {
  const row = /^\| orientation \| amd64 \| ([\d.]+) MB \|$/m.exec(readFileSync(join(out, 'README.md'), 'utf8'));
  assert.ok(row, 'the README states the amd64 scoring image dependency size');
  return Number(row[1]) * 1e6;
}

async function registryJson(registry, path, accept) {
  const response = await fetch(`http://${registry}${path}`, { headers: accept ? { accept } : {} });
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  return { json: await response.json(), digest: response.headers.get('docker-content-digest') };
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

const reason = unavailable();
if (reason) {
  const skipped = testUnless(test, reason);
  skipped('docker build, run and push of the generated scoring image', () => {});
  skipped('docker build of the generated capture image: media bundled, runs as node', () => {});
} else {
  const temps = [];
  const cleanups = [];

  test('docker build, run and push of the generated scoring image', async () => {
    const registry = registryAddress();
    const ping = await fetch(`http://${registry}/v2/`).catch((e) => ({ ok: false, status: e.message }));
    assert.ok(ping.ok, `local registry ${registry} answers /v2/ (run .ci/docker-setup.sh): ${ping.status}`);

    // 1. Compile the spec for amd64 into a temp folder, with the local registry as the image registry.
    const out = compileForAmd64(registry, temps);

    // The tag the build script would use (resolveImages), and the manifest must reference the same.
    const script = readFileSync(join(out, 'scripts/03-build-push.sh'), 'utf8');
    const line = /^build_and_push 'orientation' 'linux\/amd64' 'Dockerfile\.amd64' '([^']+)'$/m.exec(script);
    assert.ok(line, 'build script builds the orientation module for linux/amd64');
    const image = line[1];
    assert.match(image, new RegExp(`^${registry.replace(/[.]/g, '\\.')}/text-orientation/orientation:1\\.0-[0-9a-f]{12}-amd64$`));
    assert.ok(readFileSync(join(out, 'deployment.fleet.json'), 'utf8').includes(image), 'manifest references the built image');

    const dockerfile = readFileSync(join(out, 'modules/orientation/Dockerfile.amd64'), 'utf8');
    const base = /^FROM (\S+) AS build$/m.exec(dockerfile)[1];
    if (sh('docker', ['image', 'inspect', base]).status !== 0) {
      console.log(`NOTICE: base image ${base} is not available offline; run .ci/docker-setup.sh (the build may try Docker Hub)`);
    }

    // 2. Build. --network host: this engine runs without a bridge network, and npm must reach the registry.
    const build = sh(
      'docker',
      [
        'build',
        '--network',
        'host',
        '--platform',
        'linux/amd64',
        '--file',
        join(out, 'modules/orientation/Dockerfile.amd64'),
        '--tag',
        image,
        join(out, 'modules/orientation'),
      ],
      { timeout: 15 * 60_000 },
    );
    cleanups.push(() => sh('docker', ['rmi', '--force', image]));
    assert.is(build.status, 0, `docker build failed:\n${(build.stdout + build.stderr).split('\n').slice(-30).join('\n')}`);

    // 3. Run it and score the spec's first sample (upside-down text: the model must say 180).
    const port = await freePort();
    const name = `edgeml-build-test-${process.pid}`;
    const run = sh('docker', ['run', '--detach', '--name', name, '--network', 'host', '--env', `EDGEML_PORT=${port}`, image]);
    if (run.status !== 0) {
      console.log(`NOTICE: could not run the built image (${why(run)}); the HTTP check is skipped`);
    } else {
      cleanups.push(() => sh('docker', ['rm', '--force', name]));
      const deadline = Date.now() + 120_000;
      let health;
      while (Date.now() < deadline) {
        health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        if (health?.ok) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.ok(health?.ok, `the container's /healthz answers 200 within 120 s; logs:\n${sh('docker', ['logs', name]).stdout}`);
      const body = readFileSync(join(root, 'specs/samples/text/text-rotated.jpg'));
      const answer = await (
        await fetch(`http://127.0.0.1:${port}/predict`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body })
      ).json();
      const best = [...answer.results.image.predictions].sort((a, b) => b.score - a.score)[0];
      assert.is(best.label, '180');
      assert.ok(best.score >= 0.8, `score ${best.score}`);
      assert.is(sh('docker', ['exec', name, 'id', '-u']).stdout.trim(), '1000', 'runs as the non-root node user');
      // The image's HEALTHCHECK command, pointed at the port used here: healthy when serving, unhealthy when not.
      const probe = JSON.parse(sh('docker', ['image', 'inspect', image]).stdout)[0].Config.Healthcheck.Test;
      assert.equal(probe.slice(0, 3), ['CMD', 'node', '-e']);
      assert.ok(probe[3].includes(':8080/healthz'), probe[3]);
      assert.is(sh('docker', ['exec', name, 'node', '-e', probe[3].replace(':8080/', `:${port}/`)]).status, 0, 'healthy');
      assert.is(sh('docker', ['exec', name, 'node', '-e', probe[3].replace(':8080/', ':1/')]).status, 1, 'unhealthy when nothing answers');

      // The pruned image (it just scored): only linux/x64 native binaries, every one of them mapped by the running
      // module; the dependencies are at most 1.15x what the platform needs (the mapped native files plus every
      // non-native package file), and their size is the one the compiled README states.
      const sizes = sh('docker', [
        'exec',
        name,
        'sh',
        '-c',
        [
          'du -sb /app/node_modules | cut -f1',
          'find /app/node_modules \\( -name "*.so*" -o -name "*.node" \\) -type f -printf "%s %p\\n" | sort -k2',
          'echo mapped',
          'grep -o "/app/node_modules/[^ ]*" /proc/1/maps | sort -u',
        ].join('; '),
      ]);
      assert.is(sizes.status, 0, sizes.stderr);
      const [totalLine, ...rest] = sizes.stdout.trim().split('\n');
      const natives = rest
        .slice(0, rest.indexOf('mapped'))
        .map((l) => ({ bytes: Number(l.split(' ')[0]), path: l.slice(l.indexOf(' ') + 1) }));
      const mapped = new Set(rest.slice(rest.indexOf('mapped') + 1));
      const total = Number(totalLine);
      assert.ok(
        natives.every((n) => /linux[-/]x64\//.test(n.path)),
        `only linux x64 binaries: ${natives.map((n) => n.path).join(', ')}`,
      );
      const unused = natives.filter((n) => !mapped.has(n.path)).reduce((sum, n) => sum + n.bytes, 0);
      const needed = total - unused;
      console.log(
        `pruned image dependencies: ${total} bytes (README states ${readmeBytes(out)}); needed ${needed}; ratio ${(total / needed).toFixed(3)}`,
      );
      assert.ok(total / needed <= 1.15, `dependencies ${total} bytes are ${(total / needed).toFixed(2)}x the ${needed} the platform needs`);
      assert.ok(
        Math.abs(total - readmeBytes(out)) / total < 0.02,
        `the README's figure (${readmeBytes(out)}) is within 2% of the image's ${total} bytes`,
      );
    }

    // 4. Push and read the image back from the registry: platform, user, health check, port.
    const push = sh('docker', ['push', image], { timeout: 10 * 60_000 });
    assert.is(push.status, 0, push.stdout + push.stderr);
    const [, repository, tag] = /^[^/]+\/(.+):([^:]+)$/.exec(image);
    const { json: manifest, digest } = await registryJson(
      registry,
      `/v2/${repository}/manifests/${tag}`,
      'application/vnd.docker.distribution.manifest.v2+json',
    );
    cleanups.push(() => digest && fetch(`http://${registry}/v2/${repository}/manifests/${digest}`, { method: 'DELETE' }).catch(() => {}));
    const { json: config } = await registryJson(registry, `/v2/${repository}/blobs/${manifest.config.digest}`);
    assert.is(config.os, 'linux');
    assert.is(config.architecture, 'amd64');
    assert.is(config.config.User, 'node');
    assert.ok(config.config.ExposedPorts['8080/tcp'], 'EXPOSE 8080');
    assert.is(config.config.Healthcheck.Test[0], 'CMD');
    assert.is(config.config.Healthcheck.Test[1], 'node');
    assert.equal(config.config.Cmd, ['node', 'app/scoring/main.js', '/app/config.json']);
  });

  test('docker build of the generated capture image: media bundled, runs as node', () => {
    const registry = registryAddress();
    const out = compileForAmd64(registry, temps);
    const image = /^build_and_push 'scanner' 'linux\/amd64' 'Dockerfile\.amd64' '([^']+)'$/m.exec(
      readFileSync(join(out, 'scripts/03-build-push.sh'), 'utf8'),
    )[1];
    const build = sh(
      'docker',
      [
        'build',
        '--network',
        'host',
        '--platform',
        'linux/amd64',
        '--file',
        join(out, 'modules/scanner/Dockerfile.amd64'),
        '--tag',
        image,
        join(out, 'modules/scanner'),
      ],
      { timeout: 15 * 60_000 },
    );
    cleanups.push(() => sh('docker', ['rmi', '--force', image]));
    assert.is(build.status, 0, `docker build failed:\n${(build.stdout + build.stderr).split('\n').slice(-30).join('\n')}`);
    // The capture module needs IoT Edge to run, so look inside instead: the bundled folder and the installed packages.
    const listing = sh('docker', [
      'run',
      '--rm',
      '--network',
      'none',
      '--entrypoint',
      'sh',
      image,
      '-c',
      'id -u; ls media/samples/text; ls node_modules | grep -c azure-iot-device',
    ]);
    assert.is(listing.status, 0, listing.stderr);
    const [uid, ...rest] = listing.stdout.trim().split('\n');
    assert.is(uid, '1000');
    assert.equal(rest.slice(0, -1).sort(), ['text-rotated.jpg', 'text-upright.jpg', 'text2-rotated.png', 'text2-upright.png']);
    assert.is(rest[rest.length - 1], '2', 'azure-iot-device and azure-iot-device-mqtt installed');
  });

  test.after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });
}

test.run();
