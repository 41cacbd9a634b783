// Message catalogue for `edgeml test` and `edgeml run`: scoring on this machine and the local module graph
// (codes EML7000–7999). Messages name files, modules and routes; they never contain secret values or stacks.
import { defineMessages } from '../types.js';

/** Scores with 4 decimals; tolerant of placeholder text, since docs are generated from these functions. */
const score = (n: number): string => (typeof n === 'number' ? n.toFixed(4) : String(n));

export const runMessages = defineMessages({
  // 70xx: the model and images (`edgeml test`)
  modelUnavailable: {
    code: 'EML7001',
    category: 'error',
    text: (d: { reason: string }) => `The model is not available on this machine: ${d.reason}`,
    hint: () => 'Download it with `edgeml fetch <spec>` (Azure ML and URL models are cached next to the spec), or use a local model file.',
  },
  modelLoadFailed: {
    code: 'EML7002',
    category: 'error',
    text: (d: { reason: string }) => `The model could not be loaded for scoring: ${d.reason}`,
    hint: () => 'Check model.preprocess and model.postprocess against the model (`edgeml validate` compares them).',
  },
  noImages: {
    code: 'EML7003',
    category: 'error',
    text: () => 'There are no images to score: the spec lists no model.samples and no --image was given.',
    hint: () => 'Add sample images under model.samples, or pass --image FILE.',
  },
  imageUnreadable: {
    code: 'EML7004',
    category: 'error',
    text: (d: { file: string; reason: string }) => `The image '${d.file}' cannot be read: ${d.reason}.`,
    hint: () => 'Check the path; relative --image paths are relative to the working folder, samples to the spec.',
  },
  imageNotScored: {
    code: 'EML7005',
    category: 'error',
    text: (d: { file: string; reason: string }) => `The image '${d.file}' could not be scored: ${d.reason}`,
    hint: () => 'Use a JPEG, PNG, BMP or WebP image.',
  },
  annotateUnwritable: {
    code: 'EML7010',
    category: 'error',
    text: (d: { dir: string; reason: string }) => `The annotated images cannot be written to '${d.dir}': ${d.reason}.`,
    hint: () => 'Give --annotate a folder you can write to (it is created when missing).',
  },
  expectLabel: {
    code: 'EML7006',
    category: 'error',
    text: (d: { file: string; expected: string; actual: string; score: number }) =>
      `The top prediction for '${d.file}' is '${d.actual}' (${score(d.score)}), but model.expect.label is '${d.expected}'.`,
    hint: () => 'Check the labels order and the preprocessing (colour order, mean/std, resize), or fix model.expect.',
  },
  expectScore: {
    code: 'EML7007',
    category: 'error',
    text: (d: { file: string; label: string; score: number; minScore: number }) =>
      `The top prediction for '${d.file}' is '${d.label}' with score ${score(d.score)}, below model.expect.minScore ${d.minScore}.`,
    hint: () => 'Check the preprocessing and postprocess.activation, or lower model.expect.minScore.',
  },
  expectDetections: {
    code: 'EML7008',
    category: 'error',
    text: (d: { file: string; count: number; min: number }) =>
      `'${d.file}' gave ${d.count} detection(s), but model.expect.minDetections is ${d.min}.`,
    hint: () => 'Check postprocess.threshold and the box decoder settings, or lower model.expect.minDetections.',
  },
  expectSkipped: {
    code: 'EML7009',
    category: 'suggestion',
    text: () => 'model.expect describes the first sample, so it is not checked when --image is given.',
  },

  // 71xx: the local module graph (`edgeml run`)
  badNumberOption: {
    code: 'EML7101',
    category: 'error',
    text: (d: { option: string; value: string }) => `${d.option} must be a positive number, not '${d.value}'.`,
  },
  moduleStartFailed: {
    code: 'EML7102',
    category: 'error',
    text: (d: { module: string; reason: string }) => `Module '${d.module}' could not start: ${d.reason}`,
  },
  moduleExited: {
    code: 'EML7103',
    category: 'error',
    text: (d: { module: string; code: string; reason: string }) =>
      `Module '${d.module}' stopped unexpectedly (exit ${d.code})${d.reason ? `: ${d.reason}` : '.'}`,
  },
  containerSkipped: {
    code: 'EML7104',
    category: 'warning',
    text: (d: { module: string; reason: string }) => `Container module '${d.module}' is not run locally: ${d.reason}.`,
    hint: () =>
      'Start a Docker engine (and build or pull the image) to include container modules in `edgeml run`; or run the module yourself with `--attach MODULE`.',
  },
  routeNotRunnable: {
    code: 'EML7105',
    category: 'error',
    text: (d: { route: string; reason: string }) => `Route '${d.route}' cannot be evaluated locally: ${d.reason}`,
  },
  inputNotRunning: {
    code: 'EML7106',
    category: 'warning',
    text: (d: { module: string; input: string; count: number }) =>
      `${d.count} message(s) were routed to '${d.module}' input '${d.input}', but that module did not read them (it did not run, or never listened on its inputs).`,
  },
  nothingToRun: {
    code: 'EML7107',
    category: 'warning',
    text: () => 'The spec has no module that can run locally, so no message will flow.',
  },
  routeMatchedByNull: {
    code: 'EML7109',
    category: 'warning',
    text: (d: { route: string; count: number; matched: number }) =>
      `Route '${d.route}' matched ${d.count} of its ${d.matched} message(s) only because a $body field they lack read as null, which edgeHub sorts above every number and string.`,
    hint: () =>
      "Guard the comparison with the field's type, e.g. is_number($body.x) AND $body.x >= 0.5 (edgeml validate shows the exact rewrite).",
  },
  contractViolation: {
    code: 'EML7110',
    category: 'warning',
    text: (d: { source: string; count: number; problem: string }) =>
      `${d.count} message(s) from ${d.source} did not match its message contract; the first: ${d.problem}.`,
    hint: (d: { generated: boolean }) =>
      d.generated
        ? 'This is a bug in edgeml: please report it with the spec.'
        : "Fix the module, or its contract under the module's outputs.",
  },
  secretForRun: {
    code: 'EML7108',
    category: 'error',
    text: (d: { module: string; name: string }) => `Module '${d.module}' needs the environment variable '${d.name}', which is not set.`,
    hint: (d: { name: string }) => `Export ${d.name} before running edgeml run.`,
  },

  // 715x: the local edgeHub (`edgeml run`)
  edgeHubCannotListen: {
    code: 'EML7150',
    category: 'error',
    text: (d: { address: string; code: string }) =>
      d.code === 'EADDRINUSE'
        ? `The local edgeHub cannot listen on ${d.address}: the port is in use.`
        : `The local edgeHub cannot listen on ${d.address} (${d.code}).`,
    hint: (d: { address: string }) =>
      `Modules dial port 8883, so it must be free: stop what holds it (another \`edgeml run\`, iotedgehubdev, an MQTT broker or an IoT Edge runtime; \`ss -ltnp 'sport = :8883'\` names it), or on Linux set EDGEML_EDGEHUB_HOST to another loopback address such as 127.0.0.2 (now ${d.address}).`,
  },
  moduleNeverConnected: {
    code: 'EML7151',
    category: 'warning',
    text: (d: { module: string; seconds: number; tail: string }) =>
      `Module '${d.module}' has not connected to the local edgeHub within ${d.seconds} s${d.tail ? `; its last log lines:\n${d.tail}` : '.'}`,
    hint: () =>
      'A module reaches edgeHub with ModuleClient.fromEnvironment (EdgeHubConnectionString, EdgeModuleCACertificateFile); one that does not use IoT Edge messaging can ignore this.',
  },
  edgeHubRefused: {
    code: 'EML7152',
    category: 'warning',
    text: (d: { module: string; reason: string; count: number }) =>
      `The local edgeHub refused ${d.count} connection(s) for module '${d.module}': ${d.reason}.`,
    hint: () =>
      'Keys and the CA are new every run: use the EdgeHubConnectionString of this run (with --attach, reload the env file after each start).',
  },
  badInvoke: {
    code: 'EML7153',
    category: 'error',
    text: (d: { value: string; reason: string }) => `--invoke '${d.value}' is not usable: ${d.reason}.`,
    hint: () =>
      'Write MODULE.METHOD=JSON for a direct method, e.g. --invoke \'filter.reset={"hard":true}\', or MODULE.$desired=JSON for a desired properties patch.',
  },
  attachUnknown: {
    code: 'EML7154',
    category: 'error',
    text: (d: { module: string; reason: string; modules: string }) => `--attach ${d.module}: ${d.reason}.`,
    hint: (d: { modules: string }) => `Attach one of the modules that talk to edgeHub: ${d.modules}.`,
  },
  inputsDropped: {
    code: 'EML7155',
    category: 'warning',
    text: (d: { module: string; input: string; count: number; limit: number }) =>
      `${d.count} message(s) for '${d.module}' input '${d.input}' were dropped: ${d.limit} were already waiting, the local edgeHub's limit per input.`,
    hint: () =>
      'The module reads its input more slowly than messages arrive (or was not connected); on a device edgeHub would store them until their time to live ends.',
  },
  invokeFailed: {
    code: 'EML7156',
    category: 'warning',
    text: (d: { target: string; status: number; message: string }) => `--invoke ${d.target} answered ${d.status}: ${d.message}`,
  },
  badReplay: {
    code: 'EML7157',
    category: 'error',
    text: (d: { value: string; reason: string }) => `--replay '${d.value}' is not usable: ${d.reason}.`,
    hint: () =>
      "Write MODULE.OUTPUT=FILE with a JSON-lines file of message bodies, e.g. --replay sensor.temperatureOutput=samples/telemetry/readings.jsonl (the module's output must be declared in the spec).",
  },
});
