// Test entry point: runs every test/**/*.test.mjs file (uvu suites) in its own Node process, two at a time,
// prints each file's output, and ends with one line CI can read: "N passed, N failed".
// Usage: node test/run.mjs [substring ...]   (only files whose path contains one of the substrings)
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);
const perFileTimeoutMs = Number(process.env.EDGEML_TEST_TIMEOUT_MS ?? 15 * 60 * 1000);
const concurrency = Number(process.env.EDGEML_TEST_CONCURRENCY ?? Math.max(1, Math.min(2, availableParallelism())));

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

const files = findTests(join(root, 'test')).filter(
  (file) => filters.length === 0 || filters.some((f) => relative(root, file).includes(f)),
);

function runFile(file) {
  return new Promise((resolvePromise) => {
    const started = Date.now();
    const child = spawn(process.execPath, [file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\n[test runner] ${relative(root, file)} timed out after ${perFileTimeoutMs} ms; killed.\n`;
      child.kill('SIGKILL');
    }, perFileTimeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const total = Number(/Total:\s+(\d+)/.exec(output)?.[1] ?? NaN);
      const passed = Number(/Passed:\s+(\d+)/.exec(output)?.[1] ?? NaN);
      const skipped = Number(/Skipped:\s+(\d+)/.exec(output)?.[1] ?? 0);
      let result;
      if (Number.isNaN(total) || Number.isNaN(passed)) {
        // The file crashed before uvu could summarise: count it as one failure.
        result = { passed: 0, failed: 1, skipped: 0 };
      } else {
        // uvu's Total counts the tests that ran; skipped ones are reported apart and are not failures.
        result = { passed, failed: Math.max(0, total - passed) + (code !== 0 && total === passed ? 1 : 0), skipped };
      }
      resolvePromise({ file, output, code, ms: Date.now() - started, ...result });
    });
  });
}

const queue = [...files];
const results = [];
async function worker() {
  while (queue.length > 0) {
    const file = queue.shift();
    const r = await runFile(file);
    results.push(r);
    const status = r.failed > 0 ? 'FAIL' : 'ok';
    process.stdout.write(`\n=== ${status} ${relative(root, r.file)} (${r.passed} passed, ${r.failed} failed, ${(r.ms / 1000).toFixed(1)} s)\n`);
    if (r.failed > 0 || process.env.EDGEML_TEST_VERBOSE) process.stdout.write(r.output.trimEnd() + '\n');
    else {
      // Keep notices (e.g. "docker engine unavailable") visible even when the file passed.
      const notices = r.output.split('\n').filter((line) => line.startsWith('NOTICE'));
      if (notices.length) process.stdout.write(notices.join('\n') + '\n');
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const skipped = results.reduce((n, r) => n + r.skipped, 0);
if (failed > 0) {
  process.stdout.write('\nFailing files:\n' + results.filter((r) => r.failed > 0).map((r) => '  ' + relative(root, r.file)).join('\n') + '\n');
}
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
