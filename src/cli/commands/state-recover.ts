// `edgeml state recover <spec> [--state FILE] [--json]` (CLI stage): rebuild a lost or damaged state file from what
// is live in Azure, using the ownership tags edgeml puts on what it creates. A damaged file is kept as `<file>.bak`.
import { existsSync, renameSync } from 'node:fs';
import type { CliIO } from '../io.js';
import { ExitCode } from '../io.js';

export interface StateRecoverOptions {
  set?: string[];
  json?: boolean;
  color?: boolean;
  state?: string;
}

export default async function stateRecover(args: string[], options: StateRecoverOptions, io: CliIO): Promise<number> {
  const specPath = args[0];
  if (!specPath) {
    io.stderr.write('edgeml state recover: missing <spec> argument.\n');
    return ExitCode.usage;
  }
  const support = await import('../command-support.js');
  const loaded = await support.loadSpec(await support.openProgram(specPath, options, io, { introspect: false }), false);
  if (!loaded.ir) {
    support.printDiagnostics(io, options, loaded.diagnostics, loaded.sources);
    return ExitCode.failed;
  }
  const { ir } = loaded;
  const statePath = support.stateFileFor(ir, specPath, options, io);
  const { lockState, loadState } = await import('../../apply/state-access.js');
  const locked = lockState(statePath, 'state recover');
  if (!locked.lock) {
    support.printDiagnostics(io, options, locked.diagnostics, loaded.sources);
    return ExitCode.failed;
  }
  try {
    support.printDiagnostics(io, options, locked.diagnostics, loaded.sources);
    const opened = await support.guarded(() => support.openProviders(ir, io));
    if (!opened.value) {
      support.printDiagnostics(io, options, [opened.diagnostic!], loaded.sources);
      return ExitCode.failed;
    }
    const providers = opened.value;
    const { recoverState } = await import('../../apply/recover-state.js');
    const previous = loadState(statePath, ir.name).state;
    const result = await support.guarded(() =>
      recoverState({
        workflow: ir.name,
        azure: ir.azure,
        moduleNames: ir.modules.map((m) => m.name),
        providers,
        previousSerial: previous?.serial,
      }),
    );
    if (!result.value) {
      support.printDiagnostics(io, options, [result.diagnostic!], loaded.sources);
      return ExitCode.failed;
    }
    const { state, found } = result.value;
    // What Azure cannot tell (image digests, the last applied content) is kept from a readable old file.
    if (previous) {
      state.images = previous.images;
      if (previous.lastAppliedContentHash) state.lastAppliedContentHash = previous.lastAppliedContentHash;
    }
    const backup = !previous && existsSync(statePath) ? `${statePath}.bak` : undefined;
    if (backup) renameSync(statePath, backup);
    const { writeState } = await import('../../apply/state.js');
    writeState(statePath, state);
    if (options.json) {
      io.stdout.write(JSON.stringify({ ok: true, state: statePath, backup, found }, null, 2) + '\n');
      return ExitCode.ok;
    }
    if (backup) io.stdout.write(`The unreadable state file was kept as ${backup}.\n`);
    io.stdout.write(`Recovered the state of '${ir.name}' from Azure into ${statePath}:\n`);
    for (const item of found)
      io.stdout.write(
        `  ${item.kind} ${item.name}: ${item.created ? 'created by edgeml (destroy deletes it)' : 'not created by edgeml (kept by destroy)'}\n`,
      );
    if (found.length === 0) io.stdout.write("  nothing: none of the spec's resources exist.\n");
    return ExitCode.ok;
  } finally {
    locked.lock.release();
  }
}
