#!/usr/bin/env bash
# Step 5 of 6: check that workflow "ocr" is running, then score the sample image on the device.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_cmd jq curl
az_ready
az_extension azure-iot

device="$DEVICE_ID"
# <module> <desired status>
EXPECTED_MODULES=(
  'ocr' running
  'scanner' running
)

twin=''
last_problem='no answer from IoT Hub yet'
converged() {
  # shellcheck disable=SC2016  # $edgeAgent is the module's literal name
  twin="$(az iot hub module-twin show --hub-name "$IOT_HUB" --device-id "$device" --module-id '$edgeAgent' --output json 2>/dev/null)" || return 1
  local code
  code="$(jq -r '.properties.reported.lastDesiredStatus.code // "none"' <<<"$twin")"
  if [[ "$code" != 200 ]]; then
    last_problem="edgeAgent reports lastDesiredStatus $code: $(jq -r '.properties.reported.lastDesiredStatus.description // ""' <<<"$twin")"
    return 1
  fi
  if [[ "$(jq -r '.properties.desired["$version"] == .properties.reported.lastDesiredVersion' <<<"$twin")" != true ]]; then
    last_problem='edgeAgent has not processed the latest deployment yet'
    return 1
  fi
  if [[ "$(jq -r '.properties.reported.systemModules.edgeHub.runtimeStatus // "absent"' <<<"$twin")" != running ]]; then
    last_problem='edgeHub is not running'
    return 1
  fi
  local i status
  for ((i = 0; i < ${#EXPECTED_MODULES[@]}; i += 2)); do
    status="$(jq -r --arg m "${EXPECTED_MODULES[i]}" '.properties.reported.modules[$m].runtimeStatus // "absent"' <<<"$twin")"
    if [[ "$status" != "${EXPECTED_MODULES[i + 1]}" ]]; then
      last_problem="module ${EXPECTED_MODULES[i]} is $status (want ${EXPECTED_MODULES[i + 1]})"
      return 1
    fi
  done
}

report() {
  [[ -n "$twin" ]] || return 0
  log "Module status on $device:"
  jq -r '.properties.reported as $r | (($r.systemModules // {}) + ($r.modules // {})) | to_entries[]
    | "    \(.key)\t\(.value.runtimeStatus // "?")\t\(.value.settings.image // "")"' <<<"$twin"
}

if ! wait_until "${EDGEML_TEST_TIMEOUT:-900}" 15 "the deployment to converge on $device" converged; then
  report
  die "not converged: $last_problem"
fi
report
log "The deployment is running on $device"

note 'No scoring module maps its port to the host, so the HTTP test is skipped.'
log "Step 5 done."
