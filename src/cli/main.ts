// CLI entry (cli stage): the command table. Each command's code is imported only when that command runs, so
// `edgeml validate` never loads onnxruntime, sharp, the Azure SDKs or dockerode.
import { Command as Commander, CommanderError, Option } from 'commander';
import { ExitCode, type CliIO } from './io.js';

type CommandModule = { default: (args: string[], options: Record<string, unknown>, io: CliIO) => Promise<number> };

const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  validate: () => import('./commands/validate.js'),
  compile: () => import('./commands/compile.js'),
  test: () => import('./commands/test.js'),
  run: () => import('./commands/run.js'),
  plan: () => import('./commands/plan.js'),
  apply: () => import('./commands/apply.js'),
  status: () => import('./commands/status.js'),
  destroy: () => import('./commands/destroy.js'),
  rollout: () => import('./commands/rollout.js'),
  rollback: () => import('./commands/rollback.js'),
  history: () => import('./commands/history.js'),
  fetch: () => import('./commands/fetch.js'),
  init: () => import('./commands/init.js'),
  'state recover': () => import('./commands/state-recover.js'),
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

function specOptions(command: Commander, { json = true } = {}): Commander {
  command.option('--set <path=value>', 'override a spec field (repeatable), e.g. --set azure.location=westeurope', collect, []);
  if (json) command.option('--json', 'machine-readable output');
  return command.option('--no-color', 'never colour the output');
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. Never calls process.exit. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const version = await readVersion();
  let exitCode: number = ExitCode.ok;
  const program = new Commander('edgeml')
    .description('Compile one YAML workflow spec into everything needed to deploy an ML model to Azure IoT Edge.')
    .version(version, '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run edgeml --help for usage)');

  const action =
    (name: string) =>
    async (...params: unknown[]) => {
      const command = params[params.length - 1] as Commander;
      const options = command.opts();
      const args = command.args;
      const module = await COMMANDS[name]();
      exitCode = await module.default(args, options, io);
    };

  program
    .command('init')
    .argument('[dir]', 'folder to write the starter into (default: the current folder)')
    .description('Write a commented starter spec for one of the seed workflows, with the model and samples it names.')
    .option(
      '-w, --workflow <name>',
      'text-orientation (runnable offline), wf1, wf2, wf3, wf4 or machine-anomaly (telemetry)',
      'text-orientation',
    )
    .option('--no-color', 'never colour the output')
    .action(action('init'));

  specOptions(
    program
      .command('validate')
      .argument('<spec...>', 'spec files to check, or folders of them')
      .description('Check specs and report every problem at file:line:column.')
      .option('--strict', 'treat warnings as errors')
      .option('--no-model', 'do not read the ONNX model'),
  ).action(action('validate'));

  specOptions(
    program
      .command('compile')
      .argument('<spec>', 'the workflow spec')
      .description('Render Dockerfiles, module code, deployment manifests and the scripts for all six steps.')
      .option('-o, --out <dir>', 'output folder (default generated/<name>)')
      .option('--check', 'exit 1 if the output folder differs from what the spec compiles to'),
  ).action(action('compile'));

  specOptions(
    program
      .command('test')
      .argument('<spec>', 'the workflow spec')
      .description("Score images with the model on this machine (the spec's samples by default).")
      .option('-i, --image <file>', 'an image to score (repeatable)', collect, [])
      .option('-m, --messages <file>', 'telemetry specs: a JSON-lines file of messages to score (repeatable)', collect, [])
      .option('--annotate <dir>', 'also write each image with its boxes and text drawn on it into this folder'),
  ).action(action('test'));

  specOptions(
    program
      .command('run')
      .argument('<spec>', 'the workflow spec')
      .description('Run the module graph on this machine with a local edgeHub that routes messages as on a device.')
      .option('--out <file>', 'append upstream messages to this file as JSON lines')
      .option('--duration <seconds>', 'stop after this many seconds')
      .option('--frames <n>', 'stop after this many upstream messages')
      .option('--attach <module>', 'run everything but this module and print the variables to start it yourself (a debugger)')
      .option(
        '--invoke <module.method=json>',
        'call a direct method (or MODULE.$desired=JSON: patch desired properties) once the module connects (repeatable)',
        collect,
        [],
      )
      .option(
        '--replay <module.output=file>',
        "don't run this module: send its recorded messages (a JSON-lines file of bodies) on that output instead (repeatable)",
        collect,
        [],
      ),
    { json: false },
  ).action(action('run'));

  specOptions(
    program
      .command('fetch')
      .argument('<spec>', 'the workflow spec')
      .description("Download the spec's Azure ML or URL model into the model cache and check it against the spec."),
  ).action(action('fetch'));

  specOptions(
    program
      .command('plan')
      .argument('<spec>', 'the workflow spec')
      .description('Show what apply would change on Azure, without changing anything.')
      .option('--state <file>', 'state file (default .edgeml/state/<name>.json next to the spec)')
      .option('--out <file>', 'save the plan to this file; `edgeml apply <file>` then carries out exactly this plan')
      .option('--detailed-exitcode', 'exit 0 for no changes, 1 for errors, 2 for changes'),
  ).action(action('plan'));

  specOptions(
    program
      .command('apply')
      .argument('<spec>', 'the workflow spec, or a plan file saved by `edgeml plan --out`')
      .description(
        'Plan and carry out the plan: create what is missing, build and push images, deploy, and wait until the device converges.',
      )
      .option('--state <file>', 'state file (default .edgeml/state/<name>.json next to the spec)')
      .option('--skip-build', 'use images already in the registry')
      .option('--timeout <seconds>', 'how long to wait for convergence', '900')
      .option('--connection-string-file <file>', 'write the device connection string to this file (mode 0600)')
      .option('--show-connection-string', 'print the device connection string once'),
  ).action(action('apply'));

  specOptions(
    program
      .command('rollout')
      .argument('<spec>', 'the workflow spec')
      .description("Apply a fleet spec ring by ring (azure.fleet.rollout): widen, wait for each ring's health gate, roll back on failure.")
      .option('--state <file>', 'state file (default .edgeml/state/<name>.json next to the spec)')
      .option('--skip-build', 'use images already in the registry')
      .option('--timeout <seconds>', 'how long to wait for convergence', '900'),
  ).action(action('rollout'));

  specOptions(
    program
      .command('rollback')
      .argument('<spec>', 'the workflow spec')
      .description('Return the fleet to the last good revision, or the one --to names (see edgeml history).')
      .option('--to <revision>', 'the revision number to return to')
      .option('--state <file>', 'state file')
      .option('--timeout <seconds>', 'how long to wait for the devices to take it', '900'),
  ).action(action('rollback'));

  specOptions(
    program
      .command('history')
      .argument('<spec>', 'the workflow spec')
      .description("List the fleet's revisions: when, content hash, rings reached, outcome.")
      .option('--state <file>', 'state file'),
  ).action(action('history'));

  specOptions(
    program.command('status').argument('<spec>', 'the workflow spec').description('Show live module status on the device or fleet.'),
  ).action(action('status'));

  specOptions(
    program
      .command('destroy')
      .argument('<spec>', 'the workflow spec')
      .description('Delete exactly what apply created, as recorded in the state file; take its modules off a device it did not create.')
      .option('--state <file>', 'state file')
      .addOption(new Option('-y, --yes', 'do not ask for confirmation')),
  ).action(action('destroy'));

  const state = program.command('state').description('Inspect or repair the state file that records what apply created.');
  specOptions(
    state
      .command('recover')
      .argument('<spec>', 'the workflow spec')
      .description('Rebuild the state file from what edgeml created in Azure (found by its ownership tags).')
      .option('--state <file>', 'state file (default .edgeml/state/<name>.json next to the spec)'),
  ).action(action('state recover'));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help')
        return ExitCode.ok;
      return ExitCode.usage;
    }
    throw error;
  }
}

async function readVersion(): Promise<string> {
  const { readFileSync } = await import('node:fs');
  const { packagePath } = await import('../package-root.js');
  const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
