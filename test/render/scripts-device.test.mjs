// scripts/02-setup-device.sh run for real against fake apt-get/dpkg/docker/systemctl/iotedge, in a private mount
// namespace whose /etc/docker is a tmpfs (so the host's daemon.json is never touched). Needs root and unshare.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { renderScripts } from '../../dist/render/scripts/index.js';
import { makeContext, makeIR } from '../helpers/ir-fixtures.mjs';

const temps = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-device-'));
  temps.push(dir);
  return dir;
};

const FAKES = {
  'apt-get': 'echo "apt-get $*" >>"$FAKE_DIR/calls"',
  dpkg: `case "$1" in
  --print-architecture) echo amd64 ;;
  -s) exit 0 ;;
  *) echo "dpkg $*" >>"$FAKE_DIR/calls" ;;
esac`,
  curl: 'echo "curl $*" >>"$FAKE_DIR/calls"',
  systemctl: 'echo "systemctl $*" >>"$FAKE_DIR/calls"',
  // docker version --format '{{.Server.X}}': the engine's version and the Engine API range it accepts.
  docker: `case "$1 \${3:-}" in
  *MinAPIVersion*) echo "$FAKE_DOCKER_MIN_API" ;;
  *APIVersion*) echo "$FAKE_DOCKER_API" ;;
  version*) echo "$FAKE_DOCKER_VERSION" ;;
  info*) echo ok ;;
esac`,
  iotedge: `echo "iotedge \${1:-} \${2:-}" >>"$FAKE_DIR/calls"
case "\${1:-} \${2:-}" in
  "config mp") [[ "$3" == --connection-string ]] && printf '%s' "$4" >"$FAKE_DIR/connection-string" ;;
  "list "*)
    n=$(( $(cat "$FAKE_DIR/list-count" 2>/dev/null || echo 0) + 1 )); echo "$n" >"$FAKE_DIR/list-count"
    echo "NAME STATUS DESCRIPTION CONFIG"
    if (( n >= 2 )); then echo "edgeAgent running Up 1 seconds mcr.microsoft.com/azureiotedge-agent:1.5"; fi ;;
esac`,
};

