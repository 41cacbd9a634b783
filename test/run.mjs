// Test entry point: runs every test/**/*.test.mjs file (uvu suites) in its own Node process and process group, two
// at a time, prints each file's output, the slowest files and the total time, and ends with one line CI can read:
// "N passed, N failed, N skipped". A file that runs past its limit is killed with everything it started and counted
// as a failure; a test skipped for a missing tool (test/helpers/requires.mjs) is counted as skipped, with its reason.
// Usage: node test/run.mjs [substring ...]   (only files whose path contains one of the substrings)
// Environment: EDGEML_TEST_TIMEOUT_MS (per file, default 15 min), EDGEML_TEST_CONCURRENCY, EDGEML_TEST_VERBOSE,
// EDGEML_TEST_WITHOUT=ffmpeg,docker (pretend those tools are missing; see test/helpers/requires.mjs).
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);
const perFileTimeoutMs = Number(process.env.EDGEML_TEST_TIMEOUT_MS ?? 15 * 60 * 1000);
const concurrency = Number(process.env.EDGEML_TEST_CONCURRENCY ?? Math.max(1, Math.min(2, availableParallelism())));
/** After a file's process exits, how long its leftover children may keep its output open before they are killed. */
const lingerMs = 10_000;
const SLOWEST_SHOWN = 5;

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry === 'node_modules' || entry === 'fixtures-out') continue;
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) found.push(...findTests(full));
    else if (entry.endsWith('.test.mjs')) found.push(full);
  }
  return found;
}

// EDGEML_TEST_DIR: another folder of test files (the runner's own test uses it); paths are still shown from the root.
const files = findTests(process.env.EDGEML_TEST_DIR ?? join(root, 'test')).filter(
  (file) => filters.length === 0 || filters.some((f) => relative(root, file).includes(f)),
);

/** Process groups of the files now running, so that Ctrl-C or a kill of the runner takes them along. */
const running = new Set();

/** Kills a file's whole process group (the file and every process it started that did not leave the group). */
function killGroup(child, signal = 'SIGKILL') {
  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

/** Counts from uvu's summary; a file whose summary is missing (crashed, killed) counts as one failure. */
function countResults(output, code, timedOut) {
  const total = Number(/Total:\s+(\d+)/.exec(output)?.[1] ?? NaN);
  const passed = Number(/Passed:\s+(\d+)/.exec(output)?.[1] ?? NaN);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(output)?.[1] ?? 0);
  if (timedOut || Number.isNaN(total) || Number.isNaN(passed)) return { passed: Number.isNaN(passed) ? 0 : passed, failed: 1, skipped };
  // uvu's Total counts the tests that ran; skipped ones are reported apart. A non-zero exit with every test
  // passed (e.g. an error after the suite) is one failure.
  return { passed, failed: Math.max(0, total - passed) + (code !== 0 && total === passed ? 1 : 0), skipped };
}

function runFile(file) {
  return new Promise((resolvePromise) => {
    const started = Date.now();
    const name = relative(root, file);
    // detached: the file leads its own process group, so one kill reaches every server and child it started.
    const child = spawn(process.execPath, [file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running.add(child);
    let output = '';
    let timedOut = false;
    let exitCode;
    const notes = [];
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const limit = setTimeout(() => {
      timedOut = true;
      notes.push(
        `[test runner] ${name} ran past its limit of ${Math.round(perFileTimeoutMs / 1000)} s (EDGEML_TEST_TIMEOUT_MS); killed its process group.`,
      );
      killGroup(child);
    }, perFileTimeoutMs);
    let linger;
    child.on('exit', (code, signal) => {
      exitCode = code ?? (signal ? 1 : 0);
      // Children that outlive the file keep its pipes open and would hold the run; give them a moment, then end them.
      linger = setTimeout(() => {
        notes.push(`NOTICE: ${name} exited but processes it started were still running ${lingerMs / 1000} s later; killed them.`);
        killGroup(child);
      }, lingerMs);
    });
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      clearTimeout(linger);
      running.delete(child);
      killGroup(child); // nothing of this file may outlive it
      const finalCode = exitCode ?? code ?? (signal ? 1 : 0);
      if (notes.length) output += `\n${notes.join('\n')}\n`;
      resolvePromise({
        file,
        name,
        output,
        code: finalCode,
        timedOut,
        ms: Date.now() - started,
        notes,
        ...countResults(output, finalCode, timedOut),
      });
    });
  });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const child of running) killGroup(child);
    process.kill(process.pid, signal);
  });
}

const runStarted = Date.now();
const queue = [...files];
const results = [];
async function worker() {
  while (queue.length > 0) {
    const file = queue.shift();
    const r = await runFile(file);
    results.push(r);
    const status = r.failed > 0 ? 'FAIL' : 'ok';
    const skippedNote = r.skipped ? `, ${r.skipped} skipped` : '';
    process.stdout.write(
      `\n=== ${status} ${r.name} (${r.passed} passed, ${r.failed} failed${skippedNote}, ${(r.ms / 1000).toFixed(1)} s)\n`,
    );
    if (r.failed > 0 || process.env.EDGEML_TEST_VERBOSE) process.stdout.write(r.output.trimEnd() + '\n');
    else {
      // Keep skip reasons and notices (e.g. "no Docker engine is reachable") visible even when the file passed.
      const notices = r.output.split('\n').filter((line) => line.startsWith('NOTICE') || line.startsWith('SKIP '));
      if (notices.length) process.stdout.write(notices.join('\n') + '\n');
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));

const sum = (key) => results.reduce((n, r) => n + r[key], 0);
const [passed, failed, skipped] = [sum('passed'), sum('failed'), sum('skipped')];
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

if (results.length > 1) {
  const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, SLOWEST_SHOWN);
  process.stdout.write(`\nSlowest files:\n${slowest.map((r) => `  ${seconds(r.ms).padStart(8)}  ${r.name}`).join('\n')}\n`);
}
if (failed > 0) {
  const failing = results.filter((r) => r.failed > 0);
  process.stdout.write(
    '\nFailing files:\n' +
      failing.map((r) => `  ${r.name}${r.timedOut ? ` (killed at its ${seconds(perFileTimeoutMs)} limit)` : ''}`).join('\n') +
      '\n',
  );
}
if (files.length === 0) process.stdout.write(`\nNo test file matches ${filters.map((f) => `'${f}'`).join(' or ')}.\n`);
process.stdout.write(`\n${results.length} file(s) in ${seconds(Date.now() - runStarted)}, ${concurrency} at a time\n`);
process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exitCode = failed > 0 || files.length === 0 ? 1 : 0;
