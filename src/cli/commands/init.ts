// `edgeml init [dir] [--workflow NAME]` (CLI stage): writes a commented starter spec for one of the seed's workflows
// into `dir`, with the model and sample files it names, so `edgeml validate`, `compile` and (for text-orientation)
// `test` and `run` work at once. The starters are the example specs shipped in the package (specs/); the files they
// need are found from the loaded IR, as compile finds them. Never overwrites: any existing destination stops it first.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { CliIO } from '../io.js';
import { ExitCode } from '../io.js';
import { painter, useColor } from '../output.js';
import { loadWorkflow } from '../../program.js';
import { specInputPaths } from '../../emit/load-render-assets.js';
import { formatDiagnostics } from '../../diagnostics/render.js';
import { Reporter, bindMessages } from '../../diagnostics/report.js';
import { initMessages } from '../../diagnostics/codes/render.js';
import { packagePath } from '../../package-root.js';

export interface InitOptions {
  workflow?: string;
  color?: boolean;
}

/** The starters: short name → example spec in the package's specs/ folder and what it deploys. */
export const STARTERS: Readonly<Record<string, { file: string; what: string }>> = {
  'text-orientation': {
    file: 'text-orientation.yaml',
    what: 'a runnable text-orientation classifier (PaddleOCR model included; test and run work offline)',
  },
  wf1: { file: 'wf1-image-classification.yaml', what: 'image classification with an Azure ML model on an Ubuntu GPU VM' },
  wf2: { file: 'wf2-object-detection.yaml', what: 'object detection with an Azure ML model on a GPU VM' },
  wf3: { file: 'wf3-custom-vision.yaml', what: 'a Custom Vision detector fed by an image-capture module on an Ubuntu VM' },
  wf4: { file: 'wf4-databox-edge.yaml', what: 'the Custom Vision workflow on Azure Stack Edge / Data Box Edge' },
  'machine-anomaly': {
    file: 'machine-anomaly.yaml',
    what: "an anomaly model scoring a sensor's telemetry on the device (model and sample readings included)",
  },
};
export const DEFAULT_STARTER = 'text-orientation';

/** The starter for `name`: a short name (wf3) or the example's file name with or without .yaml. */
export function findStarter(name: string): { name: string; file: string; what: string } | undefined {
  const bare = name.replace(/\.ya?ml$/, '');
  const entry = Object.entries(STARTERS).find(([short, s]) => short === bare || s.file === `${bare}.yaml`);
  return entry ? { name: entry[0], ...entry[1] } : undefined;
}

/** Every file under `absolute` (a file or a folder), as paths relative to the spec folder. */
function filesUnder(specDir: string, path: string): string[] {
  const absolute = join(specDir, ...path.split('/'));
  if (!existsSync(absolute)) return [];
  if (!lstatSync(absolute).isDirectory()) return [path];
  return readdirSync(absolute)
    .sort()
    .flatMap((entry) => filesUnder(specDir, `${path}/${entry}`));
}

/** The starter's spec text for a spec written into `targetDir`: the schema comment points at this install's schema. */
function starterText(template: string, targetDir: string, starter: { name: string; file: string }): string {
  const schema = relative(targetDir, packagePath('schemas', 'edgeml.schema.json')).split(sep).join('/');
  const header = [
    `# Starter spec from \`edgeml init --workflow ${starter.name}\` (edgeml's example ${starter.file}). Edit it, then:`,
    `#   edgeml validate ${starter.file}    edgeml compile ${starter.file}`,
  ].join('\n');
  const lines = template.split('\n');
  const schemaLine = lines.findIndex((line) => line.startsWith('# yaml-language-server:'));
  if (schemaLine === -1) return `${header}\n${template}`;
  lines[schemaLine] = `# yaml-language-server: $schema=${schema}`;
  lines.splice(schemaLine + 1, 0, header);
  return lines.join('\n');
}

export default async function init(args: string[], options: InitOptions, io: CliIO): Promise<number> {
  const paint = painter(useColor(io, 'stderr', options.color === false));
  const reporter = new Reporter();
  const messages = bindMessages(reporter, 'init', initMessages);
  const fail = (code: number): number => {
    io.stderr.write(formatDiagnostics(reporter.diagnostics, new Map(), paint));
    return code;
  };

  const starter = findStarter(options.workflow ?? DEFAULT_STARTER);
  if (!starter) {
    messages.unknownStarter({ name: options.workflow ?? '', known: Object.keys(STARTERS).join(', ') });
    return fail(ExitCode.usage);
  }
  const targetArg = args[0] ?? '.';
  const targetDir = resolve(io.cwd, targetArg);
  const templatePath = packagePath('specs', starter.file);

  // The files the spec names (model, labels, samples, capture media), exactly as compile would read them.
  const loaded = await loadWorkflow(templatePath, { cwd: dirname(templatePath), env: {}, modelReader: 'header' });
  if (!loaded.ir) throw new Error(`the starter ${starter.file} does not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  const specDir = loaded.ir.specDir;
  const inputs = [...new Set(specInputPaths(loaded.ir).flatMap((path) => filesUnder(specDir, path)))].sort();

  const writes = [
    { path: starter.file, content: Buffer.from(starterText(readFileSync(templatePath, 'utf8'), targetDir, starter)) },
    ...inputs.map((path) => ({ path, content: readFileSync(join(specDir, ...path.split('/'))) })),
  ];
  const shown = (path: string): string => relative(io.cwd, join(targetDir, ...path.split('/'))) || '.';
  const existing = writes.find((w) => existsSync(join(targetDir, ...w.path.split('/'))));
  if (existing) {
    messages.fileExists({ path: shown(existing.path) });
    return fail(ExitCode.failed);
  }

  const written: string[] = [];
  try {
    for (const w of writes) {
      const absolute = join(targetDir, ...w.path.split('/'));
      mkdirSync(dirname(absolute), { recursive: true });
      writeFileSync(absolute, w.content, { flag: 'wx' }); // wx: never replace a file that appeared meanwhile
      written.push(absolute);
    }
  } catch (error) {
    for (const path of written) rmSync(path, { force: true });
    messages.cannotWrite({ path: targetArg, reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message });
    return fail(ExitCode.failed);
  }

  const spec = shown(starter.file);
  const lines = [
    `Wrote ${spec}: ${starter.what}.`,
    inputs.length > 0
      ? `  with the ${inputs.length} file(s) it names: ${inputs.join(', ')}`
      : '  (its model is downloaded by `edgeml fetch`; no local files needed)',
    '',
    'Next:',
    `  edgeml validate ${spec}    check it (every problem at file:line:column)`,
    `  edgeml compile ${spec}     write the deployment, module code and scripts`,
  ];
  io.stdout.write(lines.join('\n') + '\n');
  return ExitCode.ok;
}
