// `edgeml apply` orchestration: ensure resources → edge device → images → resolve secrets → deploy → wait for
// convergence, each step idempotent and recorded in the state so a killed apply can simply be run again.
// Apply stage: providers do the I/O; this file decides the order and what counts as done.
import { writeFileSync, chmodSync } from 'node:fs';
import type { Diagnostic } from '../diagnostics/types.js';
import type { DesiredDeployment } from '../plan/desired.js';
import type { Providers } from '../plan/live.js';
import type { Plan } from '../plan/types.js';
import { resolveContent, secretReferences } from '../plan/secrets.js';
import { CREATED_REGISTRY_PASSWORD_ENV, CREATED_REGISTRY_USERNAME_ENV } from '../render/manifest/secrets.js';
import { configurationId } from '../render/manifest/content-hash.js';
import type { DockerProvider } from '../providers/docker/docker-provider.js';
import type { ConvergenceReport, Clock } from './convergence.js';
import { deployToDevice, waitForDevice } from './deploy-device.js';
import { deployedModuleNames } from './device-modules.js';
import { deployToFleet, type FleetResult } from './deploy-fleet.js';
import { ensureEdgeDevice, ensureResources, type EnsureContext } from './ensure-resources.js';
import { applyDiagnostic, toDiagnostic } from './errors.js';
import { publishImages } from './images.js';
import type { Progress } from './progress.js';
import { createRegistrySecretsLoader } from './registry-credentials.js';
import { loadState } from './state-access.js';
import { writeState } from './state.js';
import { RolloutFailure, type RolloutResult } from '../rollout/run-rollout.js';

export interface ApplyRunOptions {
  desired: DesiredDeployment;
  providers: Providers;
  /** Opened only when an image must be built. */
  docker: () => Promise<DockerProvider>;
  statePath: string;
  env: Readonly<Record<string, string | undefined>>;
  progress: Progress;
  /** Where --show-connection-string prints (stdout). */
  stdout: { write(text: string): unknown };
  skipBuild?: boolean;
  /** Convergence timeout. */
  timeoutMs: number;
  pollIntervalMs: number;
  clock?: Clock;
  connectionStringFile?: string;
  showConnectionString?: boolean;
  /** The remote model's cached file, fetched on first use (see images.ts); undefined for local models. */
  remoteModel?: () => Promise<string>;
  /** The plan to carry out (plan/create-plan.ts): resources are created exactly as it says. */
  plan?: Plan;
  /** How refusals name the plan: its file, or 'the plan' for one this apply made. */
  planName?: string;
}

export interface ApplyOutcome {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** True when the deployment was sent (device) or a configuration created (fleet). */
  deployed: boolean;
  convergence?: ConvergenceReport & { timedOut: boolean };
  fleet?: FleetResult;
  /** For a fleet with azure.fleet.rollout: how the ring-by-ring rollout ended. */
  rollout?: RolloutResult;
}

export { loadState } from './state-access.js';

