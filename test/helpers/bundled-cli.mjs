// Test helper: runs one command of the bundled CLI in a fresh Node process, loaded the way bin/edgeml.js loads it
// (bin/load-cli.cjs of `packageDir`), and reports the exit code, whether V8 took the code cache, what the command
// printed, and the CommonJS modules the process loaded.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as assert from 'uvu/assert';

export function runBundledCli(packageDir, args) {
  const program = `
    const { loadCli } = require(${JSON.stringify(join(packageDir, 'bin', 'load-cli.cjs'))});
    const loaded = loadCli();
    let stdout = '';
    const io = { stdout: { write: (t) => (stdout += t) }, stderr: { write: () => true }, env: {}, cwd: process.cwd() };
    loaded.cli.main(JSON.parse(process.argv[1]), io)
      .then((code) => process.stdout.write(JSON.stringify({ code, cacheUsed: loaded.cacheUsed, stdout, modules: Object.keys(require.cache) })));`;
  const result = spawnSync(process.execPath, ['-e', program, JSON.stringify(args)], { encoding: 'utf8' });
  assert.is(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}
