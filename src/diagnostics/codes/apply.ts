// Message catalogue for plan, apply, status, destroy and the providers they drive (codes EML6000–6999).
// Apply stage. Messages never contain secret values: they name environment variables or resources instead.
import { defineMessages } from '../types.js';

export const applyMessages = defineMessages({
  // 60xx: inputs and local state
  stateUnreadable: {
    code: 'EML6001',
    category: 'error',
    text: (d: { file: string; reason: string }) => `The state file '${d.file}' cannot be read: ${d.reason}.`,
    hint: () => 'Fix the file, or move it away and run `edgeml state recover <spec>` to rebuild it from what edgeml created in Azure.',
  },
  stateVersion: {
    code: 'EML6002',
    category: 'error',
    text: (d: { file: string; version: unknown }) =>
      `The state file '${d.file}' has format version '${String(d.version)}', which this edgeml does not know.`,
    hint: () => 'Upgrade edgeml, or use --state to point at another state file.',
  },
  secretMissing: {
    code: 'EML6003',
    category: 'error',
    text: (d: { name: string }) => `The deployment needs the secret '${d.name}' but the environment variable '${d.name}' is not set.`,
    hint: (d: { name: string }) => `Export ${d.name} before running apply.`,
  },
  renderFailed: {
    code: 'EML6004',
    category: 'error',
    text: (d: { reason: string }) => `The deployment manifest could not be rendered: ${d.reason}.`,
    hint: () => 'Run `edgeml compile` to see the render diagnostics.',
  },
  subscriptionMissing: {
    code: 'EML6005',
    category: 'error',
    text: () => 'No Azure subscription id is known.',
    hint: () => 'Set azure.subscription in the spec or export AZURE_SUBSCRIPTION_ID.',
  },
  confirmNeedsTty: {
    code: 'EML6006',
    category: 'error',
    text: () => 'destroy needs confirmation, but stdin is not a terminal.',
    hint: () => 'Pass --yes to destroy without a prompt.',
  },
  destroyCancelled: {
    code: 'EML6007',
    category: 'warning',
    text: () => 'destroy was cancelled; nothing was deleted.',
  },
  nothingToDestroy: {
    code: 'EML6008',
    category: 'warning',
    text: (d: { file: string }) => `The state file '${d.file}' records nothing that edgeml created; nothing to destroy.`,
  },
  fleetModulesLeft: {
    code: 'EML6027',
    category: 'warning',
    text: (d: { id: string; applied: number; targeted: number }) =>
      `The runtime-only deployment '${d.id}' reached ${d.applied} of ${d.targeted} devices before destroy went on; the others keep the workflow's modules until they reconnect.`,
    hint: () =>
      'Bring those devices online and run destroy again before the hub is deleted, or remove their modules with `az iot edge set-modules`.',
  },
  deviceDeploymentChanged: {
    code: 'EML6010',
    category: 'warning',
    text: (d: { device: string; modules: string }) =>
      `The deployment on edge device '${d.device}' has changed since edgeml applied it, so its modules were left in place (edgeml deployed: ${d.modules}).`,
    hint: () => 'Remove the modules with the tool that changed the deployment, or with `az iot edge set-modules`.',
  },
  targetConditionRejected: {
    code: 'EML6011',
    category: 'error',
    text: (d: { condition: string; reason: string }) => `IoT Hub rejects the target condition ${d.condition}: ${d.reason}`,
    hint: () => "Write it in IoT Hub's query language, e.g. tags.environment='prod' AND tags.site='plant-1' (single quotes).",
  },
  noTargetedDevices: {
    code: 'EML6009',
    category: 'warning',
    text: (d: { condition: string; hub: string }) =>
      `The target condition ${d.condition} matches no IoT Edge device in hub '${d.hub}'; the deployment would reach no device.`,
    hint: () => 'Tag the devices the deployment is for (their twin tags), or correct azure.fleet.targetCondition.',
  },
  stateInvalid: {
    code: 'EML6020',
    category: 'error',
    text: (d: { file: string; reason: string }) => `The state file '${d.file}' is not a valid edgeml state: ${d.reason}.`,
    hint: () =>
      'Fix the value, or move the file away and run `edgeml state recover <spec>` to rebuild it from what edgeml created in Azure.',
  },
  stateLocked: {
    code: 'EML6021',
    category: 'error',
    text: (d: { file: string; holder: string }) => `Another edgeml run is using the state file '${d.file}': ${d.holder}.`,
    hint: (d: { lockFile: string }) =>
      `Wait for that run to finish. Only if it is gone for good (its machine is down), delete ${d.lockFile}.`,
  },
  staleLockReplaced: {
    code: 'EML6022',
    category: 'warning',
    text: (d: { holder: string }) => `Took over the state lock of a run that is no longer running: ${d.holder}.`,
    hint: () => 'That run stopped part-way; this run picks up where it left off.',
  },
  planUnreadable: {
    code: 'EML6023',
    category: 'error',
    text: (d: { file: string; reason: string }) => `The plan file '${d.file}' cannot be used: ${d.reason}.`,
    hint: () => 'Make a new plan with `edgeml plan <spec> --out <file>`.',
  },
  planSpecChanged: {
    code: 'EML6024',
    category: 'error',
    text: (d: { file: string; spec: string }) =>
      `The spec '${d.spec}', or what it renders to, has changed since the plan '${d.file}' was made.`,
    hint: () => 'Review a new plan (`edgeml plan <spec> --out <file>`) and apply that one.',
  },
  planStateChanged: {
    code: 'EML6025',
    category: 'error',
    text: (d: { file: string; state: string; planned: number; current: number }) =>
      `The state file '${d.state}' has changed since the plan '${d.file}' was made (serial ${d.planned} then, ${d.current} now): another apply, destroy or recover ran in between.`,
    hint: () => 'Review a new plan (`edgeml plan <spec> --out <file>`) and apply that one.',
  },
  planLiveChanged: {
    code: 'EML6026',
    category: 'error',
    text: (d: { file: string; what: string }) => `What is live in Azure has changed since the plan '${d.file}' was made: ${d.what}.`,
    hint: () => 'Review a new plan (`edgeml plan <spec> --out <file>`) and apply that one.',
  },

  // 61xx: Azure resources and identities
  providerFailed: {
    code: 'EML6101',
    category: 'error',
    text: (d: { operation: string; code: string; message: string }) => `${d.operation} failed (${d.code}): ${d.message}`,
    hint: (d: { retryable: boolean }) =>
      d.retryable
        ? 'The service kept failing after retries; run apply again later, it resumes where it stopped.'
        : 'Check the resource names and your Azure permissions.',
  },
  resourceMissing: {
    code: 'EML6102',
    category: 'error',
    text: (d: { kind: string; name: string }) => `The ${d.kind} '${d.name}' does not exist and the spec says not to create it.`,
    hint: (d: { kind: string }) => `Create the ${d.kind} first, or let edgeml create it (set its 'create' option in the spec).`,
  },
  deviceNotEdge: {
    code: 'EML6103',
    category: 'error',
    text: (d: { deviceId: string }) => `The device '${d.deviceId}' exists but is not an IoT Edge device.`,
    hint: () => 'Use another device id, or delete the device so edgeml can create it as an IoT Edge device.',
  },
  registryCredentials: {
    code: 'EML6104',
    category: 'error',
    text: (d: { registry: string; reason: string }) => `Credentials for the registry '${d.registry}' are not available: ${d.reason}.`,
    hint: () => "Enable the registry's admin user, or give the credentials as environment variables named in the spec.",
  },

  // 62xx: images
  buildFailed: {
    code: 'EML6201',
    category: 'error',
    text: (d: { module: string; reason: string }) => `Building the image of module '${d.module}' failed: ${d.reason}`,
    hint: () => 'Run the build step of the generated scripts to see the full Docker output.',
  },
  platformMismatch: {
    code: 'EML6202',
    category: 'error',
    text: (d: { module: string; image: string; actual: string; expected: string }) =>
      `The image '${d.image}' of module '${d.module}' is built for '${d.actual}', but the target platform is '${d.expected}'.`,
    hint: () => 'Build for the target platform (enable QEMU binfmt for cross builds) or change target.platform.',
  },
  pushFailed: {
    code: 'EML6203',
    category: 'error',
    text: (d: { image: string; reason: string }) => `Pushing the image '${d.image}' failed: ${d.reason}`,
    hint: () => 'Check the registry address and credentials.',
  },
  dockerUnavailable: {
    code: 'EML6204',
    category: 'error',
    text: (d: { reason: string }) => `The Docker engine is not reachable: ${d.reason}.`,
    hint: () => 'Start Docker (or set DOCKER_HOST), or pass --skip-build when the images are already in the registry.',
  },
  imageMissing: {
    code: 'EML6205',
    category: 'error',
    text: (d: { image: string }) => `--skip-build was given but the image '${d.image}' was never pushed by edgeml.`,
    hint: () => 'Run apply once without --skip-build.',
  },

  // 63xx: deployment and convergence
  notConverged: {
    code: 'EML6301',
    category: 'error',
    text: (d: { seconds: number; problems: number }) =>
      `The deployment did not converge within ${d.seconds} s (${d.problems} problem${d.problems === 1 ? '' : 's'}).`,
    hint: () => 'Read the module report above; fix the module or raise --timeout, then run apply again.',
  },
  deploymentRejected: {
    code: 'EML6302',
    category: 'error',
    text: (d: { code: number; description: string }) => `edgeAgent rejected the deployment (code ${d.code}): ${d.description}`,
    hint: () => 'Run `edgeml validate` and compare the manifest with the IoT Edge schema.',
  },
  fleetNotApplied: {
    code: 'EML6303',
    category: 'error',
    text: (d: { id: string; applied: number; targeted: number }) =>
      `The deployment '${d.id}' reached ${d.applied} of ${d.targeted} targeted devices in time; the previous deployment was kept.`,
    hint: () => 'Check the devices that match the target condition, then run apply again.',
  },
});

export type ApplyMessageId = keyof typeof applyMessages;