export async function runApply(options: ApplyRunOptions): Promise<ApplyOutcome> {
  const { desired, providers, progress } = options;
  const loaded = loadState(options.statePath, desired.workflow);
  if (!loaded.state) return { ok: false, diagnostics: [loaded.diagnostic!], deployed: false };
  const state = loaded.state;
  if (desired.azure.subscription) state.subscription = desired.azure.subscription;
  const saveState = () => writeState(options.statePath, state);
  const ctx: EnsureContext = { desired, providers, state, saveState, progress };
  if (options.plan) {
    ctx.plannedCreates = new Set(options.plan.resources.filter((r) => r.action === 'create').map((r) => `${r.kind}:${r.name}`));
    ctx.planName = options.planName;
  }

  // Secrets from the environment are checked before anything is created, so a missing one costs nothing.
  const fromAzure = new Set(desired.azure.registry.kind === 'create' ? [CREATED_REGISTRY_USERNAME_ENV, CREATED_REGISTRY_PASSWORD_ENV] : []);
  const unset = secretReferences(desired.content).filter((name) => !fromAzure.has(name) && !options.env[name]);
  if (unset.length > 0) return { ok: false, diagnostics: unset.map((name) => applyDiagnostic('secretMissing', { name })), deployed: false };

  try {
    await ensureResources(ctx);
    const hub = await providers.iotHub();
    const target = desired.azure.deployment;
    if (target.kind === 'device') {
      await ensureEdgeDevice(ctx, hub, target.deviceId, target.create);
      await handOverConnectionString(options, () => hub.getDeviceConnectionString(target.deviceId));
    }

    const registrySecrets = createRegistrySecretsLoader(desired.azure, providers.arm, options.env);
    await publishImages({
      images: desired.images,
      state,
      docker: options.docker,
      registryAuth: async () => (await registrySecrets()).auth,
      skipBuild: options.skipBuild === true,
      progress,
      saveState,
      remoteModel: options.remoteModel,
    });

    // Secrets are resolved only now, right before they are sent, and only in memory.
    const resolved = resolveContent(desired.content, { env: { ...options.env, ...(await registrySecrets()).env } });
    if (resolved.missing.length > 0) {
      return { ok: false, diagnostics: resolved.missing.map((name) => applyDiagnostic('secretMissing', { name })), deployed: false };
    }

    if (target.kind === 'device') {
      const deployed = await deployToDevice({
        hub,
        deviceId: target.deviceId,
        rendered: desired.content,
        resolved: resolved.content,
        progress,
      });
      // On a device edgeml did not create, destroy cannot delete the device: it removes these modules instead.
      if (state.device?.created !== true) state.deviceModules = { device: target.deviceId, modules: deployedModuleNames(desired.content) };
      const convergence = await waitForDevice({
        hub,
        deviceId: target.deviceId,
        timeoutMs: options.timeoutMs,
        intervalMs: options.pollIntervalMs,
        clock: options.clock,
        progress,
      });
      state.lastAppliedContentHash = desired.contentHash;
      saveState();
      if (convergence.converged) return { ok: true, diagnostics: [], deployed, convergence };
      progress.note(convergenceReportText(convergence));
      const diagnostic = convergence.rejected
        ? applyDiagnostic('deploymentRejected', { code: convergence.agent.code ?? 0, description: convergence.agent.description ?? '' })
        : applyDiagnostic('notConverged', { seconds: Math.round(options.timeoutMs / 1000), problems: convergence.problems.length });
      return { ok: false, diagnostics: [diagnostic], deployed, convergence };
    }

    if (target.rollout) {
      const { runRollout } = await import('../rollout/run-rollout.js');
      const { historyPath } = await import('../rollout/history.js');
      const rollout = await runRollout({
        hub,
        target: { ...target, rollout: target.rollout },
        configurationId: desired.configurationId ?? configurationId(target.id, desired.content),
        contentHash: desired.contentHash,
        rendered: desired.content,
        resolved: resolved.content,
        state,
        saveState,
        historyFile: historyPath(options.statePath),
        progress,
        intervalMs: options.pollIntervalMs,
        clock: options.clock,
      });
      return { ok: true, diagnostics: [], deployed: rollout.outcome === 'succeeded', rollout };
    }

    const fleet = await deployToFleet({
      hub,
      target,
      configurationId: desired.configurationId ?? configurationId(target.id, desired.content),
      resolved: resolved.content,
      state,
      saveState,
      progress,
      timeoutMs: options.timeoutMs,
      intervalMs: options.pollIntervalMs,
      clock: options.clock,
    });
    state.lastAppliedContentHash = desired.contentHash;
    saveState();
    if (fleet.converged) return { ok: true, diagnostics: [], deployed: fleet.created, fleet };
    const m = fleet.metrics;
    progress.note(`Devices: ${m.targeted} targeted, ${m.applied} applied, ${m.succeeded} report success, ${m.failed} report failure.`);
    return {
      ok: false,
      diagnostics: [applyDiagnostic('notConverged', { seconds: Math.round(options.timeoutMs / 1000), problems: Math.max(1, m.failed) })],
      deployed: fleet.created,
      fleet,
    };
  } catch (error) {
    if (error instanceof RolloutFailure)
      return {
        ok: false,
        diagnostics: [error.diagnostic],
        deployed: true,
        rollout: { outcome: error.outcome, revision: error.revision, rings: error.rings, retired: [] },
      };
    return { ok: false, diagnostics: [toDiagnostic(error)], deployed: false };
  }
}

/** The device connection string goes only to a 0600 file or, on explicit request, once to stdout. */
async function handOverConnectionString(options: ApplyRunOptions, read: () => Promise<{ reveal(): string }>): Promise<void> {
  if (!options.connectionStringFile && !options.showConnectionString) return;
  const secret = await read();
  if (options.connectionStringFile) {
    writeFileSync(options.connectionStringFile, `${secret.reveal()}\n`, { mode: 0o600 });
    // writeFileSync keeps the mode of an existing file: tighten it explicitly.
    chmodSync(options.connectionStringFile, 0o600);
    options.progress.note(`Device connection string written to ${options.connectionStringFile} (mode 600).`);
  }
  if (options.showConnectionString) options.stdout.write(`Device connection string: ${secret.reveal()}\n`);
}

/** What is not running yet and why, one line each. */
export function convergenceReportText(report: ConvergenceReport): string {
  const lines = ['Not converged:'];
  for (const problem of report.problems) lines.push(`  - ${problem}`);
  return lines.join('\n');
}
