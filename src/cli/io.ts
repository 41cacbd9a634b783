// The CLI's view of the outside world, passed to every command so commands can run in-process in tests.
// Only this file and cli/output.ts know about streams and colour.

export interface CliIO {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** Exit codes: 0 success, 1 errors or a failed operation, 2 usage error or (plan --detailed-exitcode) changes, 3 internal bug. */
export const ExitCode = { ok: 0, failed: 1, usage: 2, changes: 2, internal: 3 } as const;

/** A command module's default export. Commands return an exit code; only bin sets process.exitCode. */
export type Command<O> = (args: string[], options: O, io: CliIO) => Promise<number>;

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}
