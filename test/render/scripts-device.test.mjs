// scripts/02-setup-device.sh run for real against fake apt-get/dpkg/docker/systemctl/iotedge. Two fences keep it off
// the host: the script's EDGEML_TEST_ROOT sends every host file it reads or writes (/etc/os-release,
// /etc/docker/daemon.json, apt sources, keyrings) into a fake device root in this test's temp folder, and it runs in
// a private mount namespace where everything else is read-only, so even a path that forgot the prefix cannot write.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { renderScripts } from '../../dist/render/scripts/index.js';
import { makeContext, makeIR } from '../helpers/ir-fixtures.mjs';
import { requires, unshareArgs } from '../helpers/requires.mjs';

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
  -s) exit "\${FAKE_DPKG_STATUS:-0}" ;;
  *) echo "dpkg $*" >>"$FAKE_DIR/calls" ;;
esac`,
  curl: 'echo "curl $*" >>"$FAKE_DIR/calls"',
  gpg: 'echo "gpg $*" >>"$FAKE_DIR/calls"; out=""; while (($#)); do [[ "$1" == -o ]] && out="$2"; shift; done; cat >/dev/null; [[ -z "$out" ]] || echo fake-key >"$out"',
  'nvidia-smi': 'exit 0',
  'nvidia-ctk': 'echo "nvidia-ctk $*" >>"$FAKE_DIR/calls"',
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

/**
 * The sandbox: in a private mount namespace, this test's temp folder is bound onto itself and every other mount but
 * /proc, /sys and /dev is remounted read-only; the script does not start while /etc, /usr or /var is still writable.
 */
const SANDBOX = `set -euo pipefail
mount --bind "$FAKE_DIR" "$FAKE_DIR"
findmnt -rn -o TARGET | while read -r target; do
  case "$target" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*|"$FAKE_DIR"|"$FAKE_DIR"/*) continue ;; esac
  mount -o remount,bind,ro "$target" 2>/dev/null || [[ "$target" != / ]]
done
for host_dir in /etc /usr /var; do
  if [[ -w "$host_dir" ]]; then echo "sandbox: $host_dir is still writable; the script is not run" >&2; exit 97; fi
done
set +e
bash "$SCRIPT"`;

/** Renders the scripts of `ir`, fake tools and a fake device root (os-release, optional daemon.json) into a temp folder. */
function setup(ir, { daemonJson = '{"data-root": "/srv/docker"}' } = {}) {
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
  const root = join(dir, 'root');
  for (const sub of ['etc/docker', 'etc/apt/sources.list.d', 'usr/share/keyrings', 'tmp']) mkdirSync(join(root, sub), { recursive: true });
  writeFileSync(join(root, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n');
  if (daemonJson !== undefined) writeFileSync(join(root, 'etc/docker/daemon.json'), daemonJson);
  return { dir, bin, root };
}

/** What the host has at the paths 02 writes on a device, to prove afterwards that none of them changed. */
function hostSnapshot() {
  const paths = [
    '/etc/docker',
    '/etc/docker/daemon.json',
    '/etc/docker/daemon.json.edgeml',
    '/etc/apt/sources.list.d/nvidia-container-toolkit.list',
    '/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg',
  ];
  return paths.map((path) => {
    if (!existsSync(path)) return `${path}: absent`;
    const stat = lstatSync(path);
    const content = stat.isDirectory() ? readdirSync(path).sort().join(',') : readFileSync(path, 'utf8');
    return `${path}: ${stat.mode} ${stat.mtimeMs} ${content}`;
  });
}

/** Runs 02 in the sandbox with the fake root; returns the result, the calls the fakes saw and what was written. */
function runSetup({ dir, bin, root }, { env = {}, input = '' } = {}) {
  const before = hostSnapshot();
  const result = spawnSync('unshare', [...unshareArgs(), 'bash', '-c', SANDBOX], {
    encoding: 'utf8',
    input,
    timeout: 60_000,
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: dir,
      TMPDIR: join(root, 'tmp'),
      FAKE_DIR: dir,
      SCRIPT: join(dir, 'scripts/02-setup-device.sh'),
      EDGEML_TEST_ROOT: root,
      FAKE_DOCKER_VERSION: '26.1.3',
      FAKE_DOCKER_MIN_API: '1.24',
      FAKE_DOCKER_API: '1.45',
      ...env,
    },
  });
  assert.equal(hostSnapshot(), before, "the host's /etc and /usr are untouched");
  const read = (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);
  return {
    ...result,
    output: result.stdout + result.stderr,
    calls: (read(join(dir, 'calls')) ?? '')
      .trim()
      .split('\n')
      .map((line) => line.trim()),
    daemon: read(join(root, 'etc/docker/daemon.json')),
    connectionString: read(join(dir, 'connection-string')),
  };
}

const debianIR = () => makeIR({ target: { platform: 'amd64', accelerator: 'none', device: 'generic', os: 'debian-12', runtime: '1.5' } });
const CS = 'HostName=myiothub-test.azure-devices.net;DeviceId=myedgedevice;SharedAccessKey=c2VjcmV0LWtleS12YWx1ZQ==';
const sandboxed = requires(test, 'mount-namespace');

sandboxed('02 provisions from stdin, merges daemon.json, pins aziot-edge and polls until edgeAgent runs', () => {
  const r = runSetup(setup(debianIR()), { input: `${CS}\n` });
  assert.is(r.status, 0, r.output);
  assert.is(r.connectionString, CS, 'iotedge config mp received the string read from stdin');
  assert.not.ok(r.output.includes('SharedAccessKey=c2Vj'), 'the connection string is never printed');
  assert.not.match(r.output, /this device runs/, "the fake root's os-release was read, not the host's");
  assert.equal(JSON.parse(r.daemon), { 'data-root': '/srv/docker', 'log-driver': 'local' });
  assert.ok(r.calls.includes('apt-get install -y -q aziot-edge=1.5.*'), r.calls.join('\n'));
  assert.ok(r.calls.includes('systemctl restart docker'));
  const order = ['iotedge config mp', 'iotedge config apply', 'iotedge list'].map((c) => r.calls.indexOf(c));
  assert.is(r.calls.filter((c) => c === 'iotedge list').length >= 2, true, 'polled until edgeAgent ran');
  assert.ok(
    order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])),
    r.calls.join('\n'),
  );
});

