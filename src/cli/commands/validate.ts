// `edgeml validate <spec...>`: every problem in every spec at once; exit 0 valid, 1 invalid, 2 usage. A folder stands
// for the .yaml / .yml files directly inside it.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatDiagnostics, toJsonDiagnostics } from '../../diagnostics/render.js';
import { hasErrors, type Diagnostic } from '../../diagnostics/types.js';
import { loadWorkflow } from '../../program.js';
import { ExitCode, type CliIO } from '../io.js';
import { painter, useColor } from '../output.js';

export interface ValidateOptions {
  set?: string[];
  json?: boolean;
  color?: boolean;
  strict?: boolean;
  model?: boolean;
}

export default async function validate(specs: string[], options: ValidateOptions, io: CliIO): Promise<number> {
  const results: { spec: string; valid: boolean; diagnostics: Diagnostic[]; sources: Map<string, string> }[] = [];
  for (const spec of specs.flatMap((given) => specsIn(given, io.cwd))) {
    const loaded = await loadWorkflow(spec, { sets: options.set, env: io.env, cwd: io.cwd, introspect: options.model !== false });
    results.push({ spec, valid: !hasErrors(loaded.diagnostics, options.strict), diagnostics: loaded.diagnostics, sources: loaded.sources });
  }
  if (options.json) {
    const report = results.map((r) => ({ spec: r.spec, valid: r.valid, diagnostics: toJsonDiagnostics(r.diagnostics, r.sources) }));
    io.stdout.write(JSON.stringify(specs.length === 1 ? report[0] : report, null, 2) + '\n');
  } else {
    const paint = painter(useColor(io, 'stderr', options.color === false));
    for (const r of results) {
      if (r.diagnostics.length > 0) io.stderr.write(formatDiagnostics(r.diagnostics, r.sources, paint));
      if (r.valid) io.stdout.write(`${r.spec}: valid${countsText(r.diagnostics)}\n`);
    }
  }
  return results.every((r) => r.valid) ? ExitCode.ok : ExitCode.failed;
}

/** ' (1 warning, 2 notes)' for what a valid spec still got; '' when nothing. */
function countsText(diagnostics: readonly Diagnostic[]): string {
  const warnings = diagnostics.filter((d) => d.category === 'warning').length;
  const notes = diagnostics.length - warnings;
  const parts = [
    [warnings, 'warning'],
    [notes, 'note'],
  ]
    .filter(([n]) => n)
    .map(([n, word]) => `${n} ${word}${n === 1 ? '' : 's'}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** The spec files a command-line argument names: a folder's YAML files (sorted), else the argument itself. */
function specsIn(given: string, cwd: string): string[] {
  let entries: string[];
  try {
    if (!statSync(resolve(cwd, given)).isDirectory()) return [given];
    entries = readdirSync(resolve(cwd, given));
  } catch {
    return [given]; // missing or unreadable: loading it reports why
  }
  const yaml = entries.filter((name) => /\.ya?ml$/i.test(name)).sort();
  return yaml.length > 0 ? yaml.map((name) => join(given, name)) : [given];
}
