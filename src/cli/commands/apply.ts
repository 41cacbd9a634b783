// `edgeml apply <spec | plan file> [--skip-build] [--timeout S] [--connection-string-file F] [--show-connection-string]
// [--state FILE] [--json]` (CLI stage): plan, then carry the plan out — create what is missing, build and push images,
// deploy, and wait until the device or fleet converges. Given a plan file (`edgeml plan --out`), it carries out exactly
// that plan and refuses if the spec, the state or what is live changed since. Progress goes to stdout; diagnostics to stderr.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliIO } from '../io.js';
import { ExitCode } from '../io.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { SavedPlan } from '../../plan/saved-plan.js';

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
  /** Set by `edgeml rollout`: the spec must describe rollout rings. */
  requireRollout?: boolean;
}

const defaultTimeoutSeconds = 900;
/** `docker build --network` for the image builds, e.g. 'host' where the engine has no bridge network. */
export const BUILD_NETWORK_ENV = 'EDGEML_DOCKER_BUILD_NETWORK';
const defaultPollMs = 5000;
/** A plan file is small; anything bigger is a spec or a mistake, and is not read whole to find out. */
const MAX_PLAN_BYTES = 16 * 1024 * 1024;

/** The saved plan `path` holds, undefined when it is not a plan file (then it is a spec), or why it cannot be used. */
async function readSavedPlan(path: string, io: CliIO): Promise<{ saved?: SavedPlan; diagnostic?: Diagnostic }> {
  const absolute = resolve(io.cwd, path);
  let text: string;
  try {
    if (!statSync(absolute).isFile() || statSync(absolute).size > MAX_PLAN_BYTES) return {};
    text = readFileSync(absolute, 'utf8');
  } catch {
    return {}; // loading it as a spec reports the problem
  }
  const { isSavedPlanText, parseSavedPlan } = await import('../../plan/saved-plan.js');
  if (!isSavedPlanText(text)) return {};
  const parsed = parseSavedPlan(text);
  if ('plan' in parsed) return { saved: parsed.plan };
  const { applyDiagnostic } = await import('../../apply/errors.js');
  return { diagnostic: applyDiagnostic('planUnreadable', { file: path, reason: parsed.problem }) };
}

