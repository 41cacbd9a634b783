// `edgeml destroy <spec> [--yes] [--state FILE]` (CLI stage): delete exactly what the state file says edgeml
// created, after confirmation. Without a terminal on stdin it never prompts: then --yes is required.
import { createInterface } from 'node:readline';
import type { CliIO } from '../io.js';
import { ExitCode } from '../io.js';
import type { ApplyState } from '../../apply/state.js';
import type { WorkflowIR } from '../../ir/types.js';

export interface DestroyOptions {
  set?: string[];
  json?: boolean;
  color?: boolean;
  state?: string;
  yes?: boolean;
}

async function confirm(io: CliIO, question: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin!, output: io.stderr as NodeJS.WritableStream, terminal: false });
  try {
    const answer = await new Promise<string>((resolve) => {
      rl.question(question, resolve);
      rl.once('close', () => resolve(''));
    });
    // Like Terraform: only the full word counts, so a stray Enter or 'y' never deletes anything.
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

export default async function destroy(args: string[], options: DestroyOptions, io: CliIO): Promise<number> {
  const specPath = args[0];
  if (!specPath) {
    io.stderr.write('edgeml destroy: missing <spec> argument.\n');
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
  // Held from reading the state to deleting it: an apply or destroy started meanwhile is refused, not interleaved.
  const { lockState, loadState } = await import('../../apply/state-access.js');
  const locked = lockState(statePath, 'destroy');
  if (!locked.lock) {
    support.printDiagnostics(io, options, locked.diagnostics, loaded.sources);
    return ExitCode.failed;
  }
  try {
    support.printDiagnostics(io, options, locked.diagnostics, loaded.sources);
    const state = loadState(statePath, ir.name);
    if (!state.state) {
      support.printDiagnostics(io, options, [state.diagnostic!], new Map([...loaded.sources, ...state.sources]));
      return ExitCode.failed;
    }
    return await destroyRecorded(ir, state.state, statePath, options, io, support);
  } finally {
    locked.lock.release();
  }
}

type Support = typeof import('../command-support.js');

async function destroyRecorded(
  ir: WorkflowIR,
  state: ApplyState,
  statePath: string,
  options: DestroyOptions,
  io: CliIO,
  support: Support,
): Promise<number> {
  const { applyDiagnostic } = await import('../../apply/errors.js');
  const sources = new Map<string, string>();
  const { destroyList, runDestroy } = await import('../../apply/destroy.js');
  const items = destroyList(state);
  if (items.length === 0) {
    support.printDiagnostics(io, options, [applyDiagnostic('nothingToDestroy', { file: statePath })], sources);
    return ExitCode.ok;
  }

  if (!options.yes) {
    if (!io.stdin || io.stdin.isTTY !== true) {
      support.printDiagnostics(io, options, [applyDiagnostic('confirmNeedsTty', undefined)], sources);
      return ExitCode.failed;
    }
    io.stderr.write(`edgeml will delete what it created for '${ir.name}':\n${items.map((i) => `  - ${i.kind} ${i.name}\n`).join('')}`);
    if (!(await confirm(io, "Type 'yes' to delete: "))) {
      support.printDiagnostics(io, options, [applyDiagnostic('destroyCancelled', undefined)], sources);
      return ExitCode.failed;
    }
  }

  const opened = await support.guarded(() => support.openProviders(ir, io));
  if (!opened.value) {
    support.printDiagnostics(io, options, [opened.diagnostic!], sources);
    return ExitCode.failed;
  }
  const { createProgress } = await import('../../apply/progress.js');
  const result = await runDestroy({
    azure: ir.azure,
    state,
    statePath,
    providers: opened.value,
    progress: createProgress(options.json ? { write: () => true } : io.stdout),
    intervalMs: support.pollIntervalMs(io, 5000),
  });
  if (options.json) {
    io.stdout.write(
      JSON.stringify(
        { ok: result.ok, deleted: result.deleted, diagnostics: support.jsonDiagnostics(result.diagnostics, sources) },
        null,
        2,
      ) + '\n',
    );
  } else {
    support.printDiagnostics(io, options, result.diagnostics, sources);
    if (result.ok) io.stdout.write(`Destroy complete: ${result.deleted.length} deleted.\n`);
  }
  return result.ok ? ExitCode.ok : ExitCode.failed;
}
