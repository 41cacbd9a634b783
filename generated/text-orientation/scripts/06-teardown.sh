#!/usr/bin/env bash
# Step 6 of 6: delete what step 1 created for workflow "text-orientation", and nothing else.
# Usage: scripts/06-teardown.sh [--yes]
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for arg in "$@"; do
  case "$arg" in
    --yes | -y) EDGEML_ASSUME_YES=1 ;;
    *) die "unknown argument: $arg (use --yes to delete without asking)" ;;
  esac
done

device_cleanup() {
  log "On the device (if step 2 set it up), as root:"
  note "iotedge system stop"
  note "docker rm -f edgeAgent edgeHub orientation scanner"
  note "apt-get remove --purge -y aziot-edge aziot-identity-service"
  note "(moby-engine and the NVIDIA toolkit stay installed; remove them with apt-get if nothing else needs them)"
}

if [[ ! -s "$CREATED_FILE" ]]; then
  log "scripts/.edgeml-created lists nothing: steps 1 and 4 created no Azure resources, so none are deleted."
  device_cleanup
  exit 0
fi

log "Steps 1 and 4 created these Azure resources:"
while IFS= read -r line; do note "$line"; done <"$CREATED_FILE"
confirm "Delete them?" || die "cancelled; nothing was deleted"

az_ready
az_extension azure-iot

# The at-scale deployments step 4 created (one per content hash), first: devices then fall back to any other.
# (A while-read loop rather than mapfile: macOS still ships bash 3.2.)
recorded_deployments="$(sed -n 's/^deployment //p' "$CREATED_FILE")"
while IFS= read -r deployment_id; do
  [[ -n "$deployment_id" ]] || continue
  log "Deleting deployment $deployment_id"
  az iot edge deployment delete --hub-name "$IOT_HUB" --deployment-id "$deployment_id" --output none || warn "deployment $deployment_id could not be deleted (already gone?)"
  forget_created deployment "$deployment_id"
done <<<"$recorded_deployments"

if was_created iot-hub "$IOT_HUB"; then
  log "Deleting IoT Hub $IOT_HUB"
  az iot hub delete --name "$IOT_HUB" --resource-group "$RESOURCE_GROUP" --output none
  forget_created iot-hub "$IOT_HUB"
fi
if was_created resource-group "$RESOURCE_GROUP"; then
  log "Deleting resource group $RESOURCE_GROUP and anything left in it"
  az group delete --name "$RESOURCE_GROUP" --yes --output none
  forget_created resource-group "$RESOURCE_GROUP"
fi

if [[ -s "$CREATED_FILE" ]]; then
  warn "some recorded resources were not deleted (they are not part of this workflow any more):"
  while IFS= read -r line; do note "$line"; done <"$CREATED_FILE"
fi
device_cleanup
log "Step 6 done."