export default async function apply(args: string[], options: ApplyOptions, io: CliIO): Promise<number> {
  const target = args[0];
  if (!target) {
    io.stderr.write('edgeml apply: missing <spec> argument.\n');
    return ExitCode.usage;
  }
  const timeoutSeconds = options.timeout === undefined ? defaultTimeoutSeconds : Number(options.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    io.stderr.write(`edgeml apply: --timeout must be a positive number of seconds, not '${options.timeout}'.\n`);
    return ExitCode.usage;
  }
  const support = await import('../command-support.js');
  const fail = (diagnostics: Diagnostic[], sources: ReadonlyMap<string, string>, extra: Record<string, unknown> = {}): number => {
    if (options.json)
      io.stdout.write(JSON.stringify({ ok: false, ...extra, diagnostics: support.jsonDiagnostics(diagnostics, sources) }, null, 2) + '\n');
    else support.printDiagnostics(io, options, diagnostics, sources);
    return ExitCode.failed;
  };

  const planFile = await readSavedPlan(target, io);
  if (planFile.diagnostic) return fail([planFile.diagnostic], new Map());
  const saved = planFile.saved;
  if (saved && (options.set?.length || options.state)) {
    io.stderr.write('edgeml apply: --set and --state come from the plan file; they cannot be given with one.\n');
    return ExitCode.usage;
  }
  const specPath = saved ? saved.spec.file : target;
  const specOptions = saved ? { ...options, set: saved.spec.sets } : options;

  // A remote model is fetched before rendering: the scoring config, and so the image tag, depend on what it holds.
  const program = await support.openProgram(specPath, specOptions, io);
  const prefetchProblem = await support.prefetchRemoteModel(program, io);
  if (prefetchProblem) return fail([prefetchProblem.diagnostic], prefetchProblem.sources);
  const loaded = await support.loadSpec(program, true);
  const finish = (ok: boolean, diagnostics: Diagnostic[], extra: Record<string, unknown> = {}): number => {
    if (!ok) return fail(diagnostics, loaded.sources, extra);
    if (options.json)
      io.stdout.write(JSON.stringify({ ok, ...extra, diagnostics: support.jsonDiagnostics(diagnostics, loaded.sources) }, null, 2) + '\n');
    else support.printDiagnostics(io, options, diagnostics, loaded.sources);
    return ExitCode.ok;
  };
  if (!loaded.ir || !loaded.desired) return finish(false, loaded.diagnostics);
  const { ir, desired } = loaded;
  if (options.requireRollout && !(ir.azure.deployment.kind === 'fleet' && ir.azure.deployment.rollout)) {
    const { rolloutDiagnostic } = await import('../../rollout/errors.js');
    return finish(false, [...loaded.diagnostics, rolloutDiagnostic('notAFleetRollout', { command: 'rollout' })]);
  }
  const { applyDiagnostic } = await import('../../apply/errors.js');
  if (saved) {
    const { specDigest } = await import('../../plan/saved-plan.js');
    if (specDigest(loaded.sources.get(specPath) ?? '', desired) !== saved.spec.digest) {
      return finish(false, [...loaded.diagnostics, applyDiagnostic('planSpecChanged', { file: target, spec: specPath })]);
    }
  }

  const opened = await support.guarded(() => support.openProviders(ir, io));
  if (!opened.value) return finish(false, [...loaded.diagnostics, opened.diagnostic!]);
  const providers = opened.value;
  const statePath = saved ? saved.state.file : support.stateFileFor(ir, specPath, options, io);
  // Held from the first read of the state to its last write: a second apply or destroy is refused, not interleaved.
  const { lockState, loadState } = await import('../../apply/state-access.js');
  const locked = lockState(statePath, 'apply');
  if (!locked.lock) return finish(false, [...loaded.diagnostics, ...locked.diagnostics]);
  const diagnostics = [...loaded.diagnostics, ...locked.diagnostics];
  try {
    const checked = loadState(statePath, ir.name);
    if (!checked.state) {
      for (const [file, text] of checked.sources) loaded.sources.set(file, text);
      return finish(false, [...diagnostics, checked.diagnostic!]);
    }
    if (saved && checked.state.serial !== saved.state.serial) {
      return finish(false, [
        ...diagnostics,
        applyDiagnostic('planStateChanged', { file: target, state: statePath, planned: saved.state.serial, current: checked.state.serial }),
      ]);
    }

    // The one decision: the same plan `edgeml plan` shows; apply carries it out.
    const { computePlan } = await import('../../plan/compute-plan.js');
    const planned = await support.guarded(async () =>
      computePlan(desired, providers, io.env, checked.state?.lastAppliedContentHash, { reach: false }),
    );
    if (!planned.value) return finish(false, [...diagnostics, planned.diagnostic!]);
    const missing = planned.value.missing.map((m) => applyDiagnostic('resourceMissing', { kind: m.kind, name: m.name }));
    if (missing.length > 0) return finish(false, [...diagnostics, ...missing]);
    const plan = planned.value.plan;
    if (saved) {
      const { planDigest } = await import('../../plan/saved-plan.js');
      if (planDigest(plan) !== saved.planDigest) {
        const what = `the plan now reads '${summaryLine(plan.summary)}' where it read '${summaryLine(saved.plan.summary)}'${sameSummary(plan.summary, saved.plan.summary) ? ', with different changes' : ''}`;
        return finish(false, [...diagnostics, applyDiagnostic('planLiveChanged', { file: target, what })]);
      }
    }

    const { runApply } = await import('../../apply/apply.js');
    const { createRemoteModelLoader } = await import('../../model/fetch-remote.js');
    const { createProgress } = await import('../../apply/progress.js');
    const silent = { write: () => true, isTTY: false };
    const outcome = await runApply({
      desired,
      providers,
      docker: async () =>
        (await import('../../providers/docker/docker-provider.js')).createDockerProvider({
          buildNetwork: io.env[BUILD_NETWORK_ENV] || undefined,
        }),
      statePath,
      env: io.env,
      progress: createProgress(options.json ? silent : io.stdout),
      stdout: io.stdout,
      skipBuild: options.skipBuild,
      timeoutMs: timeoutSeconds * 1000,
      pollIntervalMs: support.pollIntervalMs(io, defaultPollMs),
      connectionStringFile: options.connectionStringFile === undefined ? undefined : resolve(io.cwd, options.connectionStringFile),
      showConnectionString: options.showConnectionString,
      remoteModel: createRemoteModelLoader(ir, { env: io.env, cwd: io.cwd, stats: providers.stats }),
      plan,
      planName: saved ? target : undefined,
    });
    const stats = providers.stats;
    const rollout = outcome.rollout;
    if (rollout && !options.json) {
      const rings = rollout.rings
        .map(
          (r) =>
            `${r.ring} ${r.verdict.verdict === 'fail' ? 'FAILED' : 'passed'} (${r.health.healthy}/${r.health.targeted} healthy, ${Math.round(r.elapsedMs / 1000)}s)`,
        )
        .join(', ');
      io.stdout.write(
        `Rollout${rollout.revision ? ` of revision ${rollout.revision}` : ''}: ${rollout.outcome}${rings ? `: ${rings}` : ''}.\n`,
      );
    }
    if (outcome.ok && !options.json) {
      io.stdout.write(
        `Apply complete: ${outcome.deployed ? 'deployment sent' : 'no deployment change'} (${stats.total} Azure requests).\n`,
      );
    }
    const extra = {
      deployed: outcome.deployed,
      requests: { total: stats.total, writes: stats.writes, retries: stats.retries },
      problems: outcome.convergence?.problems ?? [],
      fleet: outcome.fleet?.metrics,
      ...(rollout
        ? {
            rollout: {
              outcome: rollout.outcome,
              revision: rollout.revision,
              retired: rollout.retired,
              rings: rollout.rings.map((r) => ({
                ring: r.ring,
                targetCondition: r.targetCondition,
                ...r.health,
                verdict: r.verdict,
                elapsedMs: r.elapsedMs,
              })),
            },
          }
        : {}),
    };
    return finish(outcome.ok, [...diagnostics, ...outcome.diagnostics], extra);
  } finally {
    locked.lock.release();
  }
}

type Summary = { add: number; change: number; destroy: number };
const summaryLine = (s: Summary) => `Plan: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy.`;
const sameSummary = (a: Summary, b: Summary) => a.add === b.add && a.change === b.change && a.destroy === b.destroy;
