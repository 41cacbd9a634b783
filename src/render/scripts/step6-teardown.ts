// scripts/06-teardown.sh (render stage, scripts): deletes only what steps 1 and 4 recorded in scripts/.edgeml-created
// (at-scale deployments, device identity, registry, IoT Hub, resource group), after asking unless --yes, and prints
// how to clean the device.
// On a device step 1 did not create (an existing one) it takes off the modules step 4 deployed, as `edgeml destroy`
// does: only while the device still runs exactly those, and keeping edgeAgent and edgeHub. For a fleet, deleting a
// deployment leaves its modules running on the devices (Learn, module-deployment-monitoring "Rollback"), so a
// deployment with the runtime only (`<id>-teardown`, above the workflow's) first takes them off every targeted device,
// then the workflow's deployments and finally that one are deleted. Every stage is recorded, so a re-run resumes.
import type { WorkflowIR } from '../../ir/types.js';
import { compileTemplate } from '../docker/template.js';
import { FLEET_MANIFEST_FILE } from '../manifest/index.js';
import { quoteChecked } from '../shell.js';

const STEP6 = `#!/usr/bin/env bash
# Step 6 of 6: delete what step 1 created for workflow {{workflowComment}}, and nothing else.
# Usage: scripts/06-teardown.sh [--yes]
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"

for arg in "$@"; do
  case "$arg" in
    --yes | -y) EDGEML_ASSUME_YES=1 ;;
    *) die "unknown argument: $arg (use --yes to delete without asking)" ;;
  esac
done

device_cleanup() {
{{#if databox}}
  log "On Azure Stack Edge the device is the Ubuntu VM step 2 set up: delete that VM on the appliance, or, in it, as root:"
{{else}}
  log "On the device (if step 2 set it up), as root:"
{{/if}}
  note "iotedge system stop"
  note "docker rm -f edgeAgent edgeHub {{moduleNames}}"
  note "apt-get remove --purge -y aziot-edge aziot-identity-service"
  note "(moby-engine and the NVIDIA toolkit stay installed; remove them with apt-get if nothing else needs them)"
}
{{#if device}}

# The modules step 4 deploys, in the order jq lists keys.
DEPLOYED_MODULES="{{sortedModuleNames}}"

# Replaces the device's deployment by its own edgeAgent and edgeHub settings with no modules, no routes and no
# registry credentials, if it still runs exactly DEPLOYED_MODULES (a deployment someone changed is left alone).
remove_deployed_modules() {
  local agent hub live content
  require_cmd jq
  if ! agent="$(az iot hub module-twin show --hub-name "$IOT_HUB" --device-id "$DEVICE_ID" --module-id "\\$edgeAgent" --query properties.desired --output json 2>/dev/null)"; then
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
  hub="$(az iot hub module-twin show --hub-name "$IOT_HUB" --device-id "$DEVICE_ID" --module-id "\\$edgeHub" --query properties.desired --output json)"
  content="$(mktemp)"
  jq -n --argjson agent "$agent" --argjson hub "$hub" '{modulesContent: {
    "$edgeAgent": {"properties.desired": {schemaVersion: $agent.schemaVersion, runtime: ($agent.runtime | del(.settings.registryCredentials)), systemModules: $agent.systemModules, modules: {}}},
    "$edgeHub": {"properties.desired": (($hub | with_entries(select(.key | startswith("$") | not))) + {routes: {}})}}}' >"$content"
  log "Taking $DEPLOYED_MODULES off device $DEVICE_ID (edgeAgent and edgeHub stay)"
  az iot edge set-modules --hub-name "$IOT_HUB" --device-id "$DEVICE_ID" --content "$content" --output none
  rm -f "$content"
}
{{/if}}
{{#if systemOnlyFleet}}

TEARDOWN_ID="$FLEET_ID-teardown"
manifest="$OUT_DIR/{{fleetManifest}}"

# True once the hub's system metrics show the deployment applied on every device it targets (refreshed every ~5 min).
applied_everywhere() {
  az iot edge deployment show --hub-name "$IOT_HUB" --deployment-id "$1" --output json \
    | jq -e '(.systemMetrics.results // {}) as $m | ($m.appliedCount // 0) >= ($m.targetedCount // 0)' >/dev/null
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
    priority="$(az iot edge deployment list --hub-name "$IOT_HUB" --output json \
      | jq --arg prefix "$FLEET_ID-" --argjson own "$(jq '.priority' "$manifest")" '[$own] + [.[] | select(.id | startswith($prefix)) | .priority] | max + 1')"
    record_created deployment "$TEARDOWN_ID"
    log "Taking the modules off the targeted devices: deployment $TEARDOWN_ID (runtime only, priority $priority)"
    az iot edge deployment create --hub-name "$IOT_HUB" --deployment-id "$TEARDOWN_ID" --content "$content" \
      --target-condition "$FLEET_TARGET_CONDITION" --priority "$priority" --output none
    rm -f "$content"
  fi
  wait_until "\${EDGEML_DEPLOY_TIMEOUT:-900}" 15 "deployment $TEARDOWN_ID to apply on every targeted device" applied_everywhere "$TEARDOWN_ID" \
    || die "$TEARDOWN_ID has not reached every targeted device yet; nothing else was deleted: run scripts/06-teardown.sh again later"
}
{{/if}}

if [[ ! -s "$CREATED_FILE" ]]; then
  log "scripts/.edgeml-created lists nothing: steps 1 and 4 created no Azure resources, so none are deleted."
{{#if device}}
  if confirm "Take the modules step 4 deployed off device $DEVICE_ID?"; then
    az_ready
    az_extension azure-iot
    remove_deployed_modules
  fi
{{/if}}
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
{{#if systemOnlyFleet}}
recorded_deployments="$(sed -n 's/^deployment //p' "$CREATED_FILE" | grep -vxF -- "$TEARDOWN_ID" || true)"
if [[ -n "$recorded_deployments" ]]; then remove_fleet_modules; fi
{{else}}
{{#if fleet}}
# Layered deployments: once a layer is gone, each device's modules are recomputed from its base deployment.
{{/if}}
recorded_deployments="$(sed -n 's/^deployment //p' "$CREATED_FILE")"
{{/if}}
while IFS= read -r deployment_id; do
  [[ -n "$deployment_id" ]] || continue
  log "Deleting deployment $deployment_id"
  az iot edge deployment delete --hub-name "$IOT_HUB" --deployment-id "$deployment_id" --output none || warn "deployment $deployment_id could not be deleted (already gone?)"
  forget_created deployment "$deployment_id"
done <<<"$recorded_deployments"
{{#if systemOnlyFleet}}
# Last, the runtime-only deployment: devices that match no deployment keep what they run (the runtime alone).
if was_created deployment "$TEARDOWN_ID"; then
  log "Deleting deployment $TEARDOWN_ID"
  az iot edge deployment delete --hub-name "$IOT_HUB" --deployment-id "$TEARDOWN_ID" --output none || warn "deployment $TEARDOWN_ID could not be deleted (already gone?)"
  forget_created deployment "$TEARDOWN_ID"
fi
{{/if}}

{{#if device}}
if was_created device "$DEVICE_ID"; then
  log "Deleting device identity $DEVICE_ID"
  az iot hub device-identity delete --hub-name "$IOT_HUB" --device-id "$DEVICE_ID" --output none
  forget_created device "$DEVICE_ID"
else
  remove_deployed_modules
fi
{{/if}}
{{#if registry}}
if was_created registry "$REGISTRY_NAME"; then
  log "Deleting container registry $REGISTRY_NAME"
  az acr delete --name "$REGISTRY_NAME" --resource-group "$RESOURCE_GROUP" --yes --output none
  forget_created registry "$REGISTRY_NAME"
fi
{{/if}}
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
`;

