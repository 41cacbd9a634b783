// `edgeml apply <spec> [--skip-build] [--timeout S] [--connection-string-file F] [--show-connection-string]
// [--state FILE] [--json]` (CLI stage): create what is missing, build and push images, deploy, and wait until the
// device or fleet converges. Progress goes to stdout, one line per step; diagnostics to stderr.
import { resolve } from 'node:path';
import type { CliIO } from '../io.js';
import { ExitCode } from '../io.js';
import type { Diagnostic } from '../../diagnostics/types.js';

export interface ApplyOptions {
  set?: string[];
  json?: boolean;
  color?: boolean;
  state?: string;
  skipBuild?: boolean;
  /** Seconds, as typed. */
  timeout?: string;
  connectionStringFile?: string;
  showConnectionString?: boolean;
}

const defaultTimeoutSeconds = 900;
/** `docker build --network` for the image builds, e.g. 'host' where the engine has no bridge network. */
export const BUILD_NETWORK_ENV = 'EDGEML_DOCKER_BUILD_NETWORK';
const defaultPollMs = 5000;

export default async function apply(args: string[], options: ApplyOptions, io: CliIO): Promise<number> {
  const specPath = args[0];
  if (!specPath) {
    io.stderr.write('edgeml apply: missing <spec> argument.\n');
    return ExitCode.usage;
  }
  const timeoutSeconds = options.timeout === undefined ? defaultTimeoutSeconds : Number(options.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    io.stderr.write(`edgeml apply: --timeout must be a positive number of seconds, not '${options.timeout}'.\n`);
    return ExitCode.usage;
  }
  const support = await import('../../apply/command-support.js');
  // A remote model is fetched before rendering: the scoring config, and so the image tag, depend on what it holds.
  const prefetchProblem = await support.prefetchRemoteModel(specPath, options, io);
  if (prefetchProblem) {
    const { diagnostic, sources } = prefetchProblem;
    if (options.json) io.stdout.write(JSON.stringify({ ok: false, diagnostics: support.jsonDiagnostics([diagnostic], sources) }, null, 2) + '\n');
    else support.printDiagnostics(io, options, [diagnostic], sources);
    return ExitCode.failed;
  }
  const loaded = await support.loadSpec(specPath, options, io, true);
  const finish = (ok: boolean, diagnostics: Diagnostic[], extra: Record<string, unknown> = {}): number => {
    if (options.json) io.stdout.write(JSON.stringify({ ok, ...extra, diagnostics: support.jsonDiagnostics(diagnostics, loaded.sources) }, null, 2) + '\n');
    else support.printDiagnostics(io, options, diagnostics, loaded.sources);
    return ok ? ExitCode.ok : ExitCode.failed;
  };
  if (!loaded.ir || !loaded.desired) return finish(false, loaded.diagnostics);
  const { ir, desired } = loaded;

  const opened = await support.guarded(() => support.openProviders(ir, io));
  if (!opened.value) return finish(false, [...loaded.diagnostics, opened.diagnostic!]);
  const statePath = support.stateFileFor(ir, specPath, options, io);
  // Held from the first read of the state to its last write: a second apply or destroy is refused, not interleaved.
  const { lockState, loadState } = await import('../../apply/state-access.js');
  const locked = lockState(statePath, 'apply');
  if (!locked.lock) return finish(false, [...loaded.diagnostics, ...locked.diagnostics]);
  try {
    const checked = loadState(statePath, ir.name);
    if (!checked.state) {
      for (const [file, text] of checked.sources) loaded.sources.set(file, text);
      return finish(false, [...loaded.diagnostics, checked.diagnostic!]);
    }
    const { runApply } = await import('../../apply/apply.js');
    const { createRemoteModelLoader } = await import('../../model/fetch-remote.js');
    const { createProgress } = await import('../../apply/progress.js');
    const silent = { write: () => true, isTTY: false };
    const outcome = await runApply({
      desired,
      providers: opened.value,
      docker: async () => (await import('../../providers/docker/docker-provider.js')).createDockerProvider({ buildNetwork: io.env[BUILD_NETWORK_ENV] || undefined }),
      statePath,
      env: io.env,
      progress: createProgress(options.json ? silent : io.stdout),
      stdout: io.stdout,
      skipBuild: options.skipBuild,
      timeoutMs: timeoutSeconds * 1000,
      pollIntervalMs: support.pollIntervalMs(io, defaultPollMs),
      connectionStringFile: options.connectionStringFile === undefined ? undefined : resolve(io.cwd, options.connectionStringFile),
      showConnectionString: options.showConnectionString,
      remoteModel: createRemoteModelLoader(ir, { env: io.env, cwd: io.cwd, stats: opened.value.stats }),
    });
    const stats = opened.value.stats;
    if (outcome.ok && !options.json) {
      io.stdout.write(`Apply complete: ${outcome.deployed ? 'deployment sent' : 'no deployment change'} (${stats.total} Azure requests).\n`);
    }
    const extra = {
      deployed: outcome.deployed,
      requests: { total: stats.total, writes: stats.writes, retries: stats.retries },
      problems: outcome.convergence?.problems ?? [],
      fleet: outcome.fleet?.metrics,
    };
    return finish(outcome.ok, [...loaded.diagnostics, ...locked.diagnostics, ...outcome.diagnostics], extra);
  } finally {
    locked.lock.release();
  }
}
