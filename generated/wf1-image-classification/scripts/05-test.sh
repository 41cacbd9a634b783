#!/usr/bin/env bash
# Step 5 of 6: check that workflow "wf1-image-classification" is running, then score the sample image on the device.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_cmd jq curl
az_ready
az_extension azure-iot

device="$DEVICE_ID"
# <module> <desired status>
EXPECTED_MODULES=(
  'image-classification-service' running
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

host="${EDGE_DEVICE_HOST:-localhost}"
base="http://$host:"5001
sample="$SCRIPTS_DIR/"'samples/animal.jpg'
health() { curl -fsS --max-time 5 --output /dev/null "$base/healthz"; }
wait_until 300 5 "the scoring module to load its model ($base/healthz)" health || die "the scoring module at $base is not ready"

log "Scoring $sample at $base"'/score'
answer="$(curl -fsS --max-time 120 -H 'Content-Type: application/octet-stream' --data-binary "@$sample" "$base"'/score')"
# Both APIs normalised to [{label, score}], best first.
predictions="$(jq -c '[.[0].image[]? | {label: (.[1] | tostring), score: .[2]}] | sort_by(-.score)' <<<"$answer")"
count="$(jq 'length' <<<"$predictions")"
top_label="$(jq -r '.[0].label // ""' <<<"$predictions")"
top_score="$(jq -r '.[0].score // 0' <<<"$predictions")"
log "$count prediction(s); best: ${top_label:-none} ($top_score)"
failures=0
((failures == 0)) || die "the sample's answer did not meet model.expect"
log "Step 5 done."
