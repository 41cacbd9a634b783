// Progress display for apply and destroy: one line per step with ✓ / ✗ / – and its duration. On a terminal the
// running step shows live detail on its line; otherwise each step prints one plain line when it ends. Apply stage.

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface StepControl {
  /** Short live detail (e.g. 'pushing layer 3/7'); shown on terminals only. */
  update(detail: string): void;
  /** A short outcome shown on the step's final line, e.g. 'created' or 'exists'. */
  done(outcome: string): void;
}

export interface Progress {
  step<T>(title: string, run: (control: StepControl) => Promise<T>): Promise<T>;
  skip(title: string, reason: string): void;
  /** A line of its own below the steps (e.g. the module report). */
  note(text: string): void;
}

export interface ProgressOptions {
  now?: () => number;
  /** Force plain output even on a terminal (e.g. --no-progress, CI). */
  plain?: boolean;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}

export function createProgress(stream: ProgressStream, options: ProgressOptions = {}): Progress {
  const now = options.now ?? (() => Date.now());
  const live = stream.isTTY === true && options.plain !== true;
  return {
    async step(title, run) {
      const started = now();
      if (live) stream.write(`… ${title}`);
      let outcome = '';
      const control: StepControl = {
        update(detail) {
          if (live) stream.write(`\r\x1b[K… ${title}: ${detail}`);
        },
        done(text) {
          outcome = `: ${text}`;
        },
      };
      const clear = live ? '\r\x1b[K' : '';
      try {
        const result = await run(control);
        stream.write(`${clear}✓ ${title}${outcome} (${seconds(now() - started)})\n`);
        return result;
      } catch (error) {
        stream.write(`${clear}✗ ${title} (${seconds(now() - started)})\n`);
        throw error;
      }
    },
    skip(title, reason) {
      stream.write(`– ${title} (${reason})\n`);
    },
    note(text) {
      stream.write(text.endsWith('\n') ? text : `${text}\n`);
    },
  };
}
