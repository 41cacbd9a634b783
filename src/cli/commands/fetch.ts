// `edgeml fetch <spec> [--json] [--set …]` (CLI stage): downloads the spec's remote model (model.source.azureml or
// model.source.url) into the model cache, verifies it, and compares it with the spec, so `edgeml validate`,
// `compile` and `test` can read it. A second run with a verified cached copy makes no request.
import { relative } from 'node:path';
import type { CliIO } from '../io.js';
import { ExitCode } from '../io.js';
import type { Diagnostic } from '../../diagnostics/types.js';

export interface FetchOptions {
  set?: string[];
  json?: boolean;
  color?: boolean;
}

export default async function fetch(args: string[], options: FetchOptions, io: CliIO): Promise<number> {
  const specPath = args[0];
  if (!specPath) {
    io.stderr.write('edgeml fetch: missing <spec> argument.\n');
    return ExitCode.usage;
  }
  const support = await import('../command-support.js');
  const loaded = await support.loadSpec(await support.openProgram(specPath, options, io, { introspect: false }), false);
  const finish = (ok: boolean, diagnostics: Diagnostic[], extra: Record<string, unknown> = {}): number => {
    if (options.json)
      io.stdout.write(
        JSON.stringify({ spec: specPath, ok, ...extra, diagnostics: support.jsonDiagnostics(diagnostics, loaded.sources) }, null, 2) + '\n',
      );
    else support.printDiagnostics(io, options, diagnostics, loaded.sources);
    return ok ? ExitCode.ok : ExitCode.failed;
  };
  if (!loaded.ir) return finish(false, loaded.diagnostics);
  const ir = loaded.ir;

  const { modelCacheRoot, isRemoteSource } = await import('../../model/cache.js');
  const remote = await import('../../model/fetch-remote.js');
  if (!isRemoteSource(ir.model.source))
    return finish(true, [...loaded.diagnostics, remote.fetchDiagnostic('notRemote', { kind: ir.model.source.kind })]);
  const what = remote.describeRemoteModel(ir.model.source);
  const { createRequestStats } = await import('../../providers/types.js');
  const stats = createRequestStats();
  const warnings: Diagnostic[] = [];
  const shown = (file: string) => relative(io.cwd, file) || file;
  try {
    const cached = await remote.ensureCachedModel(ir, {
      cacheRoot: modelCacheRoot(ir.specDir, io.env, io.cwd),
      mlProvider: () => remote.openMlProvider(ir.azure, { env: io.env, stats }),
      onDiagnostic: (d) => void warnings.push(d),
    });
    const info = await remote.checkCachedModel(ir, cached.file);
    const model = { file: cached.file, downloaded: cached.downloaded, sizeBytes: cached.record.sizeBytes, sha256: cached.record.sha256 };
    const extra = { model, inputs: info.inputs, outputs: info.outputs, requests: { total: stats.total, retries: stats.retries } };
    if (!options.json) {
      io.stdout.write(
        cached.downloaded
          ? `Fetched the ${what} into ${shown(cached.file)} (${cached.record.sizeBytes} bytes, sha256 ${cached.record.sha256.slice(0, 16)}…, ${stats.total} Azure requests).\n`
          : `The ${what} is already cached and verified: ${shown(cached.file)}.\n`,
      );
      io.stdout.write(`It matches the spec: input ${info.inputs.map((i) => `'${i.name}' [${(i.shape ?? []).join(', ')}]`).join(', ')}.\n`);
    }
    return finish(true, [...loaded.diagnostics, ...warnings], extra);
  } catch (error) {
    if (error instanceof remote.ModelCacheError)
      return finish(false, [...loaded.diagnostics, ...warnings, error.diagnostic], {
        requests: { total: stats.total, retries: stats.retries },
      });
    throw error;
  }
}