sandboxed('02 writes daemon.json where there was none (a machine without /etc/docker)', () => {
  const device = setup(debianIR(), { daemonJson: undefined });
  rmSync(join(device.root, 'etc/docker'), { recursive: true });
  const r = runSetup(device, { env: { EDGE_DEVICE_CONNECTION_STRING: CS } });
  assert.is(r.status, 0, r.output);
  assert.equal(JSON.parse(r.daemon), { 'log-driver': 'local' });
});

sandboxed('02 on a GPU target: the NVIDIA repository, keyring and runtime go to the device root', () => {
  const ir = makeIR({ target: { platform: 'amd64', accelerator: 'nvidia-gpu', device: 'generic', os: 'debian-12', runtime: '1.6' } });
  const device = setup(ir);
  const r = runSetup(device, { env: { EDGE_DEVICE_CONNECTION_STRING: CS, FAKE_DPKG_STATUS: '1' } });
  assert.is(r.status, 0, r.output);
  assert.is(readFileSync(join(device.root, 'usr/share/keyrings/nvidia-container-toolkit-keyring.gpg'), 'utf8'), 'fake-key\n');
  assert.ok(
    existsSync(join(device.root, 'etc/apt/sources.list.d/nvidia-container-toolkit.list')),
    'the NVIDIA apt source is in the device root',
  );
  assert.ok(
    r.calls.includes(`nvidia-ctk runtime configure --runtime=docker --config=${join(device.root, 'etc/docker/daemon.json')}`),
    r.calls.join('\n'),
  );
});

