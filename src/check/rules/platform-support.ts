// Check: platform, OS, accelerator and runtime version combinations that cannot work on a device, and those past the
// end of their support (ir/platform-support.ts is the table; `today` comes from SOURCE_DATE_EPOCH or the clock).
import { RUNTIME_SUPPORT_ENDS, supportedCombination, supportedOses, SUPPORT_TABLE } from '../../ir/platform-support.js';
import type { Platform } from '../../ir/types.js';
import { defineCheck } from '../define-check.js';

/** OSes with arm32v7 (armhf) packages, from the support table. */
const ARM32_OSES = [...new Set(SUPPORT_TABLE.filter((row) => row.platforms.includes('arm32v7')).map((row) => row.os))];

export default defineCheck({
  meta: {
    id: 'platform-support',
    description: 'The target platform, OS, accelerator and runtime can run the modules.',
    messages: {
      noOnnxRuntimeArm32: {
        code: 'EML3501',
        text: (d: { module: string }) => `Module '${d.module}' is a scoring module, but onnxruntime for Node.js has no build for arm32v7.`,
        hint: () => "Target arm64v8 (a 64-bit OS on the same board), or use a 'container' module with an arm32 inference image.",
      },
      osNotSupported: {
        code: 'EML3502',
        text: (d: { os: string; runtime: string; supported: string }) => `IoT Edge ${d.runtime} has no packages for ${d.os}.`,
        hint: (d: { os: string; runtime: string; supported: string }) => `Use one of: ${d.supported}.`,
      },
      arm32Os: {
        code: 'EML3503',
        text: (d: { os: string }) => `IoT Edge publishes arm32v7 packages for Debian only, not ${d.os}.`,
        hint: () => 'Use os: debian-12 or raspberry-pi-os-12, or a 64-bit OS with platform arm64v8.',
      },
      gpuPlatform: {
        code: 'EML3504',
        text: (d: { platform: string }) => `accelerator nvidia-gpu is supported on amd64 and arm64v8 (Jetson), not ${d.platform}.`,
        hint: () => 'Use platform amd64 or arm64v8.',
      },
      piPlatform: {
        code: 'EML3505',
        text: (d: { platform: string }) => `A Raspberry Pi is an ARM board; platform ${d.platform} cannot run on it.`,
        hint: () => 'Use platform arm64v8 (64-bit OS) or arm32v7.',
      },
      supportEnded: {
        code: 'EML3508',
        category: 'warning',
        text: (d: SupportEndedData) =>
          `IoT Edge ${d.runtime} on ${d.os} was supported until ${d.until} (today is ${d.today}): ${d.ended} gets no more security fixes.`,
        hint: (d: SupportEndedData) => d.fix,
      },
      userBuildPlatform: {
        code: 'EML3506',
        text: (d: { module: string; platform: string }) =>
          `Module '${d.module}' builds only for ${d.platform}, which does not include the target platform.`,
        hint: (d: { target: string }) => `Add ${d.target} to build.platforms, or build an image for it.`,
      },
    },
  },
  check(ctx) {
    const { target } = ctx.ir;
    if (target.platform === 'arm32v7') {
      for (const module of ctx.ir.modules)
        if (module.kind === 'scoring') ctx.report('noOnnxRuntimeArm32', { module: module.name }, [...module.path, 'type']);
      if (!ARM32_OSES.includes(target.os)) ctx.report('arm32Os', { os: target.os }, ['target', 'os']);
    }
    const row = supportedCombination(target.os, target.runtime);
    if (!row) {
      ctx.report('osNotSupported', { os: target.os, runtime: target.runtime, supported: supportedOses(target.runtime).join(', ') }, [
        'target',
        'os',
      ]);
    } else if (row.until < ctx.today) {
      // Point at what ended first: the runtime line, or the OS (its line, or `target` when both are defaults).
      const runtimeEnded = RUNTIME_SUPPORT_ENDS[target.runtime] === row.until;
      const field = runtimeEnded ? 'runtime' : 'os';
      const written = (ctx.data.target as Record<string, unknown> | undefined)?.[field] !== undefined;
      const data: SupportEndedData = {
        runtime: target.runtime,
        os: target.os,
        until: row.until,
        today: ctx.today,
        ended: runtimeEnded ? `IoT Edge ${target.runtime}` : target.os,
        fix: successorHint(target.os, target.platform, ctx.today),
      };
      ctx.report('supportEnded', data, written ? ['target', field] : ['target'], { key: !written });
    }
    if (target.accelerator === 'nvidia-gpu' && target.platform === 'arm32v7')
      ctx.report('gpuPlatform', { platform: target.platform }, ['target', 'accelerator']);
    if (target.device === 'raspberry-pi' && target.platform === 'amd64')
      ctx.report('piPlatform', { platform: target.platform }, ['target', 'platform']);
    for (const module of ctx.ir.modules) {
      if (module.image.kind === 'user-build' && !module.image.platforms.includes(target.platform)) {
        ctx.report('userBuildPlatform', { module: module.name, platform: module.image.platforms.join(', '), target: target.platform }, [
          ...module.path,
          'build',
          'platforms',
        ]);
      }
    }
  },
});

interface SupportEndedData {
  runtime: string;
  os: string;
  until: string;
  today: string;
  ended: string;
  fix: string;
}

/** What to move to: a combination for this architecture still in support, the same OS first, then the longest. */
function successorHint(os: string, platform: Platform, today: string): string {
  const open = SUPPORT_TABLE.filter((row) => row.until >= today && row.platforms.includes(platform)).sort(
    (a, b) => Number(b.os === os) - Number(a.os === os) || (a.until < b.until ? 1 : a.until > b.until ? -1 : 0),
  );
  const best = open[0];
  if (!best) return `No combination for ${platform} in edgeml's support table is still supported: update edgeml.`;
  return `Set target.os: ${best.os} and target.runtime: "${best.runtime}" (supported until ${best.until}); rebuild the device with scripts/02-setup-device.sh.`;
}
