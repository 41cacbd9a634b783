#!/usr/bin/env bash
# Step 2 of 6: the Data Box Edge checklist for workflow "wf4-databox-edge". Changes nothing; run it anywhere.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

log "Data Box Edge: IoT Edge runs on the appliance's compute role, so there is nothing to install here."
log "In the Azure portal and the device's local web UI:"
note "1. Create the Data Box Edge / Azure Stack Edge resource, order the device and note its activation key."
note "2. Install, cable and activate the device in its local web UI with that key."
note "3. In the resource: Overview > IoT Edge (Configure compute) > Add. Enter:"
note "     IoT Hub:      $IOT_HUB (resource group $RESOURCE_GROUP)"
note "     IoT Edge device: $DEVICE_ID"
note "   Skip the share steps: this workflow bundles its media into the images."
note "4. Local web UI > Compute > enable a network interface for compute and note the compute IP it gets."
note "5. Registry the device pulls from: $REGISTRY_ADDRESS"
note "6. Use the compute IP as EDGE_DEVICE_HOST for scripts/05-test.sh."
log "Then run scripts/03-build-push.sh and scripts/04-deploy.sh from your workstation."
exit 0
