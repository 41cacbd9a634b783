// Test helper: runs edgeml commands in-process, as a user's terminal would (no TTY), collecting what they print.

import { main } from '../../dist/cli/main.js';

/**
 * A function that runs one command line in `cwd` with `env` (plus per-call extras) and returns its exit code and
 * output. With `outputs`, every stdout and stderr text is also appended there (e.g. to scan for leaked secrets).
 */
export function cliRunner({ cwd, env, outputs }) {
  return async (args, extraEnv = {}, stdin = { isTTY: false }) => {
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: { write: (t) => (stdout += t), isTTY: false },
      stderr: { write: (t) => (stderr += t), isTTY: false },
      stdin,
      env: { ...env, ...extraEnv },
      cwd,
    };
    const code = await main(args, io);
    outputs?.push(stdout, stderr);
    return { code, stdout, stderr };
  };
}