interface Step6View {
  workflowComment: string;
  device: boolean;
  fleet: boolean;
  systemOnlyFleet: boolean;
  fleetManifest: string;
  databox: boolean;
  registry: boolean;
  moduleNames: string;
  sortedModuleNames: string;
}

const render = compileTemplate<Step6View>(STEP6);

export function renderStep6(ir: WorkflowIR): string {
  return render({
    workflowComment: JSON.stringify(ir.name),
    device: ir.azure.deployment.kind === 'device',
    fleet: ir.azure.deployment.kind === 'fleet',
    systemOnlyFleet: ir.azure.deployment.kind === 'fleet' && !ir.azure.deployment.layered,
    fleetManifest: FLEET_MANIFEST_FILE,
    registry: ir.azure.registry.kind === 'create',
    moduleNames: checkedNames(ir).join(' '),
    // Code-unit order, as jq's keys and LC_ALL=C sort produce.
    sortedModuleNames: checkedNames(ir)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .join(' '),
    databox: ir.target.device === 'databox-edge',
  });
}

/** Module names for double-quoted script text: checked against SAFE_PATTERNS.moduleName, which has no quotes or $. */
function checkedNames(ir: WorkflowIR): string[] {
  return ir.modules.map((m) => (quoteChecked('moduleName', m.name, `the name of module '${m.name}'`), m.name));
}
