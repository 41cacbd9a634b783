// What `edgeml compile` tells the user after writing (or finding up to date) the output folder (CLI stage): the files
// by kind, the module graph the deployment wires up, and the commands to run next. Pure: IR + rendered paths → text.
import type { ModuleIR, RouteIR, RouteSinkIR, RouteSourceIR, WorkflowIR } from '../ir/types.js';

export interface FileKindSummary {
  kind: string;
  count: number;
  /** A short description of which files: names, or counts per module. */
  detail: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** How the message travels: 'HTTP' for capture → scoring requests, else the route's name and condition. */
  via: string;
}

export interface NextCommand {
  command: string;
  why: string;
}

export interface CompileSummary {
  kinds: FileKindSummary[];
  graph: GraphEdge[];
  /** Modules with no edge (e.g. a container nothing routes to). */
  standalone: string[];
  next: NextCommand[];
}

/** Where a rendered file belongs; the first matching row wins. */
const FILE_KINDS: readonly { kind: string; match: (path: string) => boolean; detail: (paths: string[]) => string }[] = [
  { kind: 'deployment manifests', match: (p) => /^deployment[^/]*\.json$/.test(p), detail: (paths) => paths.join(', ') },
  { kind: 'Dockerfiles', match: (p) => /^modules\/[^/]+\/Dockerfile\.[^/]+$/.test(p), detail: describeDockerfiles },
  { kind: 'module files', match: (p) => p.startsWith('modules/'), detail: (paths) => countPerModule(paths) },
  { kind: 'step scripts', match: (p) => /^scripts\/[^/]+\.sh$/.test(p), detail: describeScripts },
  { kind: 'README', match: (p) => p === 'README.md', detail: () => 'README.md: what was generated and how to deploy it, step by step' },
  { kind: 'other files', match: () => true, detail: (paths) => listSome(paths, 3) },
];

const listSome = (items: readonly string[], shown: number): string =>
  items.length <= shown ? items.join(', ') : `${items.slice(0, shown).join(', ')} and ${items.length - shown} more`;

const moduleOf = (path: string): string => path.split('/')[1] ?? '';

function countPerModule(paths: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const path of paths) counts.set(moduleOf(path), (counts.get(moduleOf(path)) ?? 0) + 1);
  return [...counts].map(([module, count]) => `${module} ${count}`).join(', ');
}

function describeDockerfiles(paths: readonly string[]): string {
  const platforms = new Map<string, string[]>();
  for (const path of paths) {
    const list = platforms.get(moduleOf(path)) ?? [];
    list.push(path.slice(path.lastIndexOf('Dockerfile.') + 'Dockerfile.'.length));
    platforms.set(moduleOf(path), list);
  }
  return [...platforms].map(([module, list]) => `${module} (${list.join(', ')})`).join(', ');
}

function describeScripts(paths: readonly string[]): string {
  const steps = paths.filter((p) => /^scripts\/\d\d-/.test(p));
  const others = paths.filter((p) => !steps.includes(p));
  const range = steps.length > 1 ? `${steps[0]} … ${steps[steps.length - 1]!.slice('scripts/'.length)}` : steps.join(', ');
  return [range, ...others].filter(Boolean).join(', ');
}

function sourceName(source: RouteSourceIR): string {
  if (source.kind === 'all-messages') return 'every module';
  if (source.kind === 'devices') return 'leaf devices';
  return source.output === '*' ? source.module : `${source.module}/${source.output}`;
}

const sinkName = (sink: RouteSinkIR): string => (sink.kind === 'upstream' ? 'IoT Hub ($upstream)' : `${sink.module}/${sink.input}`);

function routeVia(route: RouteIR): string {
  return `route ${route.name}${route.when ? ` when ${route.when}` : ''}`;
}

/** Quotes a command-line argument for a POSIX shell when it needs it. */
const shellArg = (value: string): string => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);

