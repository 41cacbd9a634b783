// Entry point of the image-capture module container: `node main.js [config.json]` (or EDGEML_CONFIG). Results go through
// IoT Edge when the edge runtime started it, else as JSON lines on stdout; logs go to stderr. Runtime stage (capture).
// Stops cleanly on SIGTERM / SIGINT. Local runs may set EDGEML_MAX_FRAMES (stop after N results) and EDGEML_VIEW_HOST.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { runCaptureLoop } from './capture-loop.js';
import { CaptureConfigError, validateCaptureConfig, type CaptureConfig } from './config.js';
import { FrameSourceError } from './frame.js';
import { createScoringClient } from './scoring-client.js';
import { createIotEdgeSink, createStdoutSink, isIotEdgeEnvironment, type MessageSink } from './sinks.js';
import { createFrameSource } from './sources/index.js';
import { createViewServer, type ViewServer } from './view-server.js';

const log = (line: string): void => void process.stderr.write(line + '\n');

class StartupError extends Error {}

async function readConfig(path: string): Promise<CaptureConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new StartupError(`Cannot read capture config '${path}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  try {
    return validateCaptureConfig(JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) throw new StartupError(`Capture config '${path}' is not valid JSON: ${error.message}.`);
    throw error;
  }
}

async function main(): Promise<void> {
  const configPath = resolve(process.argv[2] ?? process.env.EDGEML_CONFIG ?? 'config.json');
  const maxMessages = process.env.EDGEML_MAX_FRAMES ? Number(process.env.EDGEML_MAX_FRAMES) : undefined;
  if (maxMessages !== undefined && !(Number.isInteger(maxMessages) && maxMessages > 0))
    throw new StartupError('EDGEML_MAX_FRAMES must be a positive whole number.');
  const config = await readConfig(configPath);

  const controller = new AbortController();
  const onSignal = (signal: string): void => {
    log(`capture: ${signal}: finishing the frame in flight, then stopping.`);
    controller.abort();
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));

  // The source first: it fails fast on a bad folder or video, before a connection to edgeHub exists that would keep
  // the process alive; whatever did start is closed again if a later step fails.
  const source = await createFrameSource(config.source, {
    baseDir: dirname(configPath),
    fps: config.fps,
    loop: config.loop,
    env: process.env,
    log,
  });
  let sink: MessageSink;
  try {
    sink = isIotEdgeEnvironment(process.env) ? await createIotEdgeSink(log) : createStdoutSink();
  } catch (error) {
    await source.close();
    // edgeHub may not be up yet; exiting lets edgeAgent restart the module per its restart policy.
    throw new StartupError(`Cannot connect to IoT Edge: ${(error as Error).message}`);
  }
  const client = createScoringClient(config.scoring);
  let view: ViewServer | undefined;
  if (config.view) {
    view = createViewServer({ name: config.name, minScore: config.view.minScore, fps: config.fps, log });
    try {
      // EDGEML_VIEW_HOST lets a local run (`edgeml run`) keep the view on loopback; in a container it listens on all.
      const port = await view.listen(config.view.port, process.env.EDGEML_VIEW_HOST || undefined);
      log(`capture: live view on http://${process.env.EDGEML_VIEW_HOST || 'localhost'}:${port}/`);
    } catch (error) {
      // The view is a convenience: a taken port must not stop frames flowing.
      log(
        `capture: live view disabled: cannot listen on port ${config.view.port}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
      );
      view = undefined;
    }
  }
  log(
    `capture: ${config.name}: ${source.description} at ${config.fps} fps → ${new URL(config.scoring.url).host}, results on output '${config.output}' via ${sink.kind}`,
  );

  const outcome = await runCaptureLoop({ config, source, client, sink, view, log, signal: controller.signal, maxMessages });
  await Promise.allSettled([source.close(), view?.close(), sink.close()]);
  client.close();
  const { captured, sent, dropped, failed } = outcome.stats;
  const failure = outcome.reason instanceof Error ? outcome.reason : undefined;
  log(
    `capture: stopped (${failure ? 'error' : outcome.reason}): ${captured} frames captured, ${sent} sent, ${dropped} dropped while busy, ${failed} failed.`,
  );
  if (failure) {
    // Last, so whoever reads the tail of the log (e.g. `edgeml run`) sees the cause.
    log(`capture: ${failure.message}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  // Expected start-up problems get one line; anything else is a bug and keeps its stack.
  const expected = error instanceof StartupError || error instanceof CaptureConfigError || error instanceof FrameSourceError;
  log(`capture: ${expected ? (error as Error).message : ((error as Error)?.stack ?? String(error))}`);
  process.exitCode = 1;
});