sandboxed('02 refuses an EDGEML_TEST_ROOT that is not an existing absolute folder, before anything else', () => {
  for (const bad of ['relative/root', '/no/such/folder']) {
    const r = runSetup(setup(debianIR()), { env: { EDGEML_TEST_ROOT: bad, EDGE_DEVICE_CONNECTION_STRING: CS } });
    assert.is.not(r.status, 0);
    assert.match(r.output, /EDGEML_TEST_ROOT is for tests only and must name an existing absolute folder/);
    assert.equal(r.calls, [''], 'no tool was called');
  }
});

// Docker Engine API ranges (MinAPIVersion-APIVersion): 29.0-29.2 accept 1.44 and newer, 29.3 and later 1.40 and newer.
const DOCKER_29_0 = { FAKE_DOCKER_VERSION: '29.0.1', FAKE_DOCKER_MIN_API: '1.44', FAKE_DOCKER_API: '1.52' };
const DOCKER_29_3 = { FAKE_DOCKER_VERSION: '29.3.0', FAKE_DOCKER_MIN_API: '1.40', FAKE_DOCKER_API: '1.53' };

sandboxed('02 refuses a Docker engine that no longer accepts API v1.34 for IoT Edge 1.5, before installing aziot-edge', () => {
  const r = runSetup(setup(debianIR()), { input: `${CS}\n`, env: DOCKER_29_3 });
  assert.is.not(r.status, 0);
  assert.match(r.output, /accepts only Engine API 1\.40 and newer, but IoT Edge 1\.5 calls v1\.34/);
  assert.not.ok(r.calls.some((c) => c.startsWith('apt-get install -y -q aziot-edge')));
});

sandboxed('02 refuses Docker 29.0-29.2 (minimum API 1.44) for IoT Edge 1.6, naming the fix', () => {
  const ir = debianIR();
  ir.target.runtime = '1.6';
  const r = runSetup(setup(ir), { input: `${CS}\n`, env: DOCKER_29_0 });
  assert.is.not(r.status, 0, r.output);
  assert.match(r.output, /accepts only Engine API 1\.44 and newer, but IoT Edge 1\.6 calls v1\.41/);
  assert.match(r.output, /install moby-engine from packages\.microsoft\.com .* or Docker 29\.3 or later/);
  assert.not.ok(r.calls.some((c) => c.startsWith('apt-get install -y -q aziot-edge')));
});

sandboxed('02 accepts Docker 29.3 (minimum API 1.40) for IoT Edge 1.6', () => {
  const ir = debianIR();
  ir.target.runtime = '1.6';
  const r = runSetup(setup(ir), { input: `${CS}\n`, env: DOCKER_29_3 });
  assert.is(r.status, 0, r.output);
  assert.ok(r.calls.includes('apt-get install -y -q aziot-edge=1.6.*'));
});

sandboxed('02 on Azure Stack Edge sets up IoT Edge 1.6 in the Ubuntu VM like any device (no managed runtime)', () => {
  const ir = makeIR({ target: { platform: 'amd64', accelerator: 'none', device: 'databox-edge', os: 'ubuntu-22.04', runtime: '1.6' } });
  const r = runSetup(setup(ir), { input: `${CS}\n`, env: DOCKER_29_3 });
  assert.is(r.status, 0, r.output);
  assert.is(r.connectionString, CS);
  assert.ok(r.calls.includes('apt-get install -y -q aziot-edge=1.6.*'), r.calls.join('\n'));
  assert.not.match(r.output, /Data Box Edge|Configure compute/);
});

sandboxed('02 rejects something that is not a connection string without calling iotedge', () => {
  const r = runSetup(setup(debianIR()), { input: 'not-a-connection-string\n' });
  assert.is.not(r.status, 0);
  assert.match(r.output, /must be the device's connection string/);
  assert.not.ok(r.output.includes('not-a-connection-string'), 'the rejected input is not echoed');
  assert.not.ok(r.calls.some((c) => c.startsWith('iotedge')));
});

sandboxed('02 takes the connection string from the environment too', () => {
  const r = runSetup(setup(debianIR()), { env: { EDGE_DEVICE_CONNECTION_STRING: CS } });
  assert.is(r.status, 0, r.output);
  assert.is(r.connectionString, CS);
});

test.after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

test.run();
