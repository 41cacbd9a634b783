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

TEARDOWN_ID="$FLEET_ID-teardown"
manifest="$OUT_DIR/deployment.fleet.json"

# True once the hub's system metrics show the deployment applied on every device it targets (refreshed every ~5 min).
applied_everywhere() {
  az iot edge deployment show --hub-name "$IOT_HUB" --deployment-id "$1" --output json     | jq -e '(.systemMetrics.results // {}) as $m | ($m.appliedCount // 0) >= ($m.targetedCount // 0)' >/dev/null
}

# Replaces the workflow's modules on every targeted device by the runtime alone: a deployment with this manifest's
# edgeAgent and edgeHub settings, no modules, no routes and no registry credentials, above the workflow's priority.
remove_fleet_modules() {
  local content priority
  require_cmd jq
  [[ -f "$manifest" ]] || die "$manifest is missing: run edgeml compile again"
  if ! az iot edge deployment show --hub-name "$IOT_HUB" --deployment-id "$TEARDOWN_ID" --output none 2>/dev/null; then
    content="$(mktemp)"
    jq '.content.modulesContent as $c | {modulesContent: {
      "$edgeAgent": {"properties.desired": ($c["$edgeAgent"]["properties.desired"] | .modules = {} | del(.runtime.settings.registryCredentials))},
      "$edgeHub": {"properties.desired": ($c["$edgeHub"]["properties.desired"] | .routes = {})}}}' "$manifest" >"$content"
    priority="$(az iot edge deployment list --hub-name "$IOT_HUB" --output json       | jq --arg prefix "$FLEET_ID-" --argjson own "$(jq '.priority' "$manifest")" '[$own] + [.[] | select(.id | startswith($prefix)) | .priority] | max + 1')"
    record_created deployment "$TEARDOWN_ID"
    log "Taking the modules off the targeted devices: deployment $TEARDOWN_ID (runtime only, priority $priority)"
    az iot edge deployment create --hub-name "$IOT_HUB" --deployment-id "$TEARDOWN_ID" --content "$content"       --target-condition "$FLEET_TARGET_CONDITION" --priority "$priority" --output none
    rm -f "$content"
  fi
  wait_until "${EDGEML_DEPLOY_TIMEOUT:-900}" 15 "deployment $TEARDOWN_ID to apply on every targeted device" applied_everywhere "$TEARDOWN_ID"     || die "$TEARDOWN_ID has not reached every targeted device yet; nothing else was deleted: run scripts/06-teardown.sh again later"
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

# The at-scale deployments step 4 created (one per content hash), first.
# (A while-read loop rather than mapfile: macOS still ships bash 3.2.)
recorded_deployments="$(sed -n 's/^deployment //p' "$CREATED_FILE" | grep -vxF -- "$TEARDOWN_ID" || true)"
if [[ -n "$recorded_deployments" ]]; then remove_fleet_modules; fi
while IFS= read -r deployment_id; do
  [[ -n "$deployment_id" ]] || continue
  log "Deleting deployment $deployment_id"
  az iot edge deployment delete --hub-name "$IOT_HUB" --deployment-id "$deployment_id" --output none || warn "deployment $deployment_id could not be deleted (already gone?)"
  forget_created deployment "$deployment_id"
done <<<"$recorded_deployments"
# Last, the runtime-only deployment: devices that match no deployment keep what they run (the runtime alone).
if was_created deployment "$TEARDOWN_ID"; then
  log "Deleting deployment $TEARDOWN_ID"
  az iot edge deployment delete --hub-name "$IOT_HUB" --deployment-id "$TEARDOWN_ID" --output none || warn "deployment $TEARDOWN_ID could not be deleted (already gone?)"
  forget_created deployment "$TEARDOWN_ID"
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