function nextCommands(ir: WorkflowIR, specArg: string, out: string): NextCommand[] {
  const spec = shellArg(specArg);
  const next: NextCommand[] = [];
  if (ir.model.source.kind === 'azureml' || ir.model.source.kind === 'url') {
    next.push({ command: `edgeml fetch ${spec}`, why: 'download the model once, so test and run can read it' });
  }
  const telemetry = ir.task === 'telemetry';
  next.push(
    ir.model.samples.length > 0
      ? {
          command: `edgeml test ${spec}`,
          why: `score the spec's sample ${telemetry ? 'readings' : 'images'} with the model on this machine`,
        }
      : telemetry
        ? { command: `edgeml test ${spec} --messages FILE`, why: 'score messages of yours (JSON lines) with the model on this machine' }
        : { command: `edgeml test ${spec} --image FILE`, why: 'score an image of yours with the model on this machine' },
  );
  if (ir.modules.some((m) => m.kind === 'image-capture'))
    next.push({ command: `edgeml run ${spec}`, why: 'run the module graph locally and print its upstream messages' });
  next.push({ command: `edgeml plan ${spec}`, why: `see what apply would create on Azure (or follow ${out}/README.md)` });
  return next;
}

export function summarizeCompile(ir: WorkflowIR, paths: readonly string[], specArg: string, out: string): CompileSummary {
  const groups = new Map<string, string[]>();
  for (const path of [...paths].sort()) {
    const kind = FILE_KINDS.find((k) => k.match(path))!;
    groups.set(kind.kind, [...(groups.get(kind.kind) ?? []), path]);
  }
  const kinds = FILE_KINDS.filter((k) => groups.has(k.kind)).map((k) => ({
    kind: k.kind,
    count: groups.get(k.kind)!.length,
    detail: k.detail(groups.get(k.kind)!),
  }));

  const graph: GraphEdge[] = [];
  for (const module of ir.modules) {
    if (module.capture) graph.push({ from: module.name, to: module.capture.scoringModule, via: 'HTTP: frames to score' });
  }
  for (const route of ir.routes) graph.push({ from: sourceName(route.from), to: sinkName(route.to), via: routeVia(route) });
  const linked = (m: ModuleIR): boolean =>
    graph.some((e) => e.from === m.name || e.to === m.name || e.from.startsWith(`${m.name}/`) || e.to.startsWith(`${m.name}/`));
  const standalone = ir.modules.filter((m) => !linked(m)).map((m) => m.name);
  return { kinds, graph, standalone, next: nextCommands(ir, specArg, out) };
}

/** The summary as the lines printed under compile's first line. */
export function formatCompileSummary(summary: CompileSummary): string {
  const kindWidth = Math.max(...summary.kinds.map((k) => k.kind.length));
  const countWidth = Math.max(...summary.kinds.map((k) => String(k.count).length));
  const lines = summary.kinds.map((k) => `  ${k.kind.padEnd(kindWidth)}  ${String(k.count).padStart(countWidth)}  ${k.detail}`);
  lines.push('', 'Module graph:');
  const fromWidth = Math.max(0, ...summary.graph.map((e) => e.from.length));
  const arrows = summary.graph.map((e) => `${e.from.padEnd(fromWidth)} → ${e.to}`);
  const arrowWidth = Math.max(0, ...arrows.map((a) => a.length));
  summary.graph.forEach((e, i) => lines.push(`  ${arrows[i]!.padEnd(arrowWidth)}   ${e.via}`));
  for (const name of summary.standalone) lines.push(`  ${name} (no routes)`);
  if (summary.graph.length === 0 && summary.standalone.length === 0) lines.push('  (no modules)');
  lines.push('', 'Next:');
  const commandWidth = Math.max(...summary.next.map((n) => n.command.length));
  for (const n of summary.next) lines.push(`  ${n.command.padEnd(commandWidth)}   ${n.why}`);
  return lines.join('\n') + '\n';
}
