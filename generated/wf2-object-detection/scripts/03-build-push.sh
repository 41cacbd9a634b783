#!/usr/bin/env bash
# Step 3 of 6: build and push the module images of workflow "wf2-object-detection".
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

# The model is registered in Azure ML: download it into each scoring build context.
fetch_model() {
  local target="$OUT_DIR/modules/$1/model/model.onnx"
  if [[ -s "$target" ]]; then
    log "Model for $1 is present (delete $target to download again)"
    return
  fi
  az_ready
  az_extension ml
  local tmp found
  tmp="$(mktemp -d)"
  log "Downloading model $ML_MODEL_NAME:$ML_MODEL_VERSION from workspace $ML_WORKSPACE"
  az ml model download --name "$ML_MODEL_NAME" --version "$ML_MODEL_VERSION" --workspace-name "$ML_WORKSPACE" \
    --resource-group "$ML_RESOURCE_GROUP" --download-path "$tmp" --only-show-errors
  found="$(find "$tmp" -type f -name "${ML_MODEL_FILE##*/}" -print -quit)"
  [[ -n "$found" ]] || { rm -rf "$tmp"; die "the downloaded model has no file named $ML_MODEL_FILE"; }
  install -m 644 "$found" "$target"
  rm -rf "$tmp"
}

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

fetch_model 'people-detection-service'
build_and_push 'people-detection-service' 'linux/amd64' 'Dockerfile.amd64-cuda' 'edgemlwf2registry.azurecr.io/wf2-object-detection/people-detection-service:1.0-b0615f1e7da9-amd64-cuda'
log "Step 3 done. Next: scripts/04-deploy.sh"
