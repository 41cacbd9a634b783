// Catalogue block for the build-context, script and README renderers (render stage), codes EML4500-4999.
// Raised by render/scripts/check-values.ts before rendering and by render/docker when an input is missing.
import { defineMessages } from '../types.js';

export const renderScriptMessages = defineMessages({
  unsafeValue: {
    code: 'EML4500',
    category: 'error',
    text: (d: { field: string; expected: string }) =>
      `The value of '${d.field}' cannot be used in the generated scripts: it must be ${d.expected}.`,
    hint: (d: { field: string }) =>
      `Change '${d.field}' to a plain name; scripts quote every value, but this one would be rejected by Azure or Docker.`,
  },
  missingPackageVersion: {
    code: 'EML4501',
    category: 'error',
    text: (d: { module: string; pkg: string }) => `No pinned version of '${d.pkg}' is known for module '${d.module}'.`,
    hint: () => 'Reinstall edgeml so its package-lock.json lists the package.',
  },
  missingAsset: {
    code: 'EML4502',
    category: 'error',
    text: (d: { module: string; file: string }) => `Module '${d.module}' needs '${d.file}', which was not read.`,
    hint: () => 'Check that the file exists next to the spec.',
  },
  noPlatformImage: {
    code: 'EML4503',
    category: 'error',
    text: (d: { module: string; platform: string }) =>
      `Module '${d.module}' cannot run on '${d.platform}': onnxruntime-node has no build for it.`,
    hint: () => 'Use target.platform arm64v8 (a 64-bit OS) for scoring on ARM devices.',
  },
  gpuWithoutCuda: {
    code: 'EML4504',
    category: 'warning',
    text: (d: { module: string; platform: string }) =>
      `Module '${d.module}' gets a CPU image on '${d.platform}': the CUDA variant is built for amd64 only.`,
    hint: () => 'Build your own image (type: container) for Jetson-class devices.',
  },
  missingRuntime: {
    code: 'EML4505',
    category: 'error',
    text: (d: { module: string; folder: string }) => `The runtime code for module '${d.module}' (dist/runtime/${d.folder}/) was not found.`,
    hint: () => 'Run `npm run build` in the edgeml folder.',
  },
  unsupportedOs: {
    code: 'EML4506',
    category: 'error',
    text: (d: { os: string; known: string }) => `The device setup script cannot install IoT Edge on '${d.os}'; it knows ${d.known}.`,
    hint: () => 'Set target.os to one of the listed systems, or set up the device by hand and skip step 2.',
  },
  mlWorkspaceMissing: {
    code: 'EML4507',
    category: 'error',
    text: () => 'The model comes from Azure ML, but azure.ml names no workspace to download it from.',
    hint: () => 'Add azure.ml.workspace (and its resourceGroup) to the spec.',
  },
  runtimeDropsOs: {
    code: 'EML4508',
    category: 'warning',
    text: (d: { os: string; runtime: string }) => `IoT Edge ${d.runtime} has no packages for '${d.os}'.`,
    hint: () => 'Use runtime 1.5 on this OS, or move the device to Debian 12 / Ubuntu 22.04 or 24.04.',
  },
});
