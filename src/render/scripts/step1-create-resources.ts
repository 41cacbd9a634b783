// scripts/01-create-resources.sh (render stage, scripts): resource group, IoT Hub, the edge device identity (single
// device, Azure Stack Edge VMs included; for a fleet, how to tag devices so its condition selects them), the container registry and the Azure ML model check. Check-then-create, so it can be re-run; everything it
// creates is recorded in scripts/.edgeml-created for step 6.
import type { WorkflowIR } from '../../ir/types.js';
import { compileTemplate } from '../docker/template.js';
import { tagsForCondition } from './fleet-tags.js';

const STEP1 = `#!/usr/bin/env bash
# Step 1 of 6: create the Azure resources of workflow {{workflowComment}}.
# Safe to re-run: existing resources are left as they are and only what this script creates is recorded for step 6.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"

az_ready
az_extension azure-iot

{{#if createResourceGroup}}
if az group show --name "$RESOURCE_GROUP" --output none 2>/dev/null; then
  log "Resource group $RESOURCE_GROUP exists"
else
  log "Creating resource group $RESOURCE_GROUP in $LOCATION"
  az group create --name "$RESOURCE_GROUP" --location "$LOCATION" --output none
  record_created resource-group "$RESOURCE_GROUP"
fi
{{else}}
log "Checking resource group $RESOURCE_GROUP"
az group show --name "$RESOURCE_GROUP" --output none || die "resource group $RESOURCE_GROUP does not exist (the spec says not to create it)"
{{/if}}

hub_active() {
  [[ "$(az iot hub show --name "$IOT_HUB" --resource-group "$RESOURCE_GROUP" --query properties.state --output tsv 2>/dev/null)" == Active ]]
}

{{#if createHub}}
if az iot hub show --name "$IOT_HUB" --resource-group "$RESOURCE_GROUP" --output none 2>/dev/null; then
  log "IoT Hub $IOT_HUB exists"
else
  log "Creating IoT Hub $IOT_HUB (sku $IOT_HUB_SKU, $IOT_HUB_UNITS unit(s)) in $LOCATION; this takes a few minutes"
  az iot hub create --name "$IOT_HUB" --resource-group "$RESOURCE_GROUP" --location "$LOCATION" \\
    --sku "$IOT_HUB_SKU" --unit "$IOT_HUB_UNITS" --output none
  record_created iot-hub "$IOT_HUB"
fi
{{else}}
log "Checking IoT Hub $IOT_HUB"
az iot hub show --name "$IOT_HUB" --resource-group "$RESOURCE_GROUP" --output none || die "IoT Hub $IOT_HUB does not exist in $RESOURCE_GROUP"
{{/if}}
wait_until 900 10 "IoT Hub $IOT_HUB to become active" hub_active || die "IoT Hub $IOT_HUB is not active"

{{#if device}}
{{#if createDevice}}
if az iot hub device-identity show --hub-name "$IOT_HUB" --device-id "$DEVICE_ID" --output none 2>/dev/null; then
  log "Edge device $DEVICE_ID exists"
else
  log "Creating edge device identity $DEVICE_ID"
  az iot hub device-identity create --hub-name "$IOT_HUB" --device-id "$DEVICE_ID" --edge-enabled --output none
  record_created device "$DEVICE_ID"
fi
{{else}}
log "Checking edge device $DEVICE_ID"
az iot hub device-identity show --hub-name "$IOT_HUB" --device-id "$DEVICE_ID" --output none || die "device $DEVICE_ID does not exist in $IOT_HUB"
{{/if}}
{{#if databoxEdge}}
note "Azure Stack Edge: the device is an Ubuntu VM on the appliance; 'bash scripts/02-setup-device.sh --checklist' says how to create it."
{{/if}}
note "Step 2 runs on the device and needs its connection string. Without printing it here, pipe it over, e.g.:"
note "  az iot hub device-identity connection-string show --hub-name $IOT_HUB --device-id $DEVICE_ID --query connectionString -o tsv \\\\"
note "    | ssh <device> 'sudo bash ./scripts/02-setup-device.sh'"
{{else}}
log "Fleet deployment: no device identities are created here"
note "Devices receive this deployment when their twin matches the target condition:"
note "  $FLEET_TARGET_CONDITION"
note "Create each device with --edge-enabled and give it the twin tags that condition reads:"
note "  az iot hub device-identity create --hub-name $IOT_HUB --device-id <device> --edge-enabled"
{{#if fleetTags}}
note "  az iot hub device-twin update --hub-name $IOT_HUB --device-id <device> --tags '$FLEET_DEVICE_TAGS'"
{{else}}
note "  az iot hub device-twin update --hub-name $IOT_HUB --device-id <device> --tags '<tags the condition matches>'"
{{/if}}
{{/if}}

{{#if createRegistry}}
if az acr show --name "$REGISTRY_NAME" --resource-group "$RESOURCE_GROUP" --output none 2>/dev/null; then
  log "Container registry $REGISTRY_NAME exists"
else
  log "Creating container registry $REGISTRY_NAME (sku $REGISTRY_SKU)"
  # The admin user gives IoT Edge a pull credential; step 4 reads it with az acr credential show, never printing it.
  az acr create --name "$REGISTRY_NAME" --resource-group "$RESOURCE_GROUP" --location "$LOCATION" \\
    --sku "$REGISTRY_SKU" --admin-enabled true --output none
  record_created registry "$REGISTRY_NAME"
fi
{{/if}}
{{#if existingRegistry}}
log "Using the existing registry $REGISTRY_ADDRESS (credentials come from the environment in steps 3 and 4)"
{{/if}}

{{#if azureml}}
az_extension ml
log "Looking up model $ML_MODEL_NAME version $ML_MODEL_VERSION in workspace $ML_WORKSPACE"
az ml model show --name "$ML_MODEL_NAME" --version "$ML_MODEL_VERSION" \\
  --workspace-name "$ML_WORKSPACE" --resource-group "$ML_RESOURCE_GROUP" --output none \\
  || die "model $ML_MODEL_NAME:$ML_MODEL_VERSION was not found in workspace $ML_WORKSPACE"
{{/if}}

if [[ -f "$CREATED_FILE" ]]; then
  log "Created by edgeml so far (step 6 deletes only these):"
  while IFS= read -r line; do note "$line"; done <"$CREATED_FILE"
fi
log "Step 1 done. Next: {{nextStep}}"
`;

