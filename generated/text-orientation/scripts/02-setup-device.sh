#!/usr/bin/env bash
# Step 2 of 6: set up the IoT Edge device for workflow "text-orientation". Run ON the device, as root:
#   sudo --preserve-env=EDGE_DEVICE_CONNECTION_STRING bash scripts/02-setup-device.sh   (or pipe the string on stdin)
# Copy scripts/02-setup-device.sh and scripts/lib.sh to the device together.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

EXPECTED_OS_IDS=('raspbian' 'debian')
EXPECTED_OS_VERSION='12'
EXPECTED_ARCH='arm64'
MICROSOFT_REPO='https://packages.microsoft.com/config/debian/12/packages-microsoft-prod.deb'
# The Docker Engine API version the IoT Edge $IOTEDGE_VERSION daemon calls; the engine must still accept it.
DAEMON_DOCKER_API='1.41'

# Tests point EDGEML_TEST_ROOT at a scratch folder: the host files this script reads and writes (under /etc and /usr)
# are then taken from below it, so a test never changes the machine it runs on. Leave it unset on a device.
HOST_ROOT="${EDGEML_TEST_ROOT:-}"
[[ -z "$HOST_ROOT" || ( "$HOST_ROOT" == /?* && -d "$HOST_ROOT" && ! -L "$HOST_ROOT" ) ]] \
  || die "EDGEML_TEST_ROOT is for tests only and must name an existing absolute folder; unset it on a device"
[[ $EUID -eq 0 ]] || die "run this as root on the device: sudo bash $0"
require_cmd apt-get dpkg curl

# shellcheck disable=SC1091  # the device's own file
. "$HOST_ROOT/etc/os-release"
os_ok=false
for id in "${EXPECTED_OS_IDS[@]}"; do [[ "${ID:-}" == "$id" ]] && os_ok=true; done
if [[ $os_ok != true || "${VERSION_ID:-}" != "$EXPECTED_OS_VERSION" ]]; then
  warn "this device runs ${PRETTY_NAME:-an unknown OS}; the spec targets raspberry-pi-os-12. Continuing with the raspberry-pi-os-12 repository."
fi
arch="$(dpkg --print-architecture)"
[[ "$arch" == "$EXPECTED_ARCH" ]] || die "this device is $arch but the spec targets $EXPECTED_ARCH (arm64v8)"

export DEBIAN_FRONTEND=noninteractive
if ! dpkg -s packages-microsoft-prod >/dev/null 2>&1; then
  log "Adding Microsoft's package repository ($MICROSOFT_REPO)"
  deb="$(mktemp --suffix=.deb)"
  trap 'rm -f "$deb"' EXIT
  curl -fsSL --proto '=https' --retry 3 --output "$deb" "$MICROSOFT_REPO"
  dpkg -i "$deb"
fi
apt-get update -q
# jq edits daemon.json.
apt-get install -y -q jq ca-certificates

server_api() {
  docker version --format "{{.Server.$1}}" 2>/dev/null
}
# api_at_most A B: true when Docker API version A <= B (both "major.minor").
api_at_most() {
  local a_major=${1%%.*} a_minor=${1#*.} b_major=${2%%.*} b_minor=${2#*.}
  ((a_major < b_major || (a_major == b_major && a_minor <= b_minor)))
}

if command -v docker >/dev/null 2>&1 && [[ -n "$(server_api Version)" ]]; then
  log "A container engine is installed: Docker $(server_api Version)"
else
  log "Installing moby-engine (Microsoft's build of the Docker engine)"
  apt-get install -y -q moby-engine moby-cli
fi
log "Configuring /etc/docker/daemon.json: log-driver local (rotating container logs)"
daemon_json_path="$HOST_ROOT/etc/docker/daemon.json"
mkdir -p "$HOST_ROOT/etc/docker"
daemon_json='{}'
if [[ -s "$daemon_json_path" ]]; then daemon_json="$(cat "$daemon_json_path")"; fi
jq '. + {"log-driver": "local"}' <<<"$daemon_json" >"$daemon_json_path.edgeml"
mv "$daemon_json_path.edgeml" "$daemon_json_path"

systemctl restart docker
wait_until 120 2 "the Docker engine" docker info --format '{{.ServerVersion}}' >/dev/null || die "the Docker engine did not start: journalctl -u docker"

# The daemon's API calls must be in the engine's accepted range (Docker 29.0-29.2 refuse everything below 1.44).
min_api="$(server_api MinAPIVersion || true)"
max_api="$(server_api APIVersion || true)"
if [[ "$min_api" =~ ^[0-9]+\.[0-9]+$ ]] && ! api_at_most "$min_api" "$DAEMON_DOCKER_API"; then
  die "Docker $(server_api Version) accepts only Engine API $min_api and newer, but IoT Edge $IOTEDGE_VERSION calls v$DAEMON_DOCKER_API, so it could not start any module. Docker 29.0-29.2 require 1.44: install moby-engine from packages.microsoft.com (apt-get install moby-engine moby-cli) or Docker 29.3 or later, whose minimum is 1.40."
fi
if [[ "$max_api" =~ ^[0-9]+\.[0-9]+$ ]] && ! api_at_most "$DAEMON_DOCKER_API" "$max_api"; then
  die "Docker $(server_api Version) speaks Engine API up to $max_api, older than the v$DAEMON_DOCKER_API IoT Edge $IOTEDGE_VERSION calls: install moby-engine from packages.microsoft.com."
fi
[[ -n "$min_api" ]] || warn "could not read the Docker engine's API range; IoT Edge $IOTEDGE_VERSION needs it to accept v$DAEMON_DOCKER_API"

log "Installing aziot-edge $IOTEDGE_VERSION.*"
apt-get install -y -q "aziot-edge=$IOTEDGE_VERSION.*"

connection_string="${EDGE_DEVICE_CONNECTION_STRING:-}"
if [[ -z "$connection_string" ]]; then
  if [[ -t 0 ]]; then
    read -r -s -p "Device connection string (input hidden): " connection_string
    echo
  else
    IFS= read -r connection_string || true
  fi
fi
[[ "$connection_string" == HostName=*\;DeviceId=*\;SharedAccessKey=* ]] \
  || die "EDGE_DEVICE_CONNECTION_STRING (or stdin) must be the device's connection string: HostName=...;DeviceId=...;SharedAccessKey=..."

log "Provisioning with the connection string (manual provisioning) and applying the configuration"
iotedge config mp --connection-string "$connection_string" --force >/dev/null
unset connection_string EDGE_DEVICE_CONNECTION_STRING
iotedge config apply

edge_agent_running() {
  iotedge list 2>/dev/null | awk '$1 == "edgeAgent" && $2 == "running" { found = 1 } END { exit !found }'
}
if ! wait_until 600 5 "edgeAgent to run" edge_agent_running; then
  iotedge system status || true
  die "edgeAgent is not running: see 'iotedge system logs -- -n 100'"
fi
iotedge system status
iotedge list

log "Running iotedge check (warnings are expected until a deployment arrives)"
iotedge check || warn "iotedge check reported problems; read them above"
log "Step 2 done. Next, on your workstation: scripts/03-build-push.sh"
