// The environment variables the step scripts read (render stage, scripts): one table, used for scripts/.env.example
// and the README, so the documentation always matches what the scripts actually require.
import type { WorkflowIR } from '../../ir/types.js';
import { listManifestSecrets } from '../manifest/secrets.js';

export type Step = 1 | 2 | 3 | 4 | 5 | 6;

export interface ScriptEnvVar {
  name: string;
  steps: Step[];
  required: boolean;
  description: string;
  secret: boolean;
}

/** Every variable any script of this workflow reads, sorted by first step then name. */
export function listScriptEnv(ir: WorkflowIR): ScriptEnvVar[] {
  const vars: ScriptEnvVar[] = [];
  const add = (v: ScriptEnvVar): void => {
    const existing = vars.find((x) => x.name === v.name);
    if (existing) existing.steps = [...new Set([...existing.steps, ...v.steps])].sort();
    else vars.push(v);
  };
  const device = ir.azure.deployment.kind === 'device';

  if (!ir.azure.subscription) {
    add({
      name: 'AZURE_SUBSCRIPTION_ID',
      steps: [1, 3, 4, 5, 6],
      required: false,
      secret: false,
      description: "Subscription to use; default: the signed-in account's default (az account show).",
    });
  }
  add({
    name: 'EDGE_DEVICE_CONNECTION_STRING',
    steps: [2],
    required: false,
    secret: true,
    description: "The device's connection string; read from stdin (not echoed) when unset.",
  });
  if (ir.modules.some((m) => m.image.kind === 'user-build')) {
    add({
      name: 'EDGEML_SPEC_DIR',
      steps: [3],
      required: true,
      secret: false,
      description: 'Folder of the spec file: user-build contexts and Dockerfiles are relative to it.',
    });
  }
  add({
    name: 'EDGEML_SKIP_PUSH',
    steps: [3],
    required: false,
    secret: false,
    description: 'Set to 1 to build images without pushing them.',
  });
  for (const secret of listManifestSecrets(ir)) {
    const created = ir.azure.registry.kind === 'create' && secret.env.startsWith('EDGEML_REGISTRY_');
    add({
      name: secret.env,
      steps: secret.where.startsWith('azure.registry') && !created ? [3, 4] : [4],
      required: !created,
      secret: true,
      description: created
        ? `Registry credential for the manifest; step 4 reads it with az acr credential show when unset.`
        : `Secret for ${secret.where}.`,
    });
  }
  if (!device) {
    add({
      name: 'EDGEML_DEPLOY_TIMEOUT',
      steps: [4, 6],
      required: false,
      secret: false,
      description: 'Seconds to wait for a fleet deployment to apply on every targeted device before older deployments go; default 900.',
    });
    add({
      name: 'EDGE_DEVICE_ID',
      steps: [5],
      required: true,
      secret: false,
      description: 'A device the fleet deployment targets, to check and test.',
    });
  }
  add({
    name: 'EDGE_DEVICE_HOST',
    steps: [5],
    required: false,
    secret: false,
    description: 'Host name or IP of the device for the HTTP test; default localhost.',
  });
  add({
    name: 'EDGEML_TEST_TIMEOUT',
    steps: [5],
    required: false,
    secret: false,
    description: 'Seconds to wait for the deployment to converge; default 900.',
  });
  add({
    name: 'EDGEML_ASSUME_YES',
    steps: [6],
    required: false,
    secret: false,
    description: 'Set to 1 (or pass --yes) to delete without asking.',
  });
  return vars.sort((a, b) => a.steps[0]! - b.steps[0]! || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** scripts/.env.example: names and what they are for, never values. */
export function renderEnvExample(ir: WorkflowIR): string {
  const lines = [
    `# Environment variables read by the scripts of workflow '${ir.name.replace(/[\r\n]/g, ' ')}'. Names only: fill in values in`,
    '# your shell or a private copy of this file (never commit it). Secrets are marked; they are never written to disk',
    '# by the scripts, except as a mode-600 temporary file during step 4.',
    '',
  ];
  for (const v of listScriptEnv(ir)) {
    const flags = [v.required ? 'required' : 'optional', v.secret ? 'secret' : undefined].filter(Boolean).join(', ');
    lines.push(`# Step ${v.steps.join(', ')} (${flags}): ${v.description}`);
    lines.push(`${v.name}=`);
    lines.push('');
  }
  return lines.join('\n');
}
