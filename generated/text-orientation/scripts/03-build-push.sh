#!/usr/bin/env bash
# Step 3 of 6: build and push the module images of workflow "text-orientation".
# Builds for linux/arm64; on another architecture Docker needs QEMU (docker run --privileged --rm tonistiigi/binfmt --install all).
# Set EDGEML_SKIP_PUSH=1 to build only.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_cmd docker
push=true
[[ "${EDGEML_SKIP_PUSH:-}" == 1 ]] && push=false

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

build_and_push 'orientation' 'linux/arm64' 'Dockerfile.arm64v8' 'localhost:5000/text-orientation/orientation:1.0-85f37b66e240-arm64v8'
build_and_push 'scanner' 'linux/arm64' 'Dockerfile.arm64v8' 'localhost:5000/text-orientation/scanner:1.0-08b168bded39-arm64v8'
log "Step 3 done. Next: scripts/04-deploy.sh"
