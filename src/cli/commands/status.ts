// `edgeml status <spec> [--json] [--set …]` (CLI stage): the live module status table of the target device
// (desired/runtime status, image, restarts, exit code, last start) or the fleet's deployments and their metrics.
import type { CliIO } from '../io.js';
import { ExitCode } from '../io.js';

export interface StatusOptions {
  set?: string[];
  json?: boolean;
  color?: boolean;
}

export default async function status(args: string[], options: StatusOptions, io: CliIO): Promise<number> {
  const specPath = args[0];
  if (!specPath) {
    io.stderr.write('edgeml status: missing <spec> argument.\n');
    return ExitCode.usage;
  }
  const support = await import('../command-support.js');
  const loaded = await support.loadSpec(await support.openProgram(specPath, options, io, { introspect: false }), false);
  if (!loaded.ir) {
    support.printDiagnostics(io, { ...options, json: false }, loaded.diagnostics, loaded.sources);
    return ExitCode.failed;
  }
  const { ir } = loaded;
  const { readStatus, renderStatusText } = await import('../../apply/status.js');
  const result = await support.guarded(async () => readStatus(ir.azure, await support.openProviders(ir, io)));
  if (!result.value) {
    if (options.json)
      io.stdout.write(
        JSON.stringify({ ok: false, diagnostics: support.jsonDiagnostics([result.diagnostic!], loaded.sources) }, null, 2) + '\n',
      );
    else support.printDiagnostics(io, options, [result.diagnostic!], loaded.sources);
    return ExitCode.failed;
  }
  if (options.json) io.stdout.write(JSON.stringify({ ok: true, status: result.value }, null, 2) + '\n');
  else io.stdout.write(renderStatusText(result.value));
  return ExitCode.ok;
}
