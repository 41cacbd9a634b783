// The capture loop: take frames at the configured rate, optionally resize, send each to the scoring module, and
// emit its answer as a message; frames that arrive while a request is in flight are dropped, so requests never pile
// up. Runtime stage (capture); main.ts runs it in the module, tests and `edgeml run` can run it in-process.
import type { CaptureConfig } from './config.js';
import type { Frame, FrameSource } from './frame.js';
import { createPacer } from './pacer.js';
import { ScoringRejectedError, type ScoringClient } from './scoring-client.js';
import type { MessageSink } from './sinks.js';
import { messageBodyFor } from './summary.js';
import type { ViewServer } from './view-server.js';

export interface CaptureStats {
  /** Frames taken from the source. */
  captured: number;
  /** Frames skipped because the previous one was still being scored. */
  dropped: number;
  /** Answers sent as messages. */
  sent: number;
  /** Frames lost to a scoring or sending error. */
  failed: number;
}

export interface CaptureLoopOptions {
  config: CaptureConfig;
  source: FrameSource;
  client: ScoringClient;
  sink: MessageSink;
  view?: ViewServer;
  log?: (line: string) => void;
  /** Aborting stops the loop; the frame in flight is finished first. */
  signal?: AbortSignal;
  /** Stop once this many messages were sent (tests, `edgeml run --frames`). */
  maxMessages?: number;
  /** Resizes a frame to JPEG of the given size (injected so tests need not decode; default: sharp). */
  resize?: (image: Buffer, size: { width: number; height: number }) => Promise<Buffer>;
}

export interface CaptureOutcome {
  stats: CaptureStats;
  /** Why the loop ended: stopped (signal), limit (maxMessages), ended (source ran out), or the source's error. */
  reason: 'stopped' | 'limit' | 'ended' | Error;
}

export async function runCaptureLoop(options: CaptureLoopOptions): Promise<CaptureOutcome> {
  const { config, source, client, sink, view } = options;
  const log = createRepeatFilter(options.log ?? (() => undefined));
  const resize = options.resize ?? resizeWithSharp;
  const stats: CaptureStats = { captured: 0, dropped: 0, sent: 0, failed: 0 };
  const limit = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, limit.signal]) : limit.signal;
  // A live source may be waiting for a frame when we stop: closing it releases that wait.
  const onAbort = (): void => void source.close();
  signal.addEventListener('abort', onAbort, { once: true });

  const handle = async (frame: Frame): Promise<void> => {
    try {
      const image = config.resize
        ? await resize(frame.data, config.resize).catch((error: Error) => Promise.reject(new Error(`cannot resize it: ${error.message}`)))
        : frame.data;
      const answer = await client.score(image, signal);
      await sink.send({
        output: config.output,
        body: messageBodyFor(answer.json, answer.text),
        properties: { frameIndex: String(frame.index), frameOrigin: frame.origin },
      });
      stats.sent++;
      view?.update(image, answer.json, frame.index);
      if (options.maxMessages !== undefined && stats.sent >= options.maxMessages) limit.abort();
    } catch (error) {
      if (signal.aborted && !(error instanceof ScoringRejectedError)) return; // interrupted by shutdown, not a failure
      stats.failed++;
      log(`capture: frame ${frame.index} (${frame.origin}) lost: ${(error as Error).message}`);
    }
  };

  const pacer = createPacer(config.fps, signal);
  let inFlight: Promise<void> | undefined;
  let reason: CaptureOutcome['reason'] = 'stopped';
  try {
    while (await pacer.wait()) {
      const frame = await source.next();
      if (!frame) {
        if (!signal.aborted) reason = 'ended';
        break;
      }
      if (signal.aborted) break;
      stats.captured++;
      if (inFlight) {
        stats.dropped++;
        continue;
      }
      inFlight = handle(frame).finally(() => (inFlight = undefined));
    }
  } catch (error) {
    reason = error as Error;
  } finally {
    await inFlight;
    signal.removeEventListener('abort', onAbort);
  }
  if (limit.signal.aborted) reason = 'limit';
  return { stats, reason };
}

async function resizeWithSharp(image: Buffer, size: { width: number; height: number }): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  return sharp(image).rotate().resize(size.width, size.height, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer();
}

/** Logs a repeated message (e.g. "scoring unreachable" at every frame) once, then a count every 30 s. */
function createRepeatFilter(log: (line: string) => void, windowMs = 30_000): (line: string) => void {
  let last = '';
  let lastAt = 0;
  let repeats = 0;
  return (line) => {
    const key = line.replace(/frame \d+ \([^)]*\)/, 'frame');
    const now = Date.now();
    if (key === last && now - lastAt < windowMs) {
      repeats++;
      return;
    }
    if (repeats > 0) log(`capture: (previous message repeated ${repeats} more time${repeats === 1 ? '' : 's'})`);
    last = key;
    lastAt = now;
    repeats = 0;
    log(line);
  };
}
