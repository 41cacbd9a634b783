// scripts/02-setup-device.sh (render stage, scripts): runs ON the device as root: Microsoft's repository, a Docker
// engine IoT Edge 1.5/1.6 can use, log rotation, the NVIDIA runtime for GPUs, aziot-edge pinned to the minor, provisioning
// from a connection string and polling until edgeAgent runs. Data Box Edge: prints the portal checklist instead.
import type { WorkflowIR } from '../../ir/types.js';
import { compileTemplate } from '../docker/template.js';

/** Operating systems the script can set up: how /etc/os-release names them and Microsoft's repository path. */
export const DEVICE_OS: Readonly<Record<string, { ids: string[]; versionId: string; repo: string }>> = {
  'ubuntu-22.04': { ids: ['ubuntu'], versionId: '22.04', repo: 'ubuntu/22.04' },
  'ubuntu-24.04': { ids: ['ubuntu'], versionId: '24.04', repo: 'ubuntu/24.04' },
  // Raspberry Pi OS (32-bit) calls itself raspbian; its packages come from Debian's repository.
  'debian-12': { ids: ['debian', 'raspbian'], versionId: '12', repo: 'debian/12' },
  'debian-11': { ids: ['debian', 'raspbian'], versionId: '11', repo: 'debian/11' },
  // Raspberry Pi OS 12 (bookworm): 32-bit reports ID=raspbian, 64-bit ID=debian; both use Debian 12's packages.
  'raspberry-pi-os-12': { ids: ['raspbian', 'debian'], versionId: '12', repo: 'debian/12' },
};

/** dpkg architecture per platform. */
const DPKG_ARCH = { amd64: 'amd64', arm64v8: 'arm64', arm32v7: 'armhf' } as const;

/**
 * The IoT Edge 1.5 daemon calls the Docker API at v1.34; Docker 29 and later refuse that (iotedge-facts §5.1, §9.5).
 * 1.6 speaks v1.41, which current engines accept.
 */
const MAX_DOCKER_MAJOR: Readonly<Record<string, number>> = { '1.5': 28, '1.6': 99 };

