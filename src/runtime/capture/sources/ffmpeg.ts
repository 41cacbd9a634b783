// Frame source backed by an ffmpeg child process writing JPEG frames to stdout (video file, camera, RTSP).
// Runtime stage (capture). Files are read with back-pressure (ffmpeg waits while we are busy); live sources keep only
// the newest frame so a slow scorer never sees stale video, and reconnect with backoff when ffmpeg exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { FrameSourceError, type Frame, type FrameSource } from '../frame.js';
import { JpegSplitter } from '../jpeg-stream.js';
import { ffmpegArgs, redactCredentials, type FfmpegInput } from './ffmpeg-args.js';

export interface FfmpegSourceOptions {
  input: FfmpegInput;
  fps: number;
  description: string;
  /** ffmpeg executable (default: EDGEML_FFMPEG or 'ffmpeg' on PATH). */
  ffmpegPath?: string;
  log?: (line: string) => void;
  /** Longest wait between reconnect attempts of a live source. */
  maxReconnectDelayMs?: number;
}

/** Frames buffered from a file before ffmpeg is paused. */
const FILE_QUEUE_LIMIT = 2;
const STDERR_TAIL_BYTES = 2000;

export function createFfmpegSource(options: FfmpegSourceOptions): FrameSource {
  const live = options.input.kind !== 'video';
  const secrets = options.input.kind === 'rtsp' ? [options.input.url] : [];
  const args = ffmpegArgs(options.input, options.fps);
  const executable = options.ffmpegPath ?? process.env.EDGEML_FFMPEG ?? 'ffmpeg';
  const log = options.log ?? (() => undefined);
  const maxDelay = options.maxReconnectDelayMs ?? 30_000;

  const queue: Frame[] = [];
  let waiter: ((result: Frame | Error | undefined) => void) | undefined;
  let child: ChildProcess | undefined;
  let ended = false;
  let failure: Error | undefined;
  let closed = false;
  let index = 0;
  let reconnectDelay = 1000;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const settle = (): void => {
    if (!waiter) return;
    const w = waiter;
    if (closed) {
      waiter = undefined;
      queue.length = 0;
      w(undefined);
    } else if (queue.length > 0) {
      waiter = undefined;
      w(queue.shift());
      if (queue.length < FILE_QUEUE_LIMIT) child?.stdout?.resume();
    } else if (failure || ended) {
      waiter = undefined;
      w(failure);
    }
  };

  const start = (): void => {
    const splitter = new JpegSplitter();
    let stderrTail = '';
    // Its own process group: Ctrl-C in a terminal must reach this module (which then stops ffmpeg), not ffmpeg
    // directly, or a clean stop would look like a failed stream. If this process dies, ffmpeg's next write fails.
    const proc = spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child = proc;
    proc.stdout!.on('data', (chunk: Buffer) => {
      for (const data of splitter.push(chunk)) {
        const frame: Frame = { data, index, origin: `${options.description} frame ${index}` };
        index++;
        if (live)
          queue.splice(0, queue.length, frame); // newest only
        else queue.push(frame);
        reconnectDelay = 1000;
      }
      if (!live && queue.length >= FILE_QUEUE_LIMIT) proc.stdout!.pause();
      settle();
    });
    proc.stderr!.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    proc.on('error', (error: NodeJS.ErrnoException) => {
      failure =
        error.code === 'ENOENT'
          ? new FrameSourceError(
              `ffmpeg was not found ('${executable}'); install it (e.g. apt-get install ffmpeg) to read ${options.description}.`,
            )
          : new FrameSourceError(`Cannot start ffmpeg for ${options.description}: ${error.message}.`);
      ended = true;
      settle();
    });
    proc.on('close', (code, signal) => {
      if (child === proc) child = undefined;
      if (closed || failure) return settle();
      const why = redactCredentials(stderrTail.trim().split('\n').slice(-3).join(' '), secrets);
      if (!live) {
        if (code !== 0)
          failure = new FrameSourceError(`ffmpeg stopped reading ${options.description} (exit ${code ?? signal})${why ? `: ${why}` : ''}.`);
        ended = true;
        return settle();
      }
      // A camera unplugged or a stream dropped: try again later rather than ending the module.
      log(
        `capture: ffmpeg for ${options.description} exited (${code ?? signal})${why ? `: ${why}` : ''}; reconnecting in ${reconnectDelay / 1000} s.`,
      );
      reconnectTimer = setTimeout(() => {
        reconnectTimer = undefined;
        if (!closed) start();
      }, reconnectDelay);
      reconnectDelay = Math.min(maxDelay, reconnectDelay * 2);
    });
  };

  start();

  return {
    description: options.description,
    next() {
      if (closed) return Promise.resolve(undefined);
      if (waiter) return Promise.reject(new Error('next() called again before the previous frame arrived.'));
      return new Promise<Frame | undefined>((resolve, reject) => {
        waiter = (result) => (result instanceof Error ? reject(result) : resolve(result));
        settle();
      });
    },
    async close() {
      closed = true;
      queue.length = 0;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const proc = child;
      settle();
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      // Drain what ffmpeg still writes: blocked on a full pipe, it would not act on SIGTERM.
      proc.stdout?.removeAllListeners('data');
      proc.stdout?.resume();
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => proc.kill('SIGKILL'), 2000);
        proc.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        proc.kill('SIGTERM');
      });
    },
  };
}
