#!/usr/bin/env bash
# Step 4 of 6: deploy workflow "text-orientation" to a fleet of devices.
# Secrets are read from the environment and written only to a private temporary copy of the manifest.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_cmd jq
az_ready
az_extension azure-iot

manifest="$OUT_DIR/deployment.fleet.json"
[[ -f "$manifest" ]] || die "$manifest is missing: run edgeml compile again"

# The only ${NAME} placeholders this manifest may contain.
SECRET_NAMES=()

missing=()
for name in "${SECRET_NAMES[@]}"; do
  [[ -n "${!name:-}" ]] || missing+=("$name")
done
((${#missing[@]} == 0)) || die "set these environment variables first: ${missing[*]}"
# jq reads the values from its environment. (A bare `export` would list every variable, so never call it empty.)
if ((${#SECRET_NAMES[@]} > 0)); then export "${SECRET_NAMES[@]}"; fi

filled="$(mktemp)"
chmod 600 "$filled"
trap 'rm -f "$filled"' EXIT
# jq reads each value from its environment ($ENV), so no secret appears on a command line, and writes it JSON-escaped.
jq '. | .content' "$manifest" >"$filled"
for name in "${SECRET_NAMES[@]}"; do
  if grep -qF "\${$name}" "$filled"; then die "placeholder \${$name} was not filled"; fi
done

deployment_id="$(jq -r '.id' "$manifest")"
[[ "$deployment_id" =~ ^[a-z0-9-]+$ ]] || die "deployment id '$deployment_id' in $manifest is not valid"
if az iot edge deployment show --hub-name "$IOT_HUB" --deployment-id "$deployment_id" --output none 2>/dev/null; then
  log "Deployment $deployment_id already exists: its content is unchanged (the id is a hash of the content)"
else
  metrics="$(mktemp)"
  trap 'rm -f "$filled" "$metrics"' EXIT
  jq '.metrics' "$manifest" >"$metrics"
  log "Creating deployment $deployment_id on $IOT_HUB for: $(jq -r '.targetCondition' "$manifest")"
  az iot edge deployment create --hub-name "$IOT_HUB" --deployment-id "$deployment_id" --content "$filled" \
    --target-condition "$(jq -r '.targetCondition' "$manifest")" --priority "$(jq -r '.priority' "$manifest")" \
    --labels "$(jq -c '.labels' "$manifest")" --metrics "$metrics" --output none
  # Step 6 deletes the deployments recorded here.
  record_created deployment "$deployment_id"
fi

# This workflow's deployments on the hub: "$FLEET_ID-" and 12 hex digits of a content hash, one per content.
own_deployments() {
  az iot edge deployment list --hub-name "$IOT_HUB" --output json     | jq -r --arg prefix "$FLEET_ID-" '.[] | .id | select(startswith($prefix) and (ltrimstr($prefix) | test("^[0-9a-f]{12}$")))'
}
# True once the hub's system metrics show the deployment applied on every device it targets (refreshed every ~5 min).
applied_everywhere() {
  az iot edge deployment show --hub-name "$IOT_HUB" --deployment-id "$1" --output json     | jq -e '(.systemMetrics.results // {}) as $m | ($m.appliedCount // 0) >= ($m.targetedCount // 0)' >/dev/null
}
superseded="$(own_deployments | grep -vxF -- "$deployment_id" || true)"
if [[ -n "$superseded" ]]; then
  # Only after the new deployment reached every targeted device, so no device is left without one.
  if wait_until "${EDGEML_DEPLOY_TIMEOUT:-900}" 15 "deployment $deployment_id to apply on every targeted device" applied_everywhere "$deployment_id"; then
    while IFS= read -r old; do
      [[ -n "$old" ]] || continue
      log "Deleting superseded deployment $old"
      az iot edge deployment delete --hub-name "$IOT_HUB" --deployment-id "$old" --output none
      forget_created deployment "$old"
    done <<<"$superseded"
  else
    warn "the superseded deployments stay until $deployment_id is applied everywhere: run scripts/04-deploy.sh again later"
  fi
fi
log "Step 4 done. Next: scripts/05-test.sh"
