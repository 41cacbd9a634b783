// Runs one scoring module locally: writes its config (model path on this machine, a free loopback port) to a work
// folder, starts the real scoring main.js from dist/runtime/ as a child process, and waits until /healthz is ready.
// Local stage (`edgeml run`).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModuleIR, WorkflowIR } from '../ir/types.js';
import type { ModelInfo } from '../model/model-info.js';
import { locateSpecModel } from '../model/introspect.js';
import { modelCacheRoot, verifiedCacheDir } from '../model/cache.js';
import { createScoringConfig, withLocalStageModels } from '../model/scoring-config.js';
import { startChild, type ManagedChild } from './child-process.js';
import { findFreePort } from './free-port.js';
import { moduleEnvironment } from './module-env.js';

export class ModuleStartError extends Error {
  override name = 'ModuleStartError';
}

/** The module's spec needs an environment variable (a secret) that is not set. */
export class MissingEnvError extends ModuleStartError {
  override name = 'MissingEnvError';
  constructor(readonly variable: string) {
    super(`the environment variable '${variable}' is not set.`);
  }
}

export interface RunningScoringModule {
  name: string;
  port: number;
  /** Base URL on loopback, e.g. http://127.0.0.1:40123 */
  baseUrl: string;
  child: ManagedChild;
}

export interface StartScoringOptions {
  ir: WorkflowIR;
  module: ModuleIR;
  modelInfo?: ModelInfo;
  env: Readonly<Record<string, string | undefined>>;
  workDir: string;
  /** dist/runtime/ */
  runtimeDir: string;
  log: (line: string) => void;
  readyTimeoutMs?: number;
}

/** Per-request log lines of the scoring server; shown only as counts, since they would drown the upstream output. */
const REQUEST_LOG = /^\d{4}-\d\d-\d\dT\S+ (GET|POST) /;

export async function startScoringModule(options: StartScoringOptions): Promise<RunningScoringModule> {
  const { ir, module, log } = options;
  const dir = join(options.workDir, module.name);
  await mkdir(dir, { recursive: true });
  // A remote model is served from the verified cache that `edgeml fetch` fills; a zipped export's model is extracted
  // into this module's folder of the run's work folder.
  const located = await locateSpecModel(ir, {
    cacheDir: await verifiedCacheDir(ir, modelCacheRoot(ir.specDir, options.env)),
    extractTo: dir,
  });
  if ('deferred' in located) throw new ModuleStartError(`its model is not on this machine: ${located.deferred}`);
  // Locally the scoring server answers only on loopback, never on this machine's network.
  const { env, missing } = moduleEnvironment(module, options.env, { EDGEML_HOST: '127.0.0.1' });
  if (missing.length > 0) throw new MissingEnvError(missing[0]!);

  const port = await findFreePort();
  const config = withLocalStageModels(createScoringConfig(ir, module, options.modelInfo), ir);
  config.model.path = located.file;
  config.server.port = port;
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));

  const child = startChild({
    command: process.execPath,
    args: [join(options.runtimeDir, 'scoring', 'main.js'), configPath],
    env,
    cwd: dir,
    onStdoutLine: (line) => {
      if (!REQUEST_LOG.test(line)) log(`[${module.name}] ${line}`);
    },
    onStderrLine: (line) => log(`[${module.name}] ${line}`),
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(baseUrl, child, options.readyTimeoutMs ?? 120_000);
  } catch (error) {
    await child.stop(1000);
    throw error;
  }
  return { name: module.name, port, baseUrl, child };
}

/** Polls /healthz: 200 is ready; a 'failed' status or an exited child is a start failure with its reason. */
async function waitUntilReady(baseUrl: string, child: ManagedChild, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.hasExited) {
      const exit = await child.exited;
      throw new ModuleStartError(
        `the scoring process exited (${exit.code ?? exit.signal}) before it was ready${child.tail() ? `: ${lastLine(child.tail())}` : '.'}`,
      );
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      const body = (await res.json().catch(() => ({}))) as { status?: string; error?: string };
      if (res.status === 200) return;
      if (body.status === 'failed') throw new ModuleStartError(`the model failed to load: ${body.error ?? 'unknown reason'}`);
    } catch (error) {
      if (error instanceof ModuleStartError) throw error;
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new ModuleStartError(`the scoring server was not ready within ${Math.round(timeoutMs / 1000)} s.`);
}

const lastLine = (text: string): string =>
  text
    .trim()
    .split('\n')
    .pop()!
    .replace(/^scoring: /, '');
