#!/usr/bin/env bash
# Step 1 of 6: create the Azure resources of workflow "text-orientation".
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

log "Fleet deployment: no device identities are created here"
note "Devices receive this deployment when their twin matches the target condition:"
note "  $FLEET_TARGET_CONDITION"
note "Create each device with --edge-enabled and give it the twin tags that condition reads:"
note "  az iot hub device-identity create --hub-name $IOT_HUB --device-id <device> --edge-enabled"
note "  az iot hub device-twin update --hub-name $IOT_HUB --device-id <device> --tags '$FLEET_DEVICE_TAGS'"

if [[ -f "$CREATED_FILE" ]]; then
  log "Created by edgeml so far (step 6 deletes only these):"
  while IFS= read -r line; do note "$line"; done <"$CREATED_FILE"
fi
log "Step 1 done. Next: run scripts/02-setup-device.sh on the device, as root."