const STEP2 = `#!/usr/bin/env bash
{{#if databoxEdge}}
# Step 2 of 6: the Data Box Edge checklist for workflow {{workflowComment}}. Changes nothing; run it anywhere.
{{else}}
# Step 2 of 6: set up the IoT Edge device for workflow {{workflowComment}}. Run ON the device, as root:
#   sudo --preserve-env=EDGE_DEVICE_CONNECTION_STRING bash scripts/02-setup-device.sh   (or pipe the string on stdin)
# Copy scripts/02-setup-device.sh and scripts/lib.sh to the device together.
{{/if}}
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"

{{#if databoxEdge}}
log "Data Box Edge: IoT Edge runs on the appliance's compute role, so there is nothing to install here."
log "In the Azure portal and the device's local web UI:"
note "1. Create the Data Box Edge / Azure Stack Edge resource, order the device and note its activation key."
note "2. Install, cable and activate the device in its local web UI with that key."
note "3. In the resource: Overview > IoT Edge (Configure compute) > Add. Enter:"
note "     IoT Hub:      $IOT_HUB (resource group $RESOURCE_GROUP)"
{{#if device}}
note "     IoT Edge device: $DEVICE_ID"
{{/if}}
note "   Skip the share steps: this workflow bundles its media into the images."
note "4. Local web UI > Compute > enable a network interface for compute and note the compute IP it gets."
note "5. Registry the device pulls from: $REGISTRY_ADDRESS"
note "6. Use the compute IP as EDGE_DEVICE_HOST for scripts/05-test.sh."
log "Then run scripts/03-build-push.sh and scripts/04-deploy.sh from your workstation."
exit 0
{{else}}
EXPECTED_OS_IDS=({{osIds}})
EXPECTED_OS_VERSION={{osVersion}}
EXPECTED_ARCH={{dpkgArch}}
MICROSOFT_REPO={{repoUrl}}
MAX_DOCKER_MAJOR={{maxDockerMajor}}

# Tests point EDGEML_TEST_ROOT at a scratch folder: the host files this script reads and writes (under /etc and /usr)
# are then taken from below it, so a test never changes the machine it runs on. Leave it unset on a device.
HOST_ROOT="\${EDGEML_TEST_ROOT:-}"
[[ -z "$HOST_ROOT" || ( "$HOST_ROOT" == /?* && -d "$HOST_ROOT" && ! -L "$HOST_ROOT" ) ]] \\
  || die "EDGEML_TEST_ROOT is for tests only and must name an existing absolute folder; unset it on a device"
[[ $EUID -eq 0 ]] || die "run this as root on the device: sudo bash $0"
require_cmd apt-get dpkg curl

# shellcheck disable=SC1091  # the device's own file
. "$HOST_ROOT/etc/os-release"
os_ok=false
for id in "\${EXPECTED_OS_IDS[@]}"; do [[ "\${ID:-}" == "$id" ]] && os_ok=true; done
if [[ $os_ok != true || "\${VERSION_ID:-}" != "$EXPECTED_OS_VERSION" ]]; then
  warn "this device runs \${PRETTY_NAME:-an unknown OS}; the spec targets {{targetOs}}. Continuing with the {{targetOs}} repository."
fi
arch="$(dpkg --print-architecture)"
[[ "$arch" == "$EXPECTED_ARCH" ]] || die "this device is $arch but the spec targets $EXPECTED_ARCH ({{platform}})"

export DEBIAN_FRONTEND=noninteractive
if ! dpkg -s packages-microsoft-prod >/dev/null 2>&1; then
  log "Adding Microsoft's package repository ($MICROSOFT_REPO)"
  deb="$(mktemp --suffix=.deb)"
  trap 'rm -f "$deb"' EXIT
  curl -fsSL --proto '=https' --retry 3 --output "$deb" "$MICROSOFT_REPO"
  dpkg -i "$deb"
fi
apt-get update -q
apt-get install -y -q jq ca-certificates

docker_major() {
  docker version --format '\\{{.Server.Version}}' 2>/dev/null | cut -d. -f1
}

if command -v docker >/dev/null 2>&1 && [[ -n "$(docker_major)" ]]; then
  log "A container engine is installed: Docker $(docker version --format '\\{{.Server.Version}}')"
else
  log "Installing moby-engine (Microsoft's build of the Docker engine)"
  apt-get install -y -q moby-engine moby-cli
fi
major="$(docker_major || true)"
if [[ -n "$major" ]] && ((major > MAX_DOCKER_MAJOR)); then
  die "Docker engine $major.x is too new for IoT Edge $IOTEDGE_VERSION (it needs API v1.34, removed in Docker 29). Install moby-engine from packages.microsoft.com instead, or target runtime 1.6."
fi

log "Configuring /etc/docker/daemon.json: log-driver local (rotating container logs)"
daemon_json_path="$HOST_ROOT/etc/docker/daemon.json"
mkdir -p "$HOST_ROOT/etc/docker"
daemon_json='{}'
if [[ -s "$daemon_json_path" ]]; then daemon_json="$(cat "$daemon_json_path")"; fi
jq '. + {"log-driver": "local"}' <<<"$daemon_json" >"$daemon_json_path.edgeml"
mv "$daemon_json_path.edgeml" "$daemon_json_path"

{{#if gpu}}
log "Installing the NVIDIA container toolkit (the NVIDIA driver must already be installed)"
command -v nvidia-smi >/dev/null 2>&1 || warn "nvidia-smi not found: install the NVIDIA driver for this GPU before deploying"
if ! dpkg -s nvidia-container-toolkit >/dev/null 2>&1; then
  curl -fsSL --proto '=https' https://nvidia.github.io/libnvidia-container/gpgkey \\
    | gpg --dearmor --yes -o "$HOST_ROOT/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg"
  curl -fsSL --proto '=https' https://nvidia.github.io/libnvidia-container/stable/deb/nvidia-container-toolkit.list \\
    | sed 's#deb https://#deb [signed-by=/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg] https://#g' \\
    >"$HOST_ROOT/etc/apt/sources.list.d/nvidia-container-toolkit.list"
  apt-get update -q
  apt-get install -y -q nvidia-container-toolkit
fi
# Adds the nvidia runtime to daemon.json, keeping the log driver set above.
nvidia-ctk runtime configure --runtime=docker --config="$daemon_json_path"
{{/if}}

systemctl restart docker
wait_until 120 2 "the Docker engine" docker info --format '\\{{.ServerVersion}}' >/dev/null || die "the Docker engine did not start: journalctl -u docker"

log "Installing aziot-edge $IOTEDGE_VERSION.*"
apt-get install -y -q "aziot-edge=$IOTEDGE_VERSION.*"

connection_string="\${EDGE_DEVICE_CONNECTION_STRING:-}"
if [[ -z "$connection_string" ]]; then
  if [[ -t 0 ]]; then
    read -r -s -p "Device connection string (input hidden): " connection_string
    echo
  else
    IFS= read -r connection_string || true
  fi
fi
[[ "$connection_string" == HostName=*\\;DeviceId=*\\;SharedAccessKey=* ]] \\
  || die "EDGE_DEVICE_CONNECTION_STRING (or stdin) must be the device's connection string: HostName=...;DeviceId=...;SharedAccessKey=..."
{{#if device}}
[[ "$connection_string" == *";DeviceId=$DEVICE_ID;"* ]] || warn "the connection string is not for device $DEVICE_ID"
{{/if}}

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
{{/if}}
`;

interface Step2View {
  workflowComment: string;
  databoxEdge: boolean;
  device: boolean;
  gpu: boolean;
  osIds: string;
  osVersion: string;
  dpkgArch: string;
  repoUrl: string;
  maxDockerMajor: string;
  targetOs: string;
  platform: string;
}

const render = compileTemplate<Step2View>(STEP2);

/** Quotes a value that comes from the tables above (never from the spec): they are plain words. */
const word = (value: string): string => `'${value}'`;

export function renderStep2(ir: WorkflowIR): string {
  const os = DEVICE_OS[ir.target.os] ?? DEVICE_OS['ubuntu-22.04']!;
  return render({
    workflowComment: JSON.stringify(ir.name),
    databoxEdge: ir.target.device === 'databox-edge',
    device: ir.azure.deployment.kind === 'device',
    gpu: ir.target.accelerator === 'nvidia-gpu',
    osIds: os.ids.map(word).join(' '),
    osVersion: word(os.versionId),
    dpkgArch: word(DPKG_ARCH[ir.target.platform]),
    repoUrl: word(`https://packages.microsoft.com/config/${os.repo}/packages-microsoft-prod.deb`),
    maxDockerMajor: String(MAX_DOCKER_MAJOR[ir.target.runtime] ?? 28),
    targetOs: DEVICE_OS[ir.target.os] ? ir.target.os : 'ubuntu-22.04',
    platform: ir.target.platform,
  });
}
