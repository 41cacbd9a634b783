// Runs a workflow's module graph on this machine without Azure: scoring modules and capture modules as child
// processes of the real runtime code, container modules on a local Docker engine when possible, and a local edgeHub
// (src/local/edgehub/) that modules reach as on a device, routing their messages by the spec's routes through the
// local message bus. `attach` leaves one module to the user (a debugger). Local stage (`edgeml run`); the command
// only parses flags.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagePath } from '../package-root.js';
import { bindMessages, type Reporter } from '../diagnostics/report.js';
import { runMessages } from '../diagnostics/codes/run.js';
import { replay, type ReplaySource } from './replay.js';
import type { ModuleIR, WorkflowIR } from '../ir/types.js';
import type { ModelInfo } from '../model/model-info.js';
import { startCaptureModule, type RunningCaptureModule } from './capture-module.js';
import { startContainerModule, type RunningContainerModule } from './container-module.js';
import { createContractChecker } from './contract-check.js';
import { createMessageBus, type BusStats, type Delivery, type MessageBus } from './message-bus.js';
import { MissingEnvError, startScoringModule, type RunningScoringModule } from './scoring-module.js';
import { startTelemetryModule } from './telemetry-module.js';
import { EdgeHubListenError, type EdgeHubStats } from './edgehub/edge-hub.js';
import { attachModule, reportEdgeHubStats, type AttachInfo } from './edgehub/attach.js';
import { performInvocation, startRunEdgeHub, type Invocation, type InvocationReply, type RunEdgeHub } from './edgehub/run-hub.js';

export type StopReason = 'signal' | 'duration' | 'frames' | 'sources-ended' | 'failed';

export interface RunGraphOptions {
  ir: WorkflowIR;
  modelInfo?: ModelInfo;
  env: Readonly<Record<string, string | undefined>>;
  /** Diagnostics go here (catalogue block 'run'); positions come from `locate` when given. */
  reporter: Reporter;
  locate?: (path: readonly (string | number)[]) => { file?: string; start: number; length: number } | undefined;
  /** Module logs and progress, one line at a time. */
  log: (line: string) => void;
  /** Every upstream delivery, in order (at most maxUpstream of them). */
  onUpstream: (delivery: Delivery) => void;
  /** Aborting stops the graph (Ctrl-C). */
  signal?: AbortSignal;
  /** Stop after this many upstream deliveries. */
  maxUpstream?: number;
  durationMs?: number;
  /** dist/runtime/ (default: next to this file). */
  runtimeDir?: string;
  /** Called once every module is up, with the bus (tests attach input handlers here) and the console's controls. */
  onReady?: (bus: MessageBus, control: RunControl) => void;
  /** Leave this module to the user (`--attach`): everything else runs, its variables go to onAttach. */
  attach?: string;
  onAttach?: (info: AttachInfo) => void;
  /** `--invoke` calls, each made once its module has connected; replies go to onInvokeReply. */
  invocations?: readonly Invocation[];
  onInvokeReply?: (reply: InvocationReply) => void;
  /** Where the local edgeHub listens: default EDGEML_EDGEHUB_HOST or 127.0.0.1, port 8883. */
  edgeHub?: { host?: string; port?: number };
  /** How long a started module may take to connect to the local edgeHub before a warning (default 30 s). */
  connectTimeoutMs?: number;
  /** `--replay`: these modules are not started; their recorded messages are sent on their outputs instead. */
  replay?: readonly ReplaySource[];
  /** Replayed messages per second and source (default 20). */
  replayPerSecond?: number;
}

export interface RunControl {
  /** A direct method or desired patch, as `--invoke` makes them (the console's interactive lines). */
  invoke(invocation: Invocation): Promise<InvocationReply>;
}

export interface ModuleOutcome {
  name: string;
  kind: ModuleIR['kind'];
  status: 'ran' | 'skipped' | 'failed' | 'attached' | 'replayed';
  reason?: string;
}

export interface RunGraphResult {
  stopReason: StopReason;
  modules: ModuleOutcome[];
  stats: BusStats;
  upstream: number;
  /** The local edgeHub's counts (final once runGraph has returned). */
  edgeHub?: EdgeHubStats;
  invocations: InvocationReply[];
}

const DEFAULT_RUNTIME_DIR = packagePath('dist', 'runtime');
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
const INVOCATION_GRACE_MS = 5000;
/** Recorded messages sent per second and source by --replay, and how long a run lasts after the last one. */
const DEFAULT_REPLAY_PER_SECOND = 20;
const REPLAY_GRACE_MS = 2000;

