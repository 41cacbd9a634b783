// Runs one image-capture module locally: writes its config (media paths on this machine, the scoring module's
// loopback URL) and starts the real capture main.js from dist/runtime/ as a child process. With the run's local
// edgeHub it sends its results as on a device (ModuleClient over MQTT, `edgeHubEnv`); without one, each result line
// it prints becomes a message on the bus. Local stage (`edgeml run`).
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ModuleIR, WorkflowIR } from '../ir/types.js';
import { createCaptureConfig } from '../render/capture-config.js';
import { parseMessageLine } from '../runtime/capture/sinks.js';
import { startChild, type ManagedChild } from './child-process.js';
import type { MessageBus } from './message-bus.js';
import { moduleEnvironment } from './module-env.js';
import { MissingEnvError } from './scoring-module.js';

export interface RunningCaptureModule {
  name: string;
  child: ManagedChild;
  /** Result messages received from it. */
  messages(): number;
}

export interface StartCaptureOptions {
  ir: WorkflowIR;
  module: ModuleIR;
  /** Loopback base URL of the scoring module it sends to. */
  scoringBaseUrl: string;
  bus: MessageBus;
  env: Readonly<Record<string, string | undefined>>;
  workDir: string;
  runtimeDir: string;
  log: (line: string) => void;
  /** EdgeHubConnectionString and EdgeModuleCACertificateFile of the run's local edgeHub. */
  edgeHubEnv?: Record<string, string>;
}

/** Writes the module's config under `workDir/<module>/` and resolves its environment (what `--attach` hands out too). */
export async function prepareCaptureModule(
  options: Omit<StartCaptureOptions, 'bus' | 'log'>,
): Promise<{ configPath: string; dir: string; env: Record<string, string> }> {
  const { ir, module } = options;
  const capture = module.capture!;
  const path = new URL(capture.scoringUrl).pathname;
  const config = createCaptureConfig(ir, module, {
    scoringUrl: `${options.scoringBaseUrl}${path}`,
    mapPath: (p) => resolve(ir.specDir, p),
  });
  const secretEnv = 'urlEnv' in config.source ? [config.source.urlEnv] : [];
  const { env, missing } = moduleEnvironment(module, options.env, { EDGEML_VIEW_HOST: '127.0.0.1', ...options.edgeHubEnv });
  for (const name of secretEnv) {
    const value = options.env[name];
    if (value === undefined) missing.push(name);
    else env[name] = value;
  }
  if (missing.length > 0) throw new MissingEnvError(missing[0]!);

  const dir = join(options.workDir, module.name);
  await mkdir(dir, { recursive: true });
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  return { configPath, dir, env };
}

export async function startCaptureModule(options: StartCaptureOptions): Promise<RunningCaptureModule> {
  const { module, bus, log } = options;
  const { configPath, dir, env } = await prepareCaptureModule(options);
  let received = 0;
  const child = startChild({
    command: process.execPath,
    args: [join(options.runtimeDir, 'capture', 'main.js'), configPath],
    env,
    cwd: dir,
    onStdoutLine: (line) => {
      const message = parseMessageLine(line);
      if (!message) return void log(`[${module.name}] ${line}`);
      received++;
      bus.publish({
        module: module.name,
        output: message.output,
        body: JSON.stringify(message.body),
        properties: message.properties,
        contentType: message.contentType,
        contentEncoding: message.contentEncoding,
      });
    },
    onStderrLine: (line) => log(`[${module.name}] ${line}`),
  });
  return { name: module.name, child, messages: () => received };
}
