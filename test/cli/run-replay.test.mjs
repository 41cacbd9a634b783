// `edgeml run --replay MODULE.OUTPUT=FILE` on the telemetry example: the simulated sensor's recorded readings go
// through the local edgeHub into the telemetry module, which runs for real; exactly the injected anomalies go upstream.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const expected = JSON.parse(readFileSync(join(root, 'specs/samples/telemetry/readings.expected.json'), 'utf8'));
const readings = readFileSync(join(root, 'specs/samples/telemetry/readings.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const work = mkdtempSync(join(tmpdir(), 'edgeml-replay-'));
// Its own loopback address, so the local edgeHub's port 8883 never collides with another test file's.
const host = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
const run = (...args) =>
  spawnSync(process.execPath, [join(root, 'bin/edgeml.js'), 'run', 'specs/machine-anomaly.yaml', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1', TMPDIR: work, EDGEML_EDGEHUB_HOST: host },
  });

test('the recorded sensor readings flow through the local edgeHub; only the injected anomalies go upstream', () => {
  const r = run('--replay', 'sensor.temperatureOutput=specs/samples/telemetry/readings.jsonl');
  assert.is(r.status, 0, r.stderr);
  const upstream = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.is(upstream.length, expected.anomalies.length);
  for (const m of upstream) {
    assert.is(m.route, 'anomaliesUpstream');
    assert.is(m.body.anomaly, true);
    assert.is(m.body.input.moduleId, 'sensor', 'the result names the module the reading came from');
  }
  // The results carry the readings' own creation times: exactly those of the injected lines.
  assert.equal(
    upstream.map((m) => m.body.timestamps.created).sort(),
    expected.anomalies.map((a) => readings[a.line - 1].timeCreated).sort(),
  );
  assert.match(r.stderr, '[replay] 200 recorded message(s) sent');
  assert.match(r.stderr, 'route readingsToDetector: 200 matched (0 because of a null comparison), 200 delivered');
  assert.match(
    r.stderr,
    `route anomaliesUpstream: ${expected.anomalies.length} matched (0 because of a null comparison), ${expected.anomalies.length} delivered`,
  );
});

test('a --replay that names no declared output is a usage error with its reason', () => {
  const r = run('--replay', 'sensor.nope=specs/samples/telemetry/readings.jsonl');
  assert.is(r.status, 2);
  assert.match(
    r.stderr,
    /EML7157: --replay 'sensor\.nope=.*' is not usable: module 'sensor' declares no output 'nope' \(it has temperatureOutput\)/,
  );
  const missing = run('--replay', 'sensor.temperatureOutput=no-such.jsonl');
  assert.is(missing.status, 2);
  assert.match(missing.stderr, /cannot read 'no-such\.jsonl' \(ENOENT\)/);
});

test.after(() => rmSync(work, { recursive: true, force: true }));

test.run();