export async function runGraph(options: RunGraphOptions): Promise<RunGraphResult> {
  const { ir, log, reporter } = options;
  const m = bindMessages(reporter, 'run', runMessages);
  const at = (path: readonly (string | number)[]) => options.locate?.(path);
  const runtimeDir = options.runtimeDir ?? DEFAULT_RUNTIME_DIR;
  const deviceId = ir.azure.deployment.kind === 'device' ? ir.azure.deployment.deviceId : 'edgeml-local';
  const created = createMessageBus(ir.routes, { deviceId });
  const problems = created.problems;
  // Every message is checked against its output's contract before it is routed.
  const contracts = createContractChecker(ir);
  const bus: MessageBus = { ...created.bus, publish: (message) => (contracts.check(message), created.bus.publish(message)) };
  for (const p of problems)
    m.routeNotRunnable({ route: p.route, reason: p.reason }, at(ir.routes.find((r) => r.name === p.route)?.path ?? ['routes']));
  const outcomes = new Map<string, ModuleOutcome>(
    ir.modules.map((mod) => [mod.name, { name: mod.name, kind: mod.kind, status: 'skipped' }]),
  );
  const fail = (mod: ModuleIR, problem: string | Error): void => {
    const reason = typeof problem === 'string' ? problem : problem.message;
    outcomes.set(mod.name, { name: mod.name, kind: mod.kind, status: 'failed', reason });
    if (problem instanceof MissingEnvError) m.secretForRun({ module: mod.name, name: problem.variable }, at(mod.path));
    else m.moduleStartFailed({ module: mod.name, reason }, at(mod.path));
  };

  // Stop conditions all resolve one promise; the first one wins.
  let stop!: (reason: StopReason) => void;
  const stopped = new Promise<StopReason>((resolve) => (stop = resolve));
  let upstream = 0;
  bus.onUpstream((delivery) => {
    if (options.maxUpstream !== undefined && upstream >= options.maxUpstream) return;
    upstream++;
    options.onUpstream(delivery);
    if (options.maxUpstream !== undefined && upstream >= options.maxUpstream) stop('frames');
  });
  const onAbort = (): void => stop('signal');
  if (options.signal?.aborted) stop('signal');
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const attached = options.attach === undefined ? undefined : ir.modules.find((mod) => mod.name === options.attach);
  const replayed = new Set((options.replay ?? []).map((r) => r.module));
  for (const name of replayed) {
    const mod = ir.modules.find((x) => x.name === name);
    if (mod) outcomes.set(name, { name, kind: mod.kind, status: 'replayed' });
  }
  /** Started by this run: neither left to the user (--attach) nor replaced by a recording (--replay). */
  const startsHere = (mod: ModuleIR): boolean => mod !== attached && !replayed.has(mod.name);
  // Scoring modules answer HTTP, except a telemetry scorer, which reads its inputs through edgeHub.
  const talksToEdgeHub = (mod: ModuleIR): boolean => mod.kind !== 'scoring' || ir.task === 'telemetry';
  if (options.attach !== undefined && (!attached || !talksToEdgeHub(attached))) {
    const modules =
      ir.modules
        .filter(talksToEdgeHub)
        .map((mod) => mod.name)
        .join(', ') || '(none)';
    m.attachUnknown({
      module: options.attach,
      reason: attached ? 'a scoring module answers HTTP and does not talk to edgeHub' : 'the spec has no such module',
      modules,
    });
    options.signal?.removeEventListener('abort', onAbort);
    return { stopReason: 'failed', modules: [...outcomes.values()], stats: bus.stats, upstream, invocations: [] };
  }
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const invocations: InvocationReply[] = [];
  const pendingInvocations: Promise<void>[] = [];
  const workDir = await mkdtemp(join(tmpdir(), 'edgeml-run-'));
  let edgeHub: RunEdgeHub | undefined;
  let attachInfo: AttachInfo | undefined;
  const scoring: RunningScoringModule[] = [];
  const captures: RunningCaptureModule[] = [];
  const containers: RunningContainerModule[] = [];
  let durationTimer: NodeJS.Timeout | undefined;
  // Set once we stop the graph ourselves, so the exits that follow are not reported as failures.
  let shuttingDown = false;
  try {
    try {
      edgeHub = await startRunEdgeHub({
        ir,
        bus,
        deviceId,
        workDir,
        host: options.edgeHub?.host ?? options.env.EDGEML_EDGEHUB_HOST,
        port: options.edgeHub?.port,
        log,
      });
    } catch (error) {
      if (!(error instanceof EdgeHubListenError)) throw error;
      m.edgeHubCannotListen({ address: error.address, code: error.code });
      return { stopReason: 'failed', modules: [...outcomes.values()], stats: bus.stats, upstream, invocations };
    }
    const hub = edgeHub;
    // Scoring first: capture modules need their ports.
    const scoringModules = ir.modules.filter((mod) => mod.kind === 'scoring' && startsHere(mod));
    await Promise.all(
      scoringModules.map(async (mod) => {
        try {
          const start = { ir, module: mod, modelInfo: options.modelInfo, env: options.env, workDir, runtimeDir, log };
          scoring.push(
            ir.task === 'telemetry'
              ? await startTelemetryModule({ ...start, edgeHubEnv: hub.hostEnv(mod.name) })
              : await startScoringModule(start),
          );
          outcomes.set(mod.name, { name: mod.name, kind: mod.kind, status: 'ran' });
        } catch (error) {
          fail(mod, error as Error);
        }
      }),
    );
    for (const mod of ir.modules.filter((x) => x.kind === 'container' && startsHere(x))) {
      const started = await startContainerModule(mod, options.env, log, hub).catch((error: Error) => ({
        skipped: `Docker refused to start it (${error.message})`,
      }));
      if ('started' in started) {
        containers.push(started.started);
        outcomes.set(mod.name, { name: mod.name, kind: mod.kind, status: 'ran' });
      } else {
        outcomes.set(mod.name, { name: mod.name, kind: mod.kind, status: 'skipped', reason: started.skipped });
        m.containerSkipped({ module: mod.name, reason: started.skipped }, at(mod.path));
      }
    }
    const anyFailed = [...outcomes.values()].some((o) => o.status === 'failed');
    if (!anyFailed) {
      for (const mod of ir.modules.filter((x) => x.kind === 'image-capture' && startsHere(x))) {
        const target = scoring.find((s) => s.name === mod.capture!.scoringModule);
        if (!target) {
          fail(mod, `it sends frames to '${mod.capture!.scoringModule}', which does not run locally.`);
          continue;
        }
        try {
          captures.push(
            await startCaptureModule({
              ir,
              module: mod,
              scoringBaseUrl: target.baseUrl,
              bus,
              env: options.env,
              workDir,
              runtimeDir,
              log,
              edgeHubEnv: hub.hostEnv(mod.name),
            }),
          );
          outcomes.set(mod.name, { name: mod.name, kind: mod.kind, status: 'ran' });
        } catch (error) {
          fail(mod, error as Error);
        }
      }
    }
    if (attached && ![...outcomes.values()].some((o) => o.status === 'failed')) {
      try {
        attachInfo = await attachModule({
          ir,
          module: attached,
          edgeHub: hub,
          scoring,
          env: options.env,
          runtimeDir,
          modelInfo: options.modelInfo,
        });
        outcomes.set(attached.name, { name: attached.name, kind: attached.kind, status: 'attached' });
        options.onAttach?.(attachInfo);
      } catch (error) {
        fail(attached, error as Error);
      }
    }
    if ([...outcomes.values()].some((o) => o.status === 'failed')) stop('failed');
    else if (scoring.length + captures.length + containers.length === 0 && !attachInfo && replayed.size === 0) {
      m.nothingToRun(undefined);
      stop('sources-ended');
    }

    // A scoring module that dies fails the run; capture modules that all end (a folder without loop) finish it.
    for (const s of scoring) {
      void s.child.exited.then((exit) => {
        if (shuttingDown) return;
        const mod = ir.modules.find((x) => x.name === s.name)!;
        m.moduleExited(
          { module: s.name, code: String(exit.code ?? exit.signal), reason: s.child.tail().split('\n').pop() ?? '' },
          at(mod.path),
        );
        outcomes.set(s.name, { name: s.name, kind: 'scoring', status: 'failed', reason: 'exited' });
        stop('failed');
      });
    }
    if (captures.length > 0) {
      void Promise.all(
        captures.map((c) =>
          c.child.exited.then((exit) => {
            if (!shuttingDown && exit.code !== 0) {
              const mod = ir.modules.find((x) => x.name === c.name)!;
              m.moduleExited(
                {
                  module: c.name,
                  code: String(exit.code ?? exit.signal),
                  reason:
                    c.child
                      .tail()
                      .split('\n')
                      .pop()
                      ?.replace(/^capture: /, '') ?? '',
                },
                at(mod.path),
              );
              outcomes.set(c.name, { name: c.name, kind: 'image-capture', status: 'failed', reason: 'exited' });
              stop('failed');
            }
          }),
        ),
      ).then(() => stop('sources-ended'));
    }
    if (options.durationMs !== undefined) durationTimer = setTimeout(() => stop('duration'), options.durationMs);
    if (![...outcomes.values()].some((o) => o.status === 'failed')) {
      // A module that never connects is worth a word while the run goes on (with its logs' tail), not only at the end.
      const telemetryScorers = ir.task === 'telemetry' ? scoring : [];
      const watched = [...captures, ...telemetryScorers]
        .map((c) => ({ name: c.name, tail: () => c.child.tail() }))
        .concat(containers.map((c) => ({ name: c.name, tail: () => c.tail() })));
      for (const w of watched) {
        void hub.hub.waitForConnection(w.name, connectTimeoutMs).then((connected) => {
          if (connected || shuttingDown) return;
          log(`[edgeHub] module '${w.name}' has not connected within ${connectTimeoutMs / 1000} s`);
          m.moduleNeverConnected(
            { module: w.name, seconds: connectTimeoutMs / 1000, tail: w.tail() },
            at(ir.modules.find((x) => x.name === w.name)!.path),
          );
        });
      }
      const control: RunControl = { invoke: (invocation) => performInvocation(hub.hub, invocation, connectTimeoutMs, options.signal) };
      for (const invocation of options.invocations ?? []) {
        pendingInvocations.push(
          control.invoke(invocation).then((reply) => {
            invocations.push(reply);
            options.onInvokeReply?.(reply);
          }),
        );
      }
      options.onReady?.(bus, control);
      if (options.replay?.length) {
        // The recording starts once the modules it feeds can read: each started module has connected (or timed out).
        const readers = [...captures, ...telemetryScorers, ...containers].map((c) => c.name);
        const ready = Promise.all(readers.map((name) => hub.hub.waitForConnection(name, connectTimeoutMs)));
        const replaying = new AbortController();
        options.signal?.addEventListener('abort', () => replaying.abort(), { once: true });
        void stopped.then(() => replaying.abort());
        void ready
          .then(() => replay(options.replay!, bus, options.replayPerSecond ?? DEFAULT_REPLAY_PER_SECOND, replaying.signal))
          .then((sent) => {
            log(`[replay] ${sent} recorded message(s) sent`);
            // Without frame sources the recording is the run: it ends once the last messages had time to be scored.
            if (captures.length === 0) setTimeout(() => stop('sources-ended'), REPLAY_GRACE_MS).unref();
          });
      }
    }
    const reason = await stopped;
    // A run that ends by itself (--frames, --duration) still prints the replies of --invoke calls under way.
    if (reason !== 'signal' && reason !== 'failed')
      await Promise.race([Promise.all(pendingInvocations), new Promise((r) => setTimeout(r, INVOCATION_GRACE_MS).unref())]);
    for (const [route, counts] of Object.entries(bus.stats.matched)) {
      const path = ir.routes.find((r) => r.name === route)?.path;
      if (counts.byNullOrdering > 0)
        m.routeMatchedByNull({ route, count: counts.byNullOrdering, matched: counts.matched }, at(path ? [...path, 'when'] : ['routes']));
    }
    for (const [source, violation] of contracts.bySource) {
      const mod = ir.modules.find((x) => source.startsWith(`${x.name}.`));
      m.contractViolation({ source, ...violation }, at(mod?.path ?? ['modules']));
    }
    // edgeHub's stats object is completed when it closes, below, before the caller sees it.
    return { stopReason: reason, modules: [...outcomes.values()], stats: bus.stats, upstream, edgeHub: hub.hub.stats, invocations };
  } finally {
    if (durationTimer) clearTimeout(durationTimer);
    options.signal?.removeEventListener('abort', onAbort);
    // Producers first, so no frame is sent to a scorer that is already gone; then scorers, then containers.
    shuttingDown = true;
    await Promise.all(captures.map((c) => c.child.stop()));
    await Promise.all(scoring.map((s) => s.child.stop()));
    await Promise.all(containers.map((c) => c.stop()));
    if (edgeHub) {
      await edgeHub.close();
      reportEdgeHubStats(
        edgeHub.hub.stats,
        bus.stats,
        m,
        new Set([...outcomes.values()].filter((o) => o.status === 'skipped' || o.status === 'failed').map((o) => o.name)),
      );
    }
    await attachInfo?.cleanup();
    await rm(workDir, { recursive: true, force: true });
  }
}
