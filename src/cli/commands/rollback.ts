// `edgeml rollback <spec> [--to REVISION] [--timeout S] [--state FILE] [--json]` (CLI stage): return the fleet to the
// last good revision (or the one named), then record it in the history. The spec itself is not changed: a later
// `edgeml apply` rolls its content out again.
import type { CliIO } from '../io.js';
import { ExitCode } from '../io.js';
import type { Diagnostic } from '../../diagnostics/types.js';

export interface RollbackCommandOptions {
  set?: string[];
  json?: boolean;
  color?: boolean;
  state?: string;
  to?: string;
  timeout?: string;
}

export default async function rollback(args: string[], options: RollbackCommandOptions, io: CliIO): Promise<number> {
  const specPath = args[0];
  if (!specPath) {
    io.stderr.write('edgeml rollback: missing <spec> argument.\n');
    return ExitCode.usage;
  }
  const to = options.to === undefined ? undefined : Number(options.to);
  if (to !== undefined && !(Number.isInteger(to) && to > 0)) {
    io.stderr.write(`edgeml rollback: --to must be a revision number from \`edgeml history\`, not '${options.to}'.\n`);
    return ExitCode.usage;
  }
  const timeoutSeconds = options.timeout === undefined ? 900 : Number(options.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    io.stderr.write(`edgeml rollback: --timeout must be a positive number of seconds, not '${options.timeout}'.\n`);
    return ExitCode.usage;
  }
  const support = await import('../command-support.js');
  const loaded = await support.loadSpec(await support.openProgram(specPath, options, io, { introspect: false }), false);
  const finish = (ok: boolean, diagnostics: Diagnostic[], extra: Record<string, unknown> = {}): number => {
    if (options.json)
      io.stdout.write(JSON.stringify({ ok, ...extra, diagnostics: support.jsonDiagnostics(diagnostics, loaded.sources) }, null, 2) + '\n');
    else support.printDiagnostics(io, options, diagnostics, loaded.sources);
    return ok ? ExitCode.ok : ExitCode.failed;
  };
  if (!loaded.ir) return finish(false, loaded.diagnostics);
  const { ir } = loaded;
  const { rolloutDiagnostic } = await import('../../rollout/errors.js');
  const deployment = ir.azure.deployment;
  if (deployment.kind !== 'fleet') return finish(false, [rolloutDiagnostic('notAFleetRollout', { command: 'rollback' })]);
  const fleet = deployment;

  const { lockState, loadState } = await import('../../apply/state-access.js');
  const { writeState } = await import('../../apply/state.js');
  const statePath = support.stateFileFor(ir, specPath, options, io);
  // Held from the first read of the state to its last write, like apply and destroy: a rollback never interleaves with them.
  const locked = lockState(statePath, 'rollback');
  if (!locked.lock) return finish(false, locked.diagnostics);
  try {
    return await rollbackLocked();
  } finally {
    locked.lock.release();
  }

  async function rollbackLocked(): Promise<number> {
    const loadedState = loadState(statePath, ir.name);
    if (!loadedState.state) return finish(false, [loadedState.diagnostic!]);
    const state = loadedState.state;

    const opened = await support.guarded(() => support.openProviders(ir, io));
    if (!opened.value) return finish(false, [opened.diagnostic!]);
    const providers = opened.value;
    const { runRollback } = await import('../../rollout/rollback.js');
    const { historyPath } = await import('../../rollout/history.js');
    const { createProgress } = await import('../../apply/progress.js');
    const { createRegistrySecretsLoader } = await import('../../apply/registry-credentials.js');
    const { resolveContent } = await import('../../plan/secrets.js');
    const { applyError } = await import('../../apply/errors.js');
    const registrySecrets = createRegistrySecretsLoader(ir.azure, providers.arm, io.env);
    const result = await support.guarded(async () =>
      runRollback({
        hub: await providers.iotHub(),
        target: fleet,
        state,
        saveState: () => writeState(statePath, state),
        historyFile: historyPath(statePath),
        progress: createProgress(options.json ? { write: () => true } : io.stdout),
        resolve: async (content) => {
          const resolved = resolveContent(content, { env: { ...io.env, ...(await registrySecrets()).env } });
          if (resolved.missing.length > 0) throw applyError('secretMissing', { name: resolved.missing[0] });
          return resolved.content;
        },
        to,
        timeoutMs: timeoutSeconds * 1000,
        intervalMs: support.pollIntervalMs(io, 5000),
      }),
    );
    if (!result.value) return finish(false, [result.diagnostic!]);
    const r = result.value;
    if (!options.json) {
      io.stdout.write(
        `Rollback complete: revision ${r.revision} returns the fleet to revision ${r.rolledBackTo} (deployment ${r.configurationId}${r.recreated ? ', created again' : ''}).\n`,
      );
      io.stdout.write('The spec still describes the newer content: `edgeml apply` would roll it out again.\n');
    }
    return finish(true, [], { rollback: r });
  }
}
