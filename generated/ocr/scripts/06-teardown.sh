#!/usr/bin/env bash
# Step 6 of 6: delete what step 1 created for workflow "ocr", and nothing else.
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
  note "docker rm -f edgeAgent edgeHub ocr scanner"
  note "apt-get remove --purge -y aziot-edge aziot-identity-service"
  note "(moby-engine and the NVIDIA toolkit stay installed; remove them with apt-get if nothing else needs them)"
}

# The modules step 4 deploys, in the order jq lists keys.
DEPLOYED_MODULES="ocr scanner"

# Replaces the device's deployment by its own edgeAgent and edgeHub settings with no modules, no routes and no
# registry credentials, if it still runs exactly DEPLOYED_MODULES (a deployment someone changed is left alone).
remove_deployed_modules() {
  local agent hub live content
  require_cmd jq
  if ! agent="$(az iot hub module-twin show --hub-name "$IOT_HUB" --device-id "$DEVICE_ID" --module-id "\$edgeAgent" --query properties.desired --output json 2>/dev/null)"; then
    log "Device $DEVICE_ID has no deployment: no modules to take off."
    return 0
  fi
  live="$(jq -r '(.modules // {}) | keys | join(" ")' <<<"$agent")"
  if [[ -z "$live" ]]; then
    log "Device $DEVICE_ID runs no modules besides edgeAgent and edgeHub."
    return 0
  fi
  if [[ "$live" != "$DEPLOYED_MODULES" ]]; then
    warn "the deployment on $DEVICE_ID changed since step 4 (it runs: $live); its modules are left in place"
    return 0
  fi
  hub="$(az iot hub module-twin show --hub-name "$IOT_HUB" --device-id "$DEVICE_ID" --module-id "\$edgeHub" --query properties.desired --output json)"
  content="$(mktemp)"
  jq -n --argjson agent "$agent" --argjson hub "$hub" '{modulesContent: {
    "$edgeAgent": {"properties.desired": {schemaVersion: $agent.schemaVersion, runtime: ($agent.runtime | del(.settings.registryCredentials)), systemModules: $agent.systemModules, modules: {}}},
    "$edgeHub": {"properties.desired": (($hub | with_entries(select(.key | startswith("$") | not))) + {routes: {}})}}}' >"$content"
  log "Taking $DEPLOYED_MODULES off device $DEVICE_ID (edgeAgent and edgeHub stay)"
  az iot edge set-modules --hub-name "$IOT_HUB" --device-id "$DEVICE_ID" --content "$content" --output none
  rm -f "$content"
}

if [[ ! -s "$CREATED_FILE" ]]; then
  log "scripts/.edgeml-created lists nothing: steps 1 and 4 created no Azure resources, so none are deleted."
  if confirm "Take the modules step 4 deployed off device $DEVICE_ID?"; then
    az_ready
    az_extension azure-iot
    remove_deployed_modules
  fi
  device_cleanup
  exit 0
fi

log "Steps 1 and 4 created these Azure resources:"
while IFS= read -r line; do note "$line"; done <"$CREATED_FILE"
confirm "Delete them?" || die "cancelled; nothing was deleted"

az_ready
az_extension azure-iot

# The at-scale deployments step 4 created (one per content hash), first.
# (A while-read loop rather than mapfile: macOS still ships bash 3.2.)
recorded_deployments="$(sed -n 's/^deployment //p' "$CREATED_FILE")"
while IFS= read -r deployment_id; do
  [[ -n "$deployment_id" ]] || continue
  log "Deleting deployment $deployment_id"
  az iot edge deployment delete --hub-name "$IOT_HUB" --deployment-id "$deployment_id" --output none || warn "deployment $deployment_id could not be deleted (already gone?)"
  forget_created deployment "$deployment_id"
done <<<"$recorded_deployments"

if was_created device "$DEVICE_ID"; then
  log "Deleting device identity $DEVICE_ID"
  az iot hub device-identity delete --hub-name "$IOT_HUB" --device-id "$DEVICE_ID" --output none
  forget_created device "$DEVICE_ID"
else
  remove_deployed_modules
fi
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