function canUnshare() {
  if (process.getuid?.() !== 0) return 'not root';
  const probe = spawnSync('unshare', ['-m', 'bash', '-c', 'mount -t tmpfs tmpfs /etc && true'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : (probe.stderr || probe.error?.message || 'unshare failed').trim();
}

function setup(ir) {
  const dir = tempDir();
  for (const f of renderScripts(makeContext(ir))) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content, { mode: f.mode ?? 0o644 });
  }
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const [name, body] of Object.entries(FAKES)) {
    writeFileSync(join(bin, name), `#!/usr/bin/env bash\nset -euo pipefail\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return { dir, bin };
}

/** Runs 02 with /etc/docker replaced by a tmpfs holding `daemonJson`; returns the result and the daemon.json left. */
function runSetup({ dir, bin }, { env = {}, input = '', daemonJson = '{"data-root": "/srv/docker"}' } = {}) {
  const inner = [
    'set -u',
    'mount -t tmpfs tmpfs /etc/docker',
    'printf "%s" "$DAEMON_JSON" >/etc/docker/daemon.json',
    'bash "$SCRIPT"; rc=$?',
    'cp /etc/docker/daemon.json "$FAKE_DIR/daemon.json" 2>/dev/null || true',
    'exit $rc',
  ].join('\n');
  const result = spawnSync('unshare', ['-m', 'bash', '-c', inner], {
    encoding: 'utf8',
    input,
    timeout: 60_000,
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: process.env.HOME, FAKE_DIR: dir, SCRIPT: join(dir, 'scripts/02-setup-device.sh'), DAEMON_JSON: daemonJson, FAKE_DOCKER_VERSION: '26.1.3', FAKE_DOCKER_MIN_API: '1.24', FAKE_DOCKER_API: '1.45', ...env },
  });
  const read = (name) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch {
      return undefined;
    }
  };
  return { ...result, output: result.stdout + result.stderr, calls: (read('calls') ?? '').trim().split('\n').map((line) => line.trim()), daemon: read('daemon.json'), connectionString: read('connection-string') };
}

const debianIR = () => makeIR({ target: { platform: 'amd64', accelerator: 'none', device: 'generic', os: 'debian-12', runtime: '1.5' } });
const CS = 'HostName=myiothub-test.azure-devices.net;DeviceId=myedgedevice;SharedAccessKey=c2VjcmV0LWtleS12YWx1ZQ==';

const skip = canUnshare();
if (skip) {
  console.log(`NOTICE: cannot run 02-setup-device.sh in a private mount namespace (${skip}); skipping`);
  test.skip('02 provisions from stdin, merges daemon.json, pins aziot-edge and polls until edgeAgent runs', () => {});
} else {
  test('02 provisions from stdin, merges daemon.json, pins aziot-edge and polls until edgeAgent runs', () => {
    const r = runSetup(setup(debianIR()), { input: `${CS}\n` });
    assert.is(r.status, 0, r.output);
    assert.is(r.connectionString, CS, 'iotedge config mp received the string read from stdin');
    assert.not.ok(r.output.includes('SharedAccessKey=c2Vj'), 'the connection string is never printed');
    assert.equal(JSON.parse(r.daemon), { 'data-root': '/srv/docker', 'log-driver': 'local' });
    assert.ok(r.calls.includes('apt-get install -y -q aziot-edge=1.5.*'), r.calls.join('\n'));
    assert.ok(r.calls.includes('systemctl restart docker'));
    const order = ['iotedge config mp', 'iotedge config apply', 'iotedge list'].map((c) => r.calls.indexOf(c));
    assert.is(r.calls.filter((c) => c === 'iotedge list').length >= 2, true, 'polled until edgeAgent ran');
    assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])), r.calls.join('\n'));
  });

  // Docker Engine API ranges (MinAPIVersion-APIVersion): 29.0-29.2 accept 1.44 and newer, 29.3 and later 1.40 and newer.
  const DOCKER_29_0 = { FAKE_DOCKER_VERSION: '29.0.1', FAKE_DOCKER_MIN_API: '1.44', FAKE_DOCKER_API: '1.52' };
  const DOCKER_29_3 = { FAKE_DOCKER_VERSION: '29.3.0', FAKE_DOCKER_MIN_API: '1.40', FAKE_DOCKER_API: '1.53' };

  test('02 refuses a Docker engine that no longer accepts API v1.34 for IoT Edge 1.5, before installing aziot-edge', () => {
    const r = runSetup(setup(debianIR()), { input: `${CS}\n`, env: DOCKER_29_3 });
    assert.is.not(r.status, 0);
    assert.match(r.output, /accepts only Engine API 1\.40 and newer, but IoT Edge 1\.5 calls v1\.34/);
    assert.not.ok(r.calls.some((c) => c.startsWith('apt-get install -y -q aziot-edge')));
  });

  test('02 refuses Docker 29.0-29.2 (minimum API 1.44) for IoT Edge 1.6, naming the fix', () => {
    const ir = debianIR();
    ir.target.runtime = '1.6';
    const r = runSetup(setup(ir), { input: `${CS}\n`, env: DOCKER_29_0 });
    assert.is.not(r.status, 0, r.output);
    assert.match(r.output, /accepts only Engine API 1\.44 and newer, but IoT Edge 1\.6 calls v1\.41/);
    assert.match(r.output, /install moby-engine from packages\.microsoft\.com .* or Docker 29\.3 or later/);
    assert.not.ok(r.calls.some((c) => c.startsWith('apt-get install -y -q aziot-edge')));
  });

  test('02 accepts Docker 29.3 (minimum API 1.40) for IoT Edge 1.6', () => {
    const ir = debianIR();
    ir.target.runtime = '1.6';
    const r = runSetup(setup(ir), { input: `${CS}\n`, env: DOCKER_29_3 });
    assert.is(r.status, 0, r.output);
    assert.ok(r.calls.includes('apt-get install -y -q aziot-edge=1.6.*'));
  });

  test('02 on Azure Stack Edge sets up IoT Edge 1.6 in the Ubuntu VM like any device (no managed runtime)', () => {
    const ir = makeIR({ target: { platform: 'amd64', accelerator: 'none', device: 'databox-edge', os: 'ubuntu-22.04', runtime: '1.6' } });
    const r = runSetup(setup(ir), { input: `${CS}\n`, env: DOCKER_29_3 });
    assert.is(r.status, 0, r.output);
    assert.is(r.connectionString, CS);
    assert.ok(r.calls.includes('apt-get install -y -q aziot-edge=1.6.*'), r.calls.join('\n'));
    assert.not.match(r.output, /Data Box Edge|Configure compute/);
  });

  test('02 rejects something that is not a connection string without calling iotedge', () => {
    const r = runSetup(setup(debianIR()), { input: 'not-a-connection-string\n' });
    assert.is.not(r.status, 0);
    assert.match(r.output, /must be the device's connection string/);
    assert.not.ok(r.output.includes('not-a-connection-string'), 'the rejected input is not echoed');
    assert.not.ok(r.calls.some((c) => c.startsWith('iotedge')));
  });

  test('02 takes the connection string from the environment too', () => {
    const r = runSetup(setup(debianIR()), { env: { EDGE_DEVICE_CONNECTION_STRING: CS } });
    assert.is(r.status, 0, r.output);
    assert.is(r.connectionString, CS);
  });
}

test.after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

test.run();
