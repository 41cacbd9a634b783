#!/usr/bin/env bash
# Step 4 of 6: deploy workflow "ocr" to one device.
# Secrets are read from the environment and written only to a private temporary copy of the manifest.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_cmd jq
az_ready
az_extension azure-iot

manifest="$OUT_DIR/deployment.json"
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
jq '.' "$manifest" >"$filled"
for name in "${SECRET_NAMES[@]}"; do
  if grep -qF "\${$name}" "$filled"; then die "placeholder \${$name} was not filled"; fi
done

log "Applying the deployment to device $DEVICE_ID on $IOT_HUB"
az iot edge set-modules --hub-name "$IOT_HUB" --device-id "$DEVICE_ID" --content "$filled" --output none
log "Step 4 done. Next: scripts/05-test.sh"
