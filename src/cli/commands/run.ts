// `edgeml run <spec> [--out FILE] [--duration SECONDS] [--frames N] [--attach MODULE] [--invoke M.METHOD=JSON]`:
// runs the module graph on this machine with a local edgeHub and prints each upstream message as a JSON line (or
// appends it to --out). On a terminal, lines typed while it runs are invocations like --invoke. Ctrl-C stops every
// module; exit 0. Exit 1 when a module fails to start or dies; 2 for a bad flag.
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { bindMessages, Reporter } from '../../diagnostics/report.js';
import { formatDiagnostics } from '../../diagnostics/render.js';
import { runMessages } from '../../diagnostics/codes/run.js';
import { hasErrors } from '../../diagnostics/types.js';
import { formatUpstreamLine, type BusStats } from '../../local/message-bus.js';
import { parseReplay, type ReplaySource } from '../../local/replay.js';
import { runGraph } from '../../local/run-graph.js';
import { formatInvocationReply, invocationTarget, parseInvocation, type Invocation } from '../../local/edgehub/run-hub.js';
import { loadWorkflow } from '../../program.js';
import { ExitCode, type CliIO } from '../io.js';
import { painter, useColor } from '../output.js';

export interface RunOptions {
  out?: string;
  duration?: string;
  frames?: string;
  set?: string[];
  color?: boolean;
  attach?: string;
  invoke?: string[];
  replay?: string[];
}

