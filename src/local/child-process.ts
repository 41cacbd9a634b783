// Starts and stops the local runner's child processes: output read line by line, a bounded tail of stderr kept for
// error messages, and stop() = SIGTERM, then SIGKILL after a grace period. Local stage (`edgeml run`).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedChild {
  readonly pid: number | undefined;
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<ChildExit>;
  readonly hasExited: boolean;
  /** The last lines it wrote to stderr (for error messages). */
  tail(): string;
  /** SIGTERM, then SIGKILL after graceMs; resolves once it has exited. */
  stop(graceMs?: number): Promise<ChildExit>;
}

export interface StartChildOptions {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  cwd?: string;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
}

const TAIL_LINES = 8;

export function startChild(options: StartChildOptions): ManagedChild {
  const child: ChildProcess = spawn(options.command, options.args, {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  let exit: ChildExit | undefined;
  createInterface({ input: child.stdout! }).on('line', (line) => options.onStdoutLine?.(line));
  createInterface({ input: child.stderr! }).on('line', (line) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    options.onStderrLine?.(line);
  });
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      tail.push(`cannot start '${options.command}': ${error.code ?? error.message}`);
      exit ??= { code: -1, signal: null };
      resolve(exit);
    });
    child.once('close', (code, signal) => {
      exit ??= { code, signal };
      resolve(exit);
    });
  });
  return {
    pid: child.pid,
    exited,
    get hasExited() {
      return exit !== undefined;
    },
    tail: () => tail.join('\n'),
    async stop(graceMs = 5000) {
      if (exit) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
