// Check: Data Box Edge (Azure Stack Edge FPGA) runs a managed IoT Edge on Docker, amd64 only, with no GPU, and its
// IoT hub and device are created by the portal's "Configure compute" step (seed wf4; facts §8).
import { defineCheck } from '../define-check.js';

export default defineCheck({
  meta: {
    id: 'databox-edge-features',
    description: 'A databox-edge target uses only what Data Box Edge offers.',
    messages: {
      gpu: { code: 'EML3801', text: () => 'Data Box Edge has an FPGA, not an NVIDIA GPU.', hint: () => 'Set accelerator: none (Azure Stack Edge Pro GPU is a different device: run IoT Edge in a Linux VM on it and target ubuntu-vm).' },
      platform: { code: 'EML3802', text: (d: { platform: string }) => `Data Box Edge runs amd64 containers, not ${d.platform}.`, hint: () => 'Set platform: amd64.' },
      hostDevice: { code: 'EML3803', text: (d: { module: string }) => `Module '${d.module}' maps a host device; Data Box Edge does not expose host devices such as cameras to modules.`, hint: () => 'Read frames from an RTSP URL or from a share instead.' },
      runtimeManaged: { code: 'EML3804', category: 'warning', text: () => 'Data Box Edge manages its own IoT Edge runtime; target.runtime only selects the schema and system images in the manifest.', hint: () => 'Check the runtime version in the device\'s local web UI.' },
      hubCreated: { code: 'EML3805', category: 'warning', text: () => 'On Data Box Edge the IoT hub and device are created by the portal\'s "Configure compute" step.', hint: () => 'Set iotHub.create: false and device.create: false, and use the names the portal shows.' },
      fleet: { code: 'EML3806', category: 'warning', text: () => 'Data Box Edge devices are usually deployed one at a time; a fleet needs every appliance tagged in its hub.', hint: () => 'Use azure.device unless the appliances share a hub.' },
      fileBind: { code: 'EML3807', text: (d: { module: string; source: string }) => `Module '${d.module}' binds host path '${d.source}'; on Data Box Edge only shares mounted under /home/hcsshares/ can be bound.`, hint: () => 'Bind a share: /home/hcsshares/<share>:/data.' },
    },
  },
  check(ctx) {
    const { target, azure } = ctx.ir;
    if (target.device !== 'databox-edge') return;
    if (target.accelerator !== 'none') ctx.report('gpu', undefined, ['target', 'accelerator']);
    if (target.platform !== 'amd64') ctx.report('platform', { platform: target.platform }, ['target', 'platform']);
    if ((ctx.data.target as Record<string, unknown> | undefined)?.runtime !== undefined) ctx.report('runtimeManaged', undefined, ['target', 'runtime']);
    if (azure.iotHub.create || (azure.deployment.kind === 'device' && azure.deployment.create)) ctx.report('hubCreated', undefined, ['azure', 'iotHub'], { key: true });
    if (azure.deployment.kind === 'fleet') ctx.report('fleet', undefined, ['azure', 'fleet'], { key: true });
    for (const module of ctx.ir.modules) {
      if (module.devices.length > 0) ctx.report('hostDevice', { module: module.name }, module.capture?.source.kind === 'camera' ? [...module.path, 'source', 'camera'] : [...module.path, 'devices']);
      module.volumes.forEach((volume, index) => {
        if (volume.kind === 'bind' && !volume.source.startsWith('/home/hcsshares/')) ctx.report('fileBind', { module: module.name, source: volume.source }, [...module.path, 'volumes', index]);
      });
    }
  },
});
