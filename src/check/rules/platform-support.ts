// Check: platform, OS, accelerator and runtime version combinations that cannot work on a device.
import { defineCheck } from '../define-check.js';

/** OSes each IoT Edge runtime ships packages for (facts §5.1: 1.5.21 dropped Ubuntu 20.04; 1.6.0 dropped Debian 11). */
const RUNTIME_OSES: Record<string, string[]> = {
  '1.5': ['ubuntu-22.04', 'ubuntu-24.04', 'debian-11', 'debian-12', 'raspberry-pi-os-12'],
  '1.6': ['ubuntu-22.04', 'ubuntu-24.04', 'debian-12', 'raspberry-pi-os-12'],
};
/** arm32v7 packages are built for Debian only (facts §5.5). */
const ARM32_OSES = ['debian-11', 'debian-12', 'raspberry-pi-os-12'];

export default defineCheck({
  meta: {
    id: 'platform-support',
    description: 'The target platform, OS, accelerator and runtime can run the modules.',
    messages: {
      noOnnxRuntimeArm32: { code: 'EML3501', text: (d: { module: string }) => `Module '${d.module}' is a scoring module, but onnxruntime for Node.js has no build for arm32v7.`, hint: () => "Target arm64v8 (a 64-bit OS on the same board), or use a 'container' module with an arm32 inference image." },
      osNotSupported: { code: 'EML3502', text: (d: { os: string; runtime: string }) => `IoT Edge ${d.runtime} has no packages for ${d.os}.`, hint: (d: { supported: string }) => `Use one of: ${d.supported}.` },
      arm32Os: { code: 'EML3503', text: (d: { os: string }) => `IoT Edge publishes arm32v7 packages for Debian only, not ${d.os}.`, hint: () => 'Use os: debian-12 or raspberry-pi-os-12, or a 64-bit OS with platform arm64v8.' },
      gpuPlatform: { code: 'EML3504', text: (d: { platform: string }) => `accelerator nvidia-gpu is supported on amd64 and arm64v8 (Jetson), not ${d.platform}.`, hint: () => 'Use platform amd64 or arm64v8.' },
      piPlatform: { code: 'EML3505', text: (d: { platform: string }) => `A Raspberry Pi is an ARM board; platform ${d.platform} cannot run on it.`, hint: () => 'Use platform arm64v8 (64-bit OS) or arm32v7.' },
      runtimeSupportEnded: { code: 'EML3507', category: 'suggestion', text: () => 'IoT Edge 1.5 LTS reached the end of its support on 2026-11-10; 1.6 LTS is supported until 2028-11-14.', hint: () => 'Set target.runtime: "1.6" (no breaking changes are planned between 1.5 and 1.6; on Docker 29+ hosts it is required).' },
      userBuildPlatform: { code: 'EML3506', text: (d: { module: string; platform: string }) => `Module '${d.module}' builds only for ${d.platform}, which does not include the target platform.`, hint: (d: { target: string }) => `Add ${d.target} to build.platforms, or build an image for it.` },
    },
  },
  check(ctx) {
    const { target } = ctx.ir;
    if (target.platform === 'arm32v7') {
      for (const module of ctx.ir.modules) if (module.kind === 'scoring') ctx.report('noOnnxRuntimeArm32', { module: module.name }, [...module.path, 'type']);
      if (target.device !== 'databox-edge' && !ARM32_OSES.includes(target.os)) ctx.report('arm32Os', { os: target.os }, ['target', 'os']);
    }
    if (target.device !== 'databox-edge') {
      const supported = RUNTIME_OSES[target.runtime] ?? [];
      if (!supported.includes(target.os)) ctx.report('osNotSupported', { os: target.os, runtime: target.runtime, supported: supported.join(', ') }, ['target', 'os']);
    }
    // Data Box Edge manages its own runtime; elsewhere the spec picks it (iotedge-facts §0: 1.5 LTS serviced until 2026-11-10).
    if (target.runtime === '1.5' && target.device !== 'databox-edge') ctx.report('runtimeSupportEnded', undefined, ['target', 'runtime']);
    if (target.accelerator === 'nvidia-gpu' && target.platform === 'arm32v7') ctx.report('gpuPlatform', { platform: target.platform }, ['target', 'accelerator']);
    if (target.device === 'raspberry-pi' && target.platform === 'amd64') ctx.report('piPlatform', { platform: target.platform }, ['target', 'platform']);
    for (const module of ctx.ir.modules) {
      if (module.image.kind === 'user-build' && !module.image.platforms.includes(target.platform)) {
        ctx.report('userBuildPlatform', { module: module.name, platform: module.image.platforms.join(', '), target: target.platform }, [...module.path, 'build', 'platforms']);
      }
    }
  },
});
