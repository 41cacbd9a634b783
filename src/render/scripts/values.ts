// The workflow values the step scripts use (render stage, scripts), each with the safe pattern it must match.
// They are written once, single-quoted, as variables at the top of scripts/lib.sh; templates only ever reference
// "$VARIABLES", so no spec text is ever pasted into a command line.
import { isSecretRef, type WorkflowIR } from '../../ir/types.js';
import { tagsForCondition } from './fleet-tags.js';
import { SAFE_PATTERNS, isSafeShellValue, shellQuote, type ShellValueKind } from '../shell.js';

/** One shell variable: its name, the spec field it comes from, the value and its pattern ('text' = any text, quoted). */
export interface ScriptValue {
  name: string;
  field: string;
  value: string;
  kind: ShellValueKind | 'text';
}

/** Every spec value the scripts need, in a stable order. */
export function listScriptValues(ir: WorkflowIR): ScriptValue[] {
  const { azure, target } = ir;
  const values: ScriptValue[] = [
    { name: 'WORKFLOW', field: 'name', value: ir.name, kind: 'text' },
    { name: 'RESOURCE_GROUP', field: 'azure.resourceGroup', value: azure.resourceGroup, kind: 'resourceGroup' },
    { name: 'LOCATION', field: 'azure.location', value: azure.location, kind: 'location' },
    { name: 'IOT_HUB', field: 'azure.iotHub.name', value: azure.iotHub.name, kind: 'iotHub' },
    { name: 'IOT_HUB_SKU', field: 'azure.iotHub.sku', value: azure.iotHub.sku, kind: 'word' },
    { name: 'IOT_HUB_UNITS', field: 'azure.iotHub.units', value: String(azure.iotHub.units), kind: 'word' },
    { name: 'REGISTRY_ADDRESS', field: 'azure.registry', value: azure.registry.address, kind: 'registryAddress' },
    { name: 'IOTEDGE_VERSION', field: 'target.runtime', value: target.runtime, kind: 'word' },
  ];
  if (azure.subscription)
    values.push({ name: 'SUBSCRIPTION', field: 'azure.subscription', value: azure.subscription, kind: 'subscription' });
  if (azure.registry.kind === 'create') {
    values.push({ name: 'REGISTRY_NAME', field: 'azure.registry.create.name', value: azure.registry.name, kind: 'registryName' });
    values.push({ name: 'REGISTRY_SKU', field: 'azure.registry.create.sku', value: azure.registry.sku, kind: 'word' });
  }
  if (azure.registry.kind === 'existing') {
    const user = azure.registry.username;
    if (isSecretRef(user))
      values.push({ name: 'REGISTRY_USERNAME_ENV', field: 'azure.registry.username', value: user.env, kind: 'envName' });
    else values.push({ name: 'REGISTRY_USERNAME', field: 'azure.registry.username', value: user, kind: 'text' });
    values.push({ name: 'REGISTRY_PASSWORD_ENV', field: 'azure.registry.password', value: azure.registry.password.env, kind: 'envName' });
  }
  const deployment = azure.deployment;
  if (deployment.kind === 'device') {
    values.push({ name: 'DEVICE_ID', field: 'azure.device.id', value: deployment.deviceId, kind: 'deviceId' });
  } else {
    values.push({ name: 'FLEET_ID', field: 'azure.fleet.id', value: deployment.id, kind: 'deploymentId' });
    values.push({ name: 'FLEET_TARGET_CONDITION', field: 'azure.fleet.targetCondition', value: deployment.targetCondition, kind: 'text' });
    const tags = tagsForCondition(deployment.targetCondition);
    if (tags) values.push({ name: 'FLEET_DEVICE_TAGS', field: 'azure.fleet.targetCondition', value: JSON.stringify(tags), kind: 'text' });
  }
  if (azure.ml) {
    values.push({ name: 'ML_WORKSPACE', field: 'azure.ml.workspace', value: azure.ml.workspace, kind: 'mlWorkspace' });
    values.push({ name: 'ML_RESOURCE_GROUP', field: 'azure.ml.resourceGroup', value: azure.ml.resourceGroup, kind: 'resourceGroup' });
  }
  const source = ir.model.source;
  if (source.kind === 'azureml') {
    values.push({ name: 'ML_MODEL_NAME', field: 'model.source.azureml.name', value: source.name, kind: 'mlModelName' });
    values.push({ name: 'ML_MODEL_VERSION', field: 'model.source.azureml.version', value: String(source.version), kind: 'word' });
    values.push({ name: 'ML_MODEL_FILE', field: 'model.source.azureml.file', value: source.file, kind: 'relativePath' });
  }
  if (source.kind === 'url') {
    values.push({ name: 'MODEL_URL', field: 'model.source.url', value: source.url, kind: 'httpsUrl' });
    values.push({ name: 'MODEL_SHA256', field: 'model.source.sha256', value: source.sha256, kind: 'sha256' });
  }
  const expect = ir.model.expect;
  if (expect?.label !== undefined) values.push({ name: 'EXPECT_LABEL', field: 'model.expect.label', value: expect.label, kind: 'text' });
  return values;
}

/** The values that do not match their pattern ('text' values always pass: quoting is all they need). */
export function unsafeScriptValues(ir: WorkflowIR): { field: string; expected: string }[] {
  return listScriptValues(ir)
    .filter((v) => v.kind !== 'text' && !isSafeShellValue(v.kind, v.value))
    .map((v) => ({ field: v.field, expected: SAFE_PATTERNS[v.kind as ShellValueKind].describe }));
}

/** `NAME='value'` lines for lib.sh. */
export function renderAssignments(values: readonly ScriptValue[]): string {
  return values.map((v) => `${v.name}=${shellQuote(v.value)}`).join('\n');
}
