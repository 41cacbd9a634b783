// `edgeml plan <spec> [--out FILE] [--json] [--detailed-exitcode] [--state FILE] [--set …]` (CLI stage): compare
// what the spec deploys with what is live in Azure and print the changes in Terraform's style. Writes nothing in
// Azure; with --out it saves the plan for `edgeml apply FILE`, which carries out exactly that plan.
import { resolve } from 'node:path';
import type { CliIO } from '../io.js';
import { ExitCode } from '../io.js';
import { painter, useColor } from '../output.js';
import type { Paint as PlanPaint } from '../../plan/render-text.js';
import type { Diagnostic } from '../../diagnostics/types.js';

export interface PlanOptions {
  set?: string[];
  json?: boolean;
  color?: boolean;
  state?: string;
  detailedExitcode?: boolean;
  /** Save the plan to this file for `edgeml apply FILE`. */
  out?: string;
}

/** Plan symbols in the colours Terraform uses: green create, yellow update, red destroy. */
function planPaint(enabled: boolean): PlanPaint {
  const paint = painter(enabled);
  const styles = { create: 'hint', update: 'warning', delete: 'error', heading: 'bold', dim: 'gutter' } as const;
  return (kind, text) => paint(styles[kind], text);
}

export default async function plan(args: string[], options: PlanOptions, io: CliIO): Promise<number> {
  const specPath = args[0];
  if (!specPath) {
    io.stderr.write('edgeml plan: missing <spec> argument.\n');
    return ExitCode.usage;
  }
  const support = await import('../command-support.js');
  const program = await support.openProgram(specPath, options, io);
  const prefetchProblem = await support.prefetchRemoteModel(program, io);
  if (prefetchProblem) {
    support.printDiagnostics(io, options, [prefetchProblem.diagnostic], prefetchProblem.sources);
    return ExitCode.failed;
  }
  const loaded = await support.loadSpec(program, true);
  const fail = (diagnostics: Diagnostic[]): number => {
    if (options.json)
      io.stdout.write(JSON.stringify({ ok: false, diagnostics: support.jsonDiagnostics(diagnostics, loaded.sources) }, null, 2) + '\n');
    else support.printDiagnostics(io, options, diagnostics, loaded.sources);
    return ExitCode.failed;
  };
  if (!loaded.ir || !loaded.desired) return fail(loaded.diagnostics);
  const { ir, desired } = loaded;

  const { computePlan } = await import('../../plan/compute-plan.js');
  const { applyDiagnostic } = await import('../../apply/errors.js');
  const { loadState } = await import('../../apply/state-access.js');
  const state = loadState(support.stateFileFor(ir, specPath, options, io), ir.name);
  for (const [file, text] of state.sources) loaded.sources.set(file, text);
  if (!state.state) return fail([...loaded.diagnostics, state.diagnostic!]);
  const lastApplied = state.state.lastAppliedContentHash;
  const result = await support.guarded(async () => computePlan(desired, await support.openProviders(ir, io), io.env, lastApplied));
  if (!result.value) return fail([...loaded.diagnostics, result.diagnostic!]);
  const missing = result.value.missing.map((m) => applyDiagnostic('resourceMissing', { kind: m.kind, name: m.name }));
  if (missing.length > 0) return fail([...loaded.diagnostics, ...missing]);

  const { plan: thePlan } = result.value;
  const { isEmptyPlan } = await import('../../plan/types.js');
  const warnings = [...loaded.diagnostics];
  if (thePlan.reach?.rejected !== undefined) {
    const at = loaded.locate?.(['azure', 'fleet', 'targetCondition']);
    return fail([
      ...loaded.diagnostics,
      { ...applyDiagnostic('targetConditionRejected', { condition: thePlan.reach.condition, reason: thePlan.reach.rejected }), ...at },
    ]);
  }
  if (thePlan.reach?.edgeDevices === 0) {
    const at = loaded.locate?.(['azure', 'fleet', 'targetCondition']);
    warnings.push({ ...applyDiagnostic('noTargetedDevices', { condition: thePlan.reach.condition, hub: ir.azure.iotHub.name }), ...at });
  }
  for (const [index, ring] of (thePlan.rollout?.rings ?? []).entries()) {
    if (ring.devices !== undefined && ring.devices < ring.gate.minDevices) {
      const { rolloutDiagnostic } = await import('../../rollout/errors.js');
      const at = loaded.locate?.(['azure', 'fleet', 'rollout', 'rings', index, 'name']);
      warnings.push({
        ...rolloutDiagnostic('ringBelowGate', { ring: ring.name, devices: ring.devices, needed: ring.gate.minDevices }),
        ...at,
      });
    }
  }
  if (options.out) {
    const { createSavedPlan } = await import('../../plan/saved-plan.js');
    const { writeFileAtomic } = await import('../../emit/write-file-atomic.js');
    const saved = createSavedPlan({
      plan: thePlan,
      desired,
      specFile: resolve(io.cwd, specPath),
      sets: options.set ?? [],
      specText: loaded.sources.get(specPath) ?? '',
      stateFile: support.stateFileFor(ir, specPath, options, io),
      stateSerial: state.state.serial,
    });
    writeFileAtomic(resolve(io.cwd, options.out), JSON.stringify(saved, null, 2) + '\n', 0o600);
  }
  if (options.json) {
    const { renderPlanJson } = await import('../../plan/render-json.js');
    io.stdout.write(renderPlanJson(thePlan));
  } else {
    support.printDiagnostics(io, options, warnings, loaded.sources);
    const { renderPlanText } = await import('../../plan/render-text.js');
    io.stdout.write(renderPlanText(thePlan, planPaint(useColor(io, 'stdout', options.color === false))));
    if (options.out)
      io.stdout.write(`\nSaved this plan to ${options.out}. To carry out exactly these changes, run: edgeml apply ${options.out}\n`);
  }
  if (options.detailedExitcode && !isEmptyPlan(thePlan)) return ExitCode.changes;
  return ExitCode.ok;
}
