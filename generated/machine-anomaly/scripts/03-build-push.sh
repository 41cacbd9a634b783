#!/usr/bin/env bash
# Step 3 of 6: build and push the module images of workflow "machine-anomaly".
# Builds for linux/amd64; on another architecture Docker needs QEMU (docker run --privileged --rm tonistiigi/binfmt --install all).
# Set EDGEML_SKIP_PUSH=1 to build only.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_cmd docker
push=true
[[ "${EDGEML_SKIP_PUSH:-}" == 1 ]] && push=false

if $push; then
  az_ready
  log "Signing in to registry $REGISTRY_NAME"
  az acr login --name "$REGISTRY_NAME"
fi

# build_and_push <module> <docker platform> <Dockerfile> <image>: builds from the generated context modules/<module>/.
build_and_push() {
  local context="$OUT_DIR/modules/$1"
  log "Building $4 ($2) from modules/$1/$3"
  docker build --platform "$2" --file "$context/$3" --tag "$4" "$context"
  push_image "$4"
}

push_image() {
  if $push; then
    log "Pushing $1"
    docker push "$1"
  else
    note "not pushing $1 (EDGEML_SKIP_PUSH=1)"
  fi
}

build_and_push 'detector' 'linux/amd64' 'Dockerfile.amd64' 'machineanomalyacr.azurecr.io/machine-anomaly/detector:1.0-59afe2f6d856-amd64'
note 'module sensor uses the prebuilt image mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5: nothing to build'
note 'module store uses the prebuilt image contoso/result-store:1.0: nothing to build'
log "Step 3 done. Next: scripts/04-deploy.sh"
