// scripts/02-setup-device.sh (render stage, scripts): runs ON the device as root: Microsoft's repository, a Docker
// engine whose API the IoT Edge daemon can speak, log rotation, the NVIDIA runtime for GPUs, aziot-edge pinned to the
// minor, provisioning from a connection string and polling until edgeAgent runs. Azure Stack Edge / Data Box Edge: the
// same, inside an Ubuntu VM on the appliance (managed IoT Edge on the appliance was retired on 2024-03-31; MicrosoftDocs
// databox-online/azure-stack-edge-gpu-deploy-iot-edge-linux-vm.md); `--checklist` prints how to create that VM.
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
 * The Docker Engine API version each IoT Edge daemon calls (Azure/iotedge edgelet/docker-rs/src/apis/configuration.rs:
 * 1.5 calls v1.34, 1.6 calls v1.41). An engine whose minimum API is above it refuses every call: Docker 29.0-29.2
 * require 1.44 and break even 1.6; 29.3 lowered the minimum to 1.40 (shared/reference/field-notes.md).
 */
const DAEMON_DOCKER_API: Readonly<Record<string, string>> = { '1.5': '1.34', '1.6': '1.41' };

/** The Ubuntu image to create the appliance VM from, per OS (Azure Marketplace URN, publisher:offer:sku:version). */
const MARKETPLACE_IMAGE: Readonly<Record<string, string>> = {
  'ubuntu-22.04': 'Canonical:0001-com-ubuntu-server-jammy:22_04-lts:latest',
  'ubuntu-24.04': 'Canonical:ubuntu-24_04-lts:server:latest',
};

const STEP2 = `#!/usr/bin/env bash
# Step 2 of 6: set up the IoT Edge device for workflow {{workflowComment}}. Run ON the device, as root:
#   sudo --preserve-env=EDGE_DEVICE_CONNECTION_STRING bash scripts/02-setup-device.sh   (or pipe the string on stdin)
# Copy scripts/02-setup-device.sh and scripts/lib.sh to the device together.
{{#if appliance}}
# Azure Stack Edge / Data Box Edge: the device is an Ubuntu VM on the appliance. Create it first, following
#   bash scripts/02-setup-device.sh --checklist      (prints the steps and the values to enter; changes nothing)
{{/if}}
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"

{{#if appliance}}
print_checklist() {
  log "Azure Stack Edge: IoT Edge runs in an Ubuntu VM on the appliance (managed IoT Edge was retired on 2024-03-31)."
  log "Before running this script in the VM, in the appliance's local web UI and its Azure resource:"
  note "1. Local web UI > Network: enable a port for compute (this creates the virtual switch the VM attaches to)."
  note "   Give the VM a static IP on that network, or note the one DHCP gives it."
  note "2. Azure portal > your Azure Stack Edge resource > Virtual machines: enable cloud management of VMs."
  note "3. VM image: {{osName}} from Azure Marketplace, image URN {{marketplaceImage}}"
  note "   (create a managed disk from it, export the VHD to a storage account, then Virtual machines > Images > Add, OS type Linux)."
{{#if gpu}}
  note "4. Create the VM with a GPU size of the NCasT4_v3 series (or the series matching the appliance's GPU) and, on the"
  note "   Advanced tab, the GPU extension, which installs the NVIDIA driver in the VM. GPU VMs must be created before"
  note "   Kubernetes is configured on the appliance, which would otherwise claim the GPUs."
{{else}}
  note "4. Create the VM from that image on the compute virtual switch; 4 vCPUs and 8 GiB of memory suit most models."
{{/if}}
  note "5. Device identity in IoT Hub $IOT_HUB: created by scripts/01-create-resources.sh ({{deviceText}})."
  note "6. Copy scripts/02-setup-device.sh and scripts/lib.sh into the VM and run them there as root with the device's"
  note "   connection string (scripts/01-create-resources.sh prints how to pipe it over ssh)."
  note "7. Registry the VM pulls from: $REGISTRY_ADDRESS. Use the VM's IP as EDGE_DEVICE_HOST for scripts/05-test.sh."
}
case "\${1:-}" in
  --checklist) print_checklist; exit 0 ;;
  "") ;;
  *) die "unknown argument: $1 (use --checklist to print the appliance steps)" ;;
esac

{{/if}}
EXPECTED_OS_IDS=({{osIds}})
EXPECTED_OS_VERSION={{osVersion}}
EXPECTED_ARCH={{dpkgArch}}
MICROSOFT_REPO={{repoUrl}}
# The Docker Engine API version the IoT Edge $IOTEDGE_VERSION daemon calls; the engine must still accept it.
DAEMON_DOCKER_API={{daemonDockerApi}}

# Tests point EDGEML_TEST_ROOT at a scratch folder: the host files this script reads and writes (under /etc and /usr)
# are then taken from below it, so a test never changes the machine it runs on. Leave it unset on a device.
HOST_ROOT="\${EDGEML_TEST_ROOT:-}"
[[ -z "$HOST_ROOT" || ( "$HOST_ROOT" == /?* && -d "$HOST_ROOT" && ! -L "$HOST_ROOT" ) ]] \\
  || die "EDGEML_TEST_ROOT is for tests only and must name an existing absolute folder; unset it on a device"
[[ $EUID -eq 0 ]] || die "run this as root on the device: sudo bash $0"
require_cmd apt-get dpkg curl
{{#if appliance}}
if command -v systemd-detect-virt >/dev/null 2>&1 && [[ "$(systemd-detect-virt 2>/dev/null || true)" == none ]]; then
  warn "this is not a virtual machine: on Azure Stack Edge, run this script inside the Ubuntu VM (see --checklist)"
fi
{{/if}}

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
# jq edits daemon.json{{#if gpu}}; gnupg (gpg) unpacks NVIDIA's repository key{{/if}}.
apt-get install -y -q {{basePackages}}

server_api() {
  docker version --format "\\{{.Server.$1}}" 2>/dev/null
}
# api_at_most A B: true when Docker API version A <= B (both "major.minor").
api_at_most() {
  local a_major=\${1%%.*} a_minor=\${1#*.} b_major=\${2%%.*} b_minor=\${2#*.}
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

# The daemon's API calls must be in the engine's accepted range (Docker 29.0-29.2 refuse everything below 1.44).
min_api="$(server_api MinAPIVersion || true)"
max_api="$(server_api APIVersion || true)"
if [[ "$min_api" =~ ^[0-9]+\\.[0-9]+$ ]] && ! api_at_most "$min_api" "$DAEMON_DOCKER_API"; then
  die "Docker $(server_api Version) accepts only Engine API $min_api and newer, but IoT Edge $IOTEDGE_VERSION calls v$DAEMON_DOCKER_API, so it could not start any module. Docker 29.0-29.2 require 1.44: install moby-engine from packages.microsoft.com (apt-get install moby-engine moby-cli) or Docker 29.3 or later, whose minimum is 1.40."
fi
if [[ "$max_api" =~ ^[0-9]+\\.[0-9]+$ ]] && ! api_at_most "$DAEMON_DOCKER_API" "$max_api"; then
  die "Docker $(server_api Version) speaks Engine API up to $max_api, older than the v$DAEMON_DOCKER_API IoT Edge $IOTEDGE_VERSION calls: install moby-engine from packages.microsoft.com."
fi
[[ -n "$min_api" ]] || warn "could not read the Docker engine's API range; IoT Edge $IOTEDGE_VERSION needs it to accept v$DAEMON_DOCKER_API"

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
`;