export default async function run(args: string[], options: RunOptions, io: CliIO): Promise<number> {
  const specPath = args[0]!;
  const reporter = new Reporter(specPath);
  const m = bindMessages(reporter, 'run', runMessages);
  const paint = painter(useColor(io, 'stderr', options.color === false));

  const duration = positiveNumber(options.duration, '--duration', m);
  const frames = positiveNumber(options.frames, '--frames', m, true);
  if (hasErrors(reporter.diagnostics)) {
    io.stderr.write(formatDiagnostics(reporter.diagnostics, new Map(), paint));
    return ExitCode.usage;
  }

  const loaded = await loadWorkflow(specPath, { sets: options.set, env: io.env, cwd: io.cwd });
  reporter.add(...loaded.diagnostics);
  const ir = loaded.ir;
  const report = (): void => {
    if (reporter.diagnostics.length > 0) io.stderr.write(formatDiagnostics(reporter.diagnostics, loaded.sources, paint));
  };
  if (!ir) {
    report();
    return ExitCode.failed;
  }
  const moduleNames = ir.modules.map((mod) => mod.name);
  const invocations: Invocation[] = [];
  for (const value of options.invoke ?? []) {
    const parsed = parseInvocation(value, moduleNames);
    if (typeof parsed === 'string') m.badInvoke({ value, reason: parsed });
    else invocations.push(parsed);
  }
  const replays: ReplaySource[] = [];
  for (const value of options.replay ?? []) {
    const parsed = parseReplay(value, ir.modules, io.cwd, resolve);
    if (typeof parsed === 'string') m.badReplay({ value, reason: parsed });
    else replays.push(parsed);
  }
  if (hasErrors(reporter.diagnostics)) {
    report();
    return ExitCode.usage;
  }

  const outFile = options.out ? resolve(io.cwd, options.out) : undefined;
  const controller = new AbortController();
  const onSigint = (): void => {
    io.stderr.write('\nstopping (Ctrl-C)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  let console: ReturnType<typeof createInterface> | undefined;
  const printReply = (reply: Parameters<typeof formatInvocationReply>[0]): void => {
    io.stderr.write(formatInvocationReply(reply) + '\n');
    if (reply.status >= 300)
      m.invokeFailed({ target: invocationTarget(reply.invocation), status: reply.status, message: JSON.stringify(reply.payload) });
  };
  io.stderr.write(
    `${ir.name}: starting ${ir.modules.map((mod) => `${mod.name} (${mod.kind})`).join(', ')}${outFile ? `; upstream messages go to ${options.out}` : ''}\n`,
  );
  try {
    const result = await runGraph({
      ir,
      modelInfo: loaded.modelInfo,
      env: io.env,
      reporter,
      locate: (path) => loaded.spec?.locate(path),
      log: (line) => void io.stderr.write(line + '\n'),
      onUpstream: (delivery) => {
        const line = formatUpstreamLine(delivery);
        if (outFile) appendFileSync(outFile, line);
        else io.stdout.write(line);
      },
      signal: controller.signal,
      maxUpstream: frames,
      durationMs: duration !== undefined ? duration * 1000 : undefined,
      attach: options.attach,
      replay: replays,
      onAttach: (info) => {
        io.stderr.write(`${ir.name}: module '${info.module}' is yours to start (--attach); its variables are in ${info.envFile}:\n`);
        for (const [name, value] of Object.entries(info.variables)) io.stderr.write(`  ${name}=${value}\n`);
        for (const name of info.secrets) io.stderr.write(`  ${name}: a secret of the spec; export it yourself\n`);
        io.stderr.write(`  e.g. set -a; . ${info.envFile}; set +a; ${info.command ?? '<start your module under the debugger>'}\n`);
        io.stderr.write(`  (the file and its key are valid until this run stops)\n`);
      },
      invocations,
      onInvokeReply: printReply,
      onReady: (_bus, control) => {
        io.stderr.write(`${ir.name}: running; press Ctrl-C to stop.\n`);
        // On a terminal, each typed line is an invocation: MODULE.METHOD=JSON or MODULE.$desired=JSON.
        if (io.stdin?.isTTY) {
          io.stderr.write(`${ir.name}: type MODULE.METHOD=JSON (a direct method) or MODULE.$desired=JSON (a twin patch), then Enter.\n`);
          console = createInterface({ input: io.stdin });
          console.on('line', (line) => {
            if (line.trim() === '') return;
            const parsed = parseInvocation(line, moduleNames);
            if (typeof parsed === 'string') io.stderr.write(`[invoke] ${parsed}\n`);
            else void control.invoke(parsed).then((reply) => io.stderr.write(formatInvocationReply(reply) + '\n'));
          });
        }
      },
    });
    io.stderr.write(
      `${ir.name}: stopped (${result.stopReason}): ${result.stats.published} message(s) from modules, ${result.upstream} upstream; unrouted ${result.stats.unrouted}.\n`,
    );
    io.stderr.write(
      formatRouteCounts(
        ir.routes.map((r) => r.name),
        result.stats,
      ),
    );
    if (result.edgeHub)
      io.stderr.write(
        `${ir.name}: local edgeHub: ${result.edgeHub.received} message(s) from modules, ${result.edgeHub.delivered} delivered to module inputs.\n`,
      );
    for (const [key, count] of Object.entries(result.stats.unread)) {
      const [module, input] = key.split('/') as [string, string];
      m.inputNotRunning({ module, input, count });
    }
    report();
    return result.stopReason === 'failed' || hasErrors(reporter.diagnostics) ? ExitCode.failed : ExitCode.ok;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    console?.close();
  }
}

/**
 * One line per route: messages matched, how many of them only because a missing $body field read as null (what
 * edgeHub on a device would do too), and deliveries (a sink reached by several routes gets a message once).
 */
export function formatRouteCounts(routes: readonly string[], stats: BusStats): string {
  return routes
    .map((name) => {
      const { matched, byNullOrdering } = stats.matched[name] ?? { matched: 0, byNullOrdering: 0 };
      return `  route ${name}: ${matched} matched (${byNullOrdering} because of a null comparison), ${stats.byRoute[name] ?? 0} delivered\n`;
    })
    .join('');
}

function positiveNumber(
  value: string | undefined,
  option: string,
  m: ReturnType<typeof bindMessages<typeof runMessages>>,
  integer = false,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    m.badNumberOption({ option, value });
    return undefined;
  }
  return n;
}
