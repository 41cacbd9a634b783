// Which images a generated module can be built as (render stage, Dockerfiles): one data table of base images by
// platform × accelerator, and the rules for which variants a module kind gets and which one the target deploys.
import type { Accelerator, ModuleIR, ModuleKind, Platform, WorkflowIR } from '../../ir/types.js';

/** A buildable image flavour: `Dockerfile.<id>` in the build context, and the last part of the image tag. */
export interface ImageVariant {
  id: 'amd64' | 'arm64v8' | 'arm32v7' | 'amd64-cuda';
  platform: Platform;
  accelerator: Accelerator;
  /** Value for `docker build --platform`. */
  dockerPlatform: string;
}

/**
 * Node's official slim images on Debian 12, pinned by exact release (nodejs/docker-node versions.json and its
 * 24/ and 22/bookworm-slim Dockerfiles, read 2026-12-07). Node 20 reached end of life on 2026-04-30 and its images are
 * gone. Node 24 LTS is supported until 2028-04-30; Node 22 LTS (until 2027-04-30) is the last line with arm32v7
 * images, so only the arm32v7 variant uses it. .ci/docker-setup.sh reads these two lines to build its offline
 * stand-ins under the same tags.
 */
export const NODE_IMAGE_VERSION = '24.19.0-bookworm-slim';
/** End of life of the Node.js release lines the images may use (nodejs/docker-node versions.json "end"). */
export const NODE_LINE_ENDS: Readonly<Record<string, string>> = { '22': '2027-04-30', '24': '2028-04-30' };
export const ARM32_NODE_IMAGE_VERSION = '22.23.2-bookworm-slim';

/**
 * Base images, pinned by exact tag. The arch-prefixed official repositories (arm64v8/node, arm32v7/node) make the
 * platform explicit in the Dockerfile, like the IoT Edge module templates do.
 * CUDA: onnxruntime-node 1.2x/1.3x loads its CUDA provider against CUDA 12 + cuDNN 9, so the runtime stage is NVIDIA's
 * cuDNN runtime image; Node is copied in from the official node image (its binary needs glibc 2.28, Ubuntu 22.04 has 2.35).
 */
export const BASE_IMAGES: Readonly<Record<ImageVariant['id'], { build: string; runtime: string }>> = {
  amd64: { build: `node:${NODE_IMAGE_VERSION}`, runtime: `node:${NODE_IMAGE_VERSION}` },
  arm64v8: { build: `arm64v8/node:${NODE_IMAGE_VERSION}`, runtime: `arm64v8/node:${NODE_IMAGE_VERSION}` },
  arm32v7: { build: `arm32v7/node:${ARM32_NODE_IMAGE_VERSION}`, runtime: `arm32v7/node:${ARM32_NODE_IMAGE_VERSION}` },
  'amd64-cuda': { build: `node:${NODE_IMAGE_VERSION}`, runtime: 'nvidia/cuda:12.8.1-cudnn-runtime-ubuntu22.04' },
};

export const VARIANTS: Readonly<Record<ImageVariant['id'], ImageVariant>> = {
  amd64: { id: 'amd64', platform: 'amd64', accelerator: 'none', dockerPlatform: 'linux/amd64' },
  arm64v8: { id: 'arm64v8', platform: 'arm64v8', accelerator: 'none', dockerPlatform: 'linux/arm64' },
  arm32v7: { id: 'arm32v7', platform: 'arm32v7', accelerator: 'none', dockerPlatform: 'linux/arm/v7' },
  'amd64-cuda': { id: 'amd64-cuda', platform: 'amd64', accelerator: 'nvidia-gpu', dockerPlatform: 'linux/amd64' },
};

/** CPU variants each generated kind can be built for: onnxruntime-node ships no 32-bit ARM binary. */
const CPU_VARIANTS: Readonly<Record<Exclude<ModuleKind, 'container'>, ImageVariant['id'][]>> = {
  scoring: ['amd64', 'arm64v8'],
  'image-capture': ['amd64', 'arm64v8', 'arm32v7'],
};

/** Only scoring runs models, so only scoring gets a CUDA image; the provider exists for linux/x64 only. */
const CUDA_VARIANTS: Readonly<Record<Exclude<ModuleKind, 'container'>, ImageVariant['id'][]>> = {
  scoring: ['amd64-cuda'],
  'image-capture': [],
};

export function isGeneratedModule(module: ModuleIR): module is ModuleIR & { kind: 'scoring' | 'image-capture' } {
  return module.kind !== 'container' && module.image.kind === 'generated';
}

/** Every variant a generated module gets a Dockerfile for, in a stable order. */
export function moduleVariants(ir: WorkflowIR, module: ModuleIR): ImageVariant[] {
  if (!isGeneratedModule(module)) return [];
  const ids = [...CPU_VARIANTS[module.kind]];
  if (ir.target.accelerator === 'nvidia-gpu') ids.push(...CUDA_VARIANTS[module.kind]);
  return ids.map((id) => VARIANTS[id]);
}

/** The variant deployed to the target, or undefined when the module cannot run there (reported as EML4503). */
export function targetVariant(ir: WorkflowIR, module: ModuleIR): ImageVariant | undefined {
  const variants = moduleVariants(ir, module);
  const gpu = variants.find((v) => v.platform === ir.target.platform && v.accelerator === ir.target.accelerator);
  return gpu ?? variants.find((v) => v.platform === ir.target.platform && v.accelerator === 'none');
}
