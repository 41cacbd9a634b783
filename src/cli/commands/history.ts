// `edgeml history <spec> [--json] [--state FILE]` (CLI stage): the fleet's revisions from the rollout history, with
// when each started, its content hash, the rings it reached and how it ended; the live deployments are marked.
import type { CliIO } from '../io.js';
import { ExitCode } from '../io.js';

export interface HistoryOptions {
  set?: string[];
  json?: boolean;
  color?: boolean;
  state?: string;
}

export default async function history(args: string[], options: HistoryOptions, io: CliIO): Promise<number> {
  const specPath = args[0];
  if (!specPath) {
    io.stderr.write('edgeml history: missing <spec> argument.\n');
    return ExitCode.usage;
  }
  const support = await import('../command-support.js');
  const loaded = await support.loadSpec(await support.openProgram(specPath, options, io, { introspect: false }), false);
  if (!loaded.ir) {
    support.printDiagnostics(io, { ...options, json: false }, loaded.diagnostics, loaded.sources);
    return ExitCode.failed;
  }
  const { ir } = loaded;
  const { HistoryError, historyPath, readHistory } = await import('../../rollout/history.js');
  const { rolloutDiagnostic } = await import('../../rollout/errors.js');
  const file = historyPath(support.stateFileFor(ir, specPath, options, io));
  let revisions;
  try {
    revisions = readHistory(file, ir.name).revisions;
  } catch (error) {
    if (!(error instanceof HistoryError)) throw error;
    support.printDiagnostics(io, options, [rolloutDiagnostic('historyUnreadable', { file, reason: error.detail })], loaded.sources);
    return ExitCode.failed;
  }
  // The live deployments, when the hub can be asked; the history alone is still worth showing when it cannot.
  const live = new Set<string>();
  const deployment = ir.azure.deployment;
  if (deployment.kind === 'fleet' && revisions.length > 0) {
    const listed = await support.guarded(async () => (await (await support.openProviders(ir, io)).iotHub()).listConfigurations());
    const { ownConfigurations } = await import('../../plan/live.js');
    for (const c of ownConfigurations(listed.value ?? [], deployment.id)) live.add(c.id);
    if (listed.diagnostic && !options.json) io.stderr.write(`(live deployments unknown: ${listed.diagnostic.message})\n`);
  }
  if (options.json) {
    io.stdout.write(
      JSON.stringify(
        { ok: true, revisions: revisions.map(({ content: _content, ...r }) => ({ ...r, live: live.has(r.configurationId) })) },
        null,
        2,
      ) + '\n',
    );
    return ExitCode.ok;
  }
  const { renderHistoryText } = await import('../../rollout/render-history.js');
  io.stdout.write(renderHistoryText(revisions, live));
  return ExitCode.ok;
}
