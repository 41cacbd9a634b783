// Runs a telemetry scoring module locally (`task: telemetry`): writes its config (the model on this machine) and
// starts the real telemetry main.js from dist/runtime/ with the run's local edgeHub variables, so it reads its inputs
// and sends its results through ModuleClient exactly as on a device. Local stage (`edgeml run`). It has no HTTP port;
// it is up once it connects to the local edgeHub (the run names it if it never does).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelCacheRoot, verifiedCacheDir } from '../model/cache.js';
import { locateSpecModel } from '../model/introspect.js';
import { createTelemetryConfig } from '../model/telemetry-config.js';
import { startChild } from './child-process.js';
import { moduleEnvironment } from './module-env.js';
import { MissingEnvError, ModuleStartError, type RunningScoringModule, type StartScoringOptions } from './scoring-module.js';

type StartTelemetryOptions = StartScoringOptions & { edgeHubEnv: Record<string, string> };

/** Writes the module's config under `workDir/<module>/` and resolves its environment (what `--attach` hands out too). */
export async function prepareTelemetryModule(
  options: Omit<StartTelemetryOptions, 'log'>,
): Promise<{ configPath: string; dir: string; env: Record<string, string> }> {
  const { ir, module } = options;
  const dir = join(options.workDir, module.name);
  await mkdir(dir, { recursive: true });
  const located = await locateSpecModel(ir, {
    cacheDir: await verifiedCacheDir(ir, modelCacheRoot(ir.specDir, options.env)),
    extractTo: dir,
  });
  if ('deferred' in located) throw new ModuleStartError(`its model is not on this machine: ${located.deferred}`);
  const { env, missing } = moduleEnvironment(module, options.env, options.edgeHubEnv);
  if (missing.length > 0) throw new MissingEnvError(missing[0]!);
  const config = createTelemetryConfig(ir, module, options.modelInfo);
  config.model.path = located.file;
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  return { configPath, dir, env };
}

export async function startTelemetryModule(options: StartTelemetryOptions): Promise<RunningScoringModule> {
  const { module, log } = options;
  const { configPath, dir, env } = await prepareTelemetryModule(options);
  const child = startChild({
    command: process.execPath,
    args: [join(options.runtimeDir, 'telemetry', 'main.js'), configPath],
    env,
    cwd: dir,
    onStdoutLine: (line) => log(`[${module.name}] ${line}`),
    onStderrLine: (line) => log(`[${module.name}] ${line}`),
  });
  // Not a loopback HTTP server: the port and URL stay empty (no capture module sends frames to a telemetry scorer).
  return { name: module.name, port: 0, baseUrl: '', child };
}
