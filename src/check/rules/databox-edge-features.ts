// Check: an Azure Stack Edge / Data Box Edge target. Managed IoT Edge on the appliance was retired on 2024-03-31; since
// release 2301 IoT Edge runs in an Ubuntu VM on it (MicrosoftDocs databox-online/azure-stack-edge-gpu-deploy-iot-edge-
// linux-vm.md and includes/azure-stack-edge-deprecation-notice-managed-iot-edge.md). That VM is x64, has no USB or
// camera passthrough, and runs any supported IoT Edge; GPU models get a GPU VM (NCasT4_v3 sizes) on Pro GPU appliances.
import { defineCheck } from '../define-check.js';

export default defineCheck({
  meta: {
    id: 'databox-edge-features',
    description: 'A databox-edge (Azure Stack Edge) target uses only what a VM on the appliance offers.',
    messages: {
      platform: {
        code: 'EML3802',
        text: (d: { platform: string }) => `Azure Stack Edge runs x64 virtual machines, so the IoT Edge VM is amd64, not ${d.platform}.`,
        hint: () => 'Set platform: amd64.',
      },
      hostDevice: {
        code: 'EML3803',
        text: (d: { module: string }) =>
          `Module '${d.module}' maps a host device; a VM on Azure Stack Edge has no cameras or other USB devices passed through to it.`,
        hint: () => 'Read frames from an RTSP URL, a video file or a folder instead.',
      },
      fleet: {
        code: 'EML3806',
        category: 'warning',
        text: () => "Azure Stack Edge VMs are usually deployed one at a time; a fleet needs every VM's device identity tagged in its hub.",
        hint: () => 'Use azure.device unless the appliances share a hub.',
      },
    },
  },
  check(ctx) {
    const { target, azure } = ctx.ir;
    if (target.device !== 'databox-edge') return;
    if (target.platform !== 'amd64') ctx.report('platform', { platform: target.platform }, ['target', 'platform']);
    if (azure.deployment.kind === 'fleet') ctx.report('fleet', undefined, ['azure', 'fleet'], { key: true });
    for (const module of ctx.ir.modules) {
      if (module.devices.length > 0)
        ctx.report(
          'hostDevice',
          { module: module.name },
          module.capture?.source.kind === 'camera' ? [...module.path, 'source', 'camera'] : [...module.path, 'devices'],
        );
    }
  },
});
