// Test helper: decides whether a tool a test needs is here (ffmpeg, shellcheck, a Docker engine, a GPU, root, a
// private mount namespace) and registers the test as skipped, with the reason, when it is not. uvu counts a skipped
// test under "Skipped", so test/run.mjs reports it as skipped, never as passed. The reason is printed as a line
// starting with "SKIP", which the runner shows even for a green file.
//
//   const withFfmpeg = requires(test, 'ffmpeg');
//   withFfmpeg('video frames arrive', async () => { ... });        // runs, or is skipped with "ffmpeg is not installed"
//   testUnless(test, await whyNoRegistry())('push', async () => {}); // any reason of your own (undefined: run it)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ok = (command, args, options = {}) => {
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 30_000, ...options });
  return r.status === 0;
};

/**
 * Why each tool is missing, or undefined when it is present. Probes run at most once per process.
 * `EDGEML_TEST_WITHOUT=ffmpeg,docker` pretends tools are missing, to see the suite as a machine without them would.
 */
const PROBES = {
  ffmpeg: () => (ok(process.env.EDGEML_FFMPEG ?? 'ffmpeg', ['-version']) ? undefined : 'ffmpeg is not installed (apt-get install ffmpeg)'),
  shellcheck: () => (ok('shellcheck', ['--version']) ? undefined : 'shellcheck is not installed (apt-get install shellcheck)'),
  docker: () => {
    if (!ok('docker', ['--version'])) return 'the docker command is not installed';
    return ok('docker', ['info', '--format', '{{.ServerVersion}}'])
      ? undefined
      : 'no Docker engine is reachable (DOCKER_HOST or /var/run/docker.sock)';
  },
  gpu: () => (ok('nvidia-smi', ['-L']) ? undefined : 'no NVIDIA GPU (nvidia-smi -L failed)'),
  root: () => (process.getuid?.() === 0 ? undefined : 'not running as root'),
  // A private mount namespace in which this process may mount (root, or an unprivileged user namespace).
  'mount-namespace': () => mountNamespaceProblem(),
};

const known = new Map();

/** The reason when EDGEML_TEST_WITHOUT names `tool`, else undefined (for tests that probe a tool their own way). */
export function switchedOff(tool) {
  const names = (process.env.EDGEML_TEST_WITHOUT ?? '').split(',').map((s) => s.trim());
  return names.includes(tool) ? `${tool} is switched off (EDGEML_TEST_WITHOUT)` : undefined;
}

/** Why `tool` (a key of PROBES) is not usable here, or undefined when it is. */
export function whyMissing(tool) {
  if (!(tool in PROBES)) throw new Error(`requires.mjs: unknown tool '${tool}' (known: ${Object.keys(PROBES).join(', ')})`);
  const off = switchedOff(tool);
  if (off) return off;
  if (!known.has(tool)) known.set(tool, PROBES[tool]());
  return known.get(tool);
}

/** True when every named tool is usable. */
export const has = (...tools) => tools.every((tool) => whyMissing(tool) === undefined);

/**
 * Returns a function that registers a test on `suite` (uvu's `test` or a `suite()`): the test itself when `reason`
 * is undefined, otherwise a skipped test, counted as skipped, with `SKIP <name>: <reason>` printed.
 */
export function testUnless(suite, reason) {
  if (reason === undefined) return suite;
  return (name) => {
    console.log(`SKIP ${name}: ${reason}`);
    suite.skip(name);
  };
}

/** `testUnless` for named tools: skips with the first missing tool's reason. */
export function requires(suite, ...tools) {
  const reason = tools.map(whyMissing).find((r) => r !== undefined);
  return testUnless(suite, reason);
}

/**
 * For a file whose whole suite cannot run (e.g. a child-process suite whose fixtures are missing): registers one
 * skipped test named `name` on `suite` and runs it, so uvu prints a summary with "Skipped: 1".
 */
export function skipWholeFile(suite, name, reason) {
  testUnless(suite, reason)(name, () => {});
  suite.run();
}

function mountNamespaceProblem() {
  // What the sandboxes do: bind a folder onto itself and make / read-only, in a namespace of its own (unshare's
  // default propagation is private, so nothing reaches the host's mounts).
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-ns-probe-'));
  try {
    const script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro /';
    const r = spawnSync('unshare', [...unshareArgs(), 'sh', '-c', script, 'probe', dir], { encoding: 'utf8', timeout: 30_000 });
    if (r.error) return `unshare is not available (${r.error.code ?? r.error.message})`;
    return r.status === 0
      ? undefined
      : `cannot mount in a private mount namespace (${(r.stderr || `exit ${r.status}`).trim().split('\n').pop()})`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The `unshare` arguments that give this process a private mount namespace in which it is root: root needs only -m;
 * anybody else an unprivileged user namespace too (-r maps us to root in it).
 */
export function unshareArgs() {
  return process.getuid?.() === 0 ? ['-m'] : ['-r', '-m'];
}
