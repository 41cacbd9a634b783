#!/usr/bin/env bash
# Step 1 of 6: create the Azure resources of workflow "wf4-databox-edge".
# Safe to re-run: existing resources are left as they are and only what this script creates is recorded for step 6.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

az_ready
az_extension azure-iot

if az group show --name "$RESOURCE_GROUP" --output none 2>/dev/null; then
  log "Resource group $RESOURCE_GROUP exists"
else
  log "Creating resource group $RESOURCE_GROUP in $LOCATION"
  az group create --name "$RESOURCE_GROUP" --location "$LOCATION" --output none
  record_created resource-group "$RESOURCE_GROUP"
fi

hub_active() {
  [[ "$(az iot hub show --name "$IOT_HUB" --resource-group "$RESOURCE_GROUP" --query properties.state --output tsv 2>/dev/null)" == Active ]]
}

if az iot hub show --name "$IOT_HUB" --resource-group "$RESOURCE_GROUP" --output none 2>/dev/null; then
  log "IoT Hub $IOT_HUB exists"
else
  log "Creating IoT Hub $IOT_HUB (sku $IOT_HUB_SKU, $IOT_HUB_UNITS unit(s)) in $LOCATION; this takes a few minutes"
  az iot hub create --name "$IOT_HUB" --resource-group "$RESOURCE_GROUP" --location "$LOCATION" \
    --sku "$IOT_HUB_SKU" --unit "$IOT_HUB_UNITS" --output none
  record_created iot-hub "$IOT_HUB"
fi
wait_until 900 10 "IoT Hub $IOT_HUB to become active" hub_active || die "IoT Hub $IOT_HUB is not active"

if az iot hub device-identity show --hub-name "$IOT_HUB" --device-id "$DEVICE_ID" --output none 2>/dev/null; then
  log "Edge device $DEVICE_ID exists"
else
  log "Creating edge device identity $DEVICE_ID"
  az iot hub device-identity create --hub-name "$IOT_HUB" --device-id "$DEVICE_ID" --edge-enabled --output none
  record_created device "$DEVICE_ID"
fi
note "Azure Stack Edge: the device is an Ubuntu VM on the appliance; 'bash scripts/02-setup-device.sh --checklist' says how to create it."
note "Step 2 runs on the device and needs its connection string. Without printing it here, pipe it over, e.g.:"
note "  az iot hub device-identity connection-string show --hub-name $IOT_HUB --device-id $DEVICE_ID --query connectionString -o tsv \\"
note "    | ssh <device> 'sudo bash ./scripts/02-setup-device.sh'"

if az acr show --name "$REGISTRY_NAME" --resource-group "$RESOURCE_GROUP" --output none 2>/dev/null; then
  log "Container registry $REGISTRY_NAME exists"
else
  log "Creating container registry $REGISTRY_NAME (sku $REGISTRY_SKU)"
  # The admin user gives IoT Edge a pull credential; step 4 reads it with az acr credential show, never printing it.
  az acr create --name "$REGISTRY_NAME" --resource-group "$RESOURCE_GROUP" --location "$LOCATION" \
    --sku "$REGISTRY_SKU" --admin-enabled true --output none
  record_created registry "$REGISTRY_NAME"
fi

if [[ -f "$CREATED_FILE" ]]; then
  log "Created by edgeml so far (step 6 deletes only these):"
  while IFS= read -r line; do note "$line"; done <"$CREATED_FILE"
fi
log "Step 1 done. Next: create the Ubuntu VM on the appliance (bash scripts/02-setup-device.sh --checklist), then run scripts/02-setup-device.sh in it, as root."