interface Step2View {
  workflowComment: string;
  appliance: boolean;
  device: boolean;
  deviceText: string;
  gpu: boolean;
  osIds: string;
  osVersion: string;
  osName: string;
  marketplaceImage: string;
  dpkgArch: string;
  repoUrl: string;
  daemonDockerApi: string;
  basePackages: string;
  targetOs: string;
  platform: string;
}

const render = compileTemplate<Step2View>(STEP2);

/** Quotes a value that comes from the tables above (never from the spec): they are plain words. */
const word = (value: string): string => `'${value}'`;

export function renderStep2(ir: WorkflowIR): string {
  const targetOs = DEVICE_OS[ir.target.os] ? ir.target.os : 'ubuntu-22.04';
  const os = DEVICE_OS[targetOs]!;
  const gpu = ir.target.accelerator === 'nvidia-gpu';
  const deployment = ir.azure.deployment;
  return render({
    workflowComment: JSON.stringify(ir.name),
    appliance: ir.target.device === 'databox-edge',
    device: deployment.kind === 'device',
    deviceText: deployment.kind === 'device' ? 'device $DEVICE_ID' : 'one per VM, tagged to match the fleet condition',
    gpu,
    osIds: os.ids.map(word).join(' '),
    osVersion: word(os.versionId),
    osName: `${os.ids[0] === 'ubuntu' ? 'Ubuntu Server' : 'Debian'} ${os.versionId}${os.ids[0] === 'ubuntu' ? ' LTS' : ''}`,
    marketplaceImage: MARKETPLACE_IMAGE[targetOs] ?? 'an Ubuntu Server LTS image IoT Edge supports',
    dpkgArch: word(DPKG_ARCH[ir.target.platform]),
    repoUrl: word(`https://packages.microsoft.com/config/${os.repo}/packages-microsoft-prod.deb`),
    daemonDockerApi: word(DAEMON_DOCKER_API[ir.target.runtime] ?? '1.41'),
    basePackages: gpu ? 'jq ca-certificates gnupg' : 'jq ca-certificates',
    targetOs,
    platform: ir.target.platform,
  });
}