interface Step1View {
  workflowComment: string;
  createResourceGroup: boolean;
  createHub: boolean;
  device: boolean;
  databoxEdge: boolean;
  createDevice: boolean;
  createRegistry: boolean;
  existingRegistry: boolean;
  azureml: boolean;
  fleetTags: boolean;
  nextStep: string;
}

const render = compileTemplate<Step1View>(STEP1);

export function renderStep1(ir: WorkflowIR): string {
  const deployment = ir.azure.deployment;
  return render({
    workflowComment: JSON.stringify(ir.name),
    createResourceGroup: ir.azure.createResourceGroup,
    createHub: ir.azure.iotHub.create,
    device: deployment.kind === 'device',
    databoxEdge: ir.target.device === 'databox-edge',
    createDevice: deployment.kind === 'device' && deployment.create,
    createRegistry: ir.azure.registry.kind === 'create',
    existingRegistry: ir.azure.registry.kind === 'existing',
    azureml: ir.model.source.kind === 'azureml',
    fleetTags: deployment.kind === 'fleet' && tagsForCondition(deployment.targetCondition) !== undefined,
    nextStep:
      ir.target.device === 'databox-edge'
        ? 'create the Ubuntu VM on the appliance (bash scripts/02-setup-device.sh --checklist), then run scripts/02-setup-device.sh in it, as root.'
        : 'run scripts/02-setup-device.sh on the device, as root.',
  });
}
