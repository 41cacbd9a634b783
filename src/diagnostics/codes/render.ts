// Message catalogue for the manifest renderer, the output writer and `edgeml compile` (render/emit stage, EML4000-4499).
// Scripts and Dockerfile messages live in render-scripts.ts (EML4500-4999). Retired codes are never reused.
import { defineMessages } from '../types.js';

/** Deployment manifest rendering and validation (src/render/manifest/). */
export const manifestMessages = defineMessages({
  createOptionsTooLarge: {
    code: 'EML4001',
    category: 'error',
    text: (d: { module: string; size: number; chunks: number; maxChunks: number; chunkSize: number }) =>
      `The createOptions of module '${d.module}' are ${d.size} characters long, which needs ${d.chunks} chunks of ${d.chunkSize}; IoT Edge tooling accepts at most ${d.maxChunks}.`,
    hint: (d: { maxChunks: number; chunkSize: number }) =>
      `Shorten modules.<name>.createOptions (or move settings into env or the module twin) to at most ${d.maxChunks * d.chunkSize} characters.`,
  },
  routeDoesNotParse: {
    code: 'EML4002',
    category: 'error',
    text: (d: { route: string; rendered: string; problem: string }) =>
      `Route '${d.route}' renders as '${d.rendered}', which edgeHub's route grammar rejects: ${d.problem}`,
    hint: () => "Fix the route in the spec (routes.<name>.from, to and when) so that it follows edgeHub's route syntax.",
  },
  manifestSchemaViolation: {
    code: 'EML4003',
    category: 'error',
    text: (d: { schema: string; pointer: string; problem: string }) =>
      `The rendered manifest does not match the official schema ${d.schema} at '${d.pointer}': ${d.problem}.`,
    hint: () => 'Change the spec value that produced this part of the manifest; if the spec is valid, report an edgeml bug.',
  },
  desiredPropertiesTooLarge: {
    code: 'EML4004',
    category: 'error',
    text: (d: { twin: string; size: number; limit: number }) =>
      `The desired properties of '${d.twin}' are ${d.size} bytes of JSON; IoT Hub allows at most ${d.limit} bytes per module twin.`,
    hint: (d: { twin: string }) =>
      d.twin === '$edgeAgent'
        ? 'Reduce the number of modules or the size of their createOptions and env.'
        : 'Move large values out of the module twin (for example into a file baked into the image).',
  },
  tooManyModules: {
    code: 'EML4005',
    category: 'error',
    text: (d: { count: number; limit: number }) =>
      `The workflow deploys ${d.count} modules; an IoT Edge deployment allows at most ${d.limit} besides edgeAgent and edgeHub.`,
    hint: () => 'Split the modules over several devices or a base and a layered deployment.',
  },
  invalidSecretName: {
    code: 'EML4006',
    category: 'error',
    text: (d: { where: string; name: string }) =>
      `The secret at '${d.where}' names environment variable '${d.name}', which cannot be used as a \${NAME} placeholder.`,
    hint: () => 'Use a variable name made of letters, digits and underscores that does not start with a digit.',
  },
  twinArray: {
    code: 'EML4007',
    category: 'warning',
    text: (d: { module: string; key: string }) =>
      `The twin of module '${d.module}' has an array at '${d.key}'; some IoT Hub API versions and tools reject arrays in twins.`,
    hint: () => 'Use an object keyed by index, or a JSON string, instead of an array.',
  },
  twinRule: {
    code: 'EML4008',
    category: 'error',
    text: (d: { module: string; key: string; rule: string }) =>
      `IoT Hub would reject the twin of module '${d.module}' at '${d.key}': ${d.rule}.`,
    hint: () => 'Change modules.<name>.twin: keys without dots, dollar signs or spaces, at most 10 levels deep, strings up to 4 KB.',
  },
});

/** The atomic output writer (src/emit/). */
export const emitMessages = defineMessages({
  unsafeOutputPath: {
    code: 'EML4100',
    category: 'error',
    text: (d: { path: string; reason: string }) => `Refusing to write '${d.path}': ${d.reason}.`,
    hint: () => 'This is an edgeml bug or a hostile input: rendered paths must stay inside the output folder.',
  },
  duplicateOutputPath: {
    code: 'EML4101',
    category: 'error',
    text: (d: { path: string }) => `Two rendered files have the same path '${d.path}'.`,
    hint: () => 'Rename one of the modules so that their output folders differ; if they already differ, report an edgeml bug.',
  },
  outputWriteFailed: {
    code: 'EML4102',
    category: 'error',
    text: (d: { out: string; reason: string }) => `Could not write the output folder '${d.out}': ${d.reason}.`,
    hint: () => 'Check that the parent folder exists and is writable, then run the command again.',
  },
  unsafeOutputFolder: {
    code: 'EML4103',
    category: 'error',
    text: (d: { out: string; reason: string }) => `Refusing to use '${d.out}' as the output folder: ${d.reason}.`,
    hint: () => 'Pass --out with a dedicated folder, for example generated/<name>.',
  },
});

/** `edgeml compile --check` (src/cli/commands/compile.ts). */
export const compileMessages = defineMessages({
  outputOutOfDate: {
    code: 'EML4200',
    category: 'error',
    text: (d: { out: string; count: number; first: string }) =>
      `The output folder '${d.out}' differs from what the spec compiles to in ${d.count} file(s), first: ${d.first}.`,
    hint: () => 'Run `edgeml compile` without --check to update the output folder.',
  },
});

/** `edgeml init`: writing a starter spec (src/cli/commands/init.ts). */
export const initMessages = defineMessages({
  unknownStarter: {
    code: 'EML4300',
    category: 'error',
    text: (d: { name: string }) => `There is no starter workflow named '${d.name}'.`,
    hint: (d: { known: string }) => `Choose one with --workflow: ${d.known}.`,
  },
  fileExists: {
    code: 'EML4301',
    category: 'error',
    text: (d: { path: string }) => `'${d.path}' already exists; edgeml init never overwrites a file, so nothing was written.`,
    hint: () => 'Name an empty or new folder: edgeml init --workflow NAME DIR.',
  },
  cannotWrite: {
    code: 'EML4302',
    category: 'error',
    text: (d: { path: string; reason: string }) => `Cannot write '${d.path}': ${d.reason}.`,
    hint: () => 'Choose a folder you may write to.',
  },
});
