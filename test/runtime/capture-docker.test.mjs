// The generated capture image in Docker, end to end: compile the runnable example, build its scoring and capture
// images, run the scoring container, then the capture container with a local config (scoring at a loopback port,
// since there is no edge network here): result lines on stdout, EDGEML_MAX_FRAMES, and `docker stop` (SIGTERM) as a
// clean stop. Without a Docker engine: skipped, with the reason. Builds reuse the engine's layer cache.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testUnless, whyMissing } from '../helpers/requires.mjs';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '../../dist/local/free-port.js';
import { compileContract } from '../../dist/contracts/validate.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sh = (cmd, args, options = {}) => spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
const lastLine = (r) => (r.error?.message ?? (r.stderr || r.stdout || '').trim().split('\n').pop() ?? '').slice(0, 300);

const engineMissing = whyMissing('docker');
if (engineMissing) {
  testUnless(test, engineMissing)('the capture container sends frames to the scoring container and prints its results', () => {});
} else {
  const out = mkdtempSync(join(tmpdir(), 'edgeml-capture-image-'));
  const tag = (module) => `edgeml-capture-test-${module}:${process.pid}`;
  const containers = [];

  test.after(() => {
    for (const name of containers) sh('docker', ['rm', '--force', name]);
    sh('docker', ['rmi', '--force', tag('scanner'), tag('orientation')]);
    rmSync(out, { recursive: true, force: true });
  });

  test('the capture container sends frames to the scoring container and prints its results', async () => {
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
        env: { ...process.env, NO_COLOR: '1' },
        timeout: 120_000,
      },
    );
    assert.is(compiled.status, 0, compiled.stdout + compiled.stderr);
    for (const module of ['orientation', 'scanner']) {
      // --network host: this engine may run without a bridge network, and npm must reach the registry.
      const build = sh(
        'docker',
        [
          'build',
          '--network',
          'host',
          '--platform',
          'linux/amd64',
          '--file',
          join(out, `modules/${module}/Dockerfile.amd64`),
          '--tag',
          tag(module),
          join(out, `modules/${module}`),
        ],
        { timeout: 15 * 60_000 },
      );
      assert.is(build.status, 0, `docker build of ${module} failed:\n${(build.stdout + build.stderr).split('\n').slice(-20).join('\n')}`);
    }

    const port = await findFreePort();
    const scorer = `edgeml-capture-test-scorer-${process.pid}`;
    containers.push(scorer);
    const started = sh('docker', [
      'run',
      '--detach',
      '--name',
      scorer,
      '--network',
      'host',
      '--env',
      `EDGEML_PORT=${port}`,
      tag('orientation'),
    ]);
    assert.is(started.status, 0, lastLine(started));
    let ready = false;
    for (const deadline = Date.now() + 120_000; !ready && Date.now() < deadline; ) {
      ready = (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok ?? false;
      if (!ready) await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(ready, `scoring container ready; logs:\n${sh('docker', ['logs', scorer]).stdout}`);

    // The compiled config, with the scoring URL pointed at the loopback port instead of http://orientation:8080.
    const config = JSON.parse(readFileSync(join(out, 'modules/scanner/config.json'), 'utf8'));
    assert.is(config.scoring.url, 'http://orientation:8080/image', 'the compiled config uses the edge network name');
    const local = join(out, 'local-config.json');
    writeFileSync(local, JSON.stringify({ ...config, scoring: { ...config.scoring, url: `http://127.0.0.1:${port}/image` } }));
    chmodSync(local, 0o644); // the container runs as the node user

    const run = sh(
      'docker',
      ['run', '--rm', '--network', 'host', '--env', 'EDGEML_MAX_FRAMES=4', '--volume', `${local}:/app/config.json:ro`, tag('scanner')],
      { timeout: 120_000 },
    );
    assert.is(run.status, 0, run.stderr);
    const messages = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(
      messages.map((m) => m.properties.frameOrigin),
      ['text-rotated.jpg', 'text-upright.jpg', 'text2-rotated.png', 'text2-upright.png'],
      'the bundled folder, in order',
    );
    // Every message matches the contract the compile rendered for this output.
    const contract = compileContract(JSON.parse(readFileSync(join(out, 'contracts/scanner.lines.schema.json'), 'utf8')));
    for (const m of messages) {
      assert.equal(contract(m.body), [], `message matches contracts/scanner.lines.schema.json: ${JSON.stringify(m.body)}`);
      assert.equal([m.type, m.output, m.contentType, m.contentEncoding], ['message', 'lines', 'application/json', 'utf-8']);
      assert.is(m.body.predictions[0].tagName, m.properties.frameOrigin.includes('rotated') ? '180' : '0');
    }
    assert.match(run.stderr, "folder '/app/media/samples/text' (4 images)");
    assert.match(run.stderr, 'stopped (limit): 4 frames captured, 4 sent');

    // docker stop sends SIGTERM: the module finishes its frame and exits 0.
    const capture = `edgeml-capture-test-scanner-${process.pid}`;
    containers.push(capture);
    assert.is(
      sh('docker', ['run', '--detach', '--name', capture, '--network', 'host', '--volume', `${local}:/app/config.json:ro`, tag('scanner')])
        .status,
      0,
    );
    await new Promise((r) => setTimeout(r, 2000));
    const stop = sh('docker', ['stop', '--time', '10', capture], { timeout: 60_000 });
    assert.is(stop.status, 0, lastLine(stop));
    assert.is(sh('docker', ['inspect', '--format', '{{.State.ExitCode}}', capture]).stdout.trim(), '0');
    const logs = sh('docker', ['logs', capture]);
    assert.match(logs.stderr, 'SIGTERM: finishing the frame in flight');
    assert.match(logs.stderr, 'stopped (stopped)');
    assert.ok(logs.stdout.trim().split('\n').length >= 2, 'it sent results before the stop');
  });
}

test.run();
