// Which native binaries an image keeps (render stage, Dockerfiles). onnxruntime-node's npm package carries its
// library for every OS and CPU (about 300 MB; a linux/x64 device loads 46 MB of it) and npm may install sharp's
// prebuilt packages for more than one libc; the build stage deletes all but the variant's own, then loads both
// packages once, so a prune that removed something needed fails the build instead of the device.
import type { ImageVariant } from './variants.js';

/** Node's process.arch on each variant: the folder and package names of the native binaries it loads. */
const NODE_ARCH: Readonly<Record<ImageVariant['id'], 'x64' | 'arm64' | 'arm'>> = {
  amd64: 'x64',
  arm64v8: 'arm64',
  arm32v7: 'arm',
  'amd64-cuda': 'x64',
};

export interface NativePrune {
  /** What the step keeps, for the Dockerfile's comment. */
  keeps: string;
  /** Shell commands, joined with && into one RUN. */
  commands: string[];
}

/** The build-stage prune for a module's npm packages on this variant, or undefined when none has native binaries. */
export function nativePrune(packages: readonly string[], variant: ImageVariant): NativePrune | undefined {
  const arch = NODE_ARCH[variant.id];
  const ort = packages.includes('onnxruntime-node');
  const sharp = packages.includes('sharp');
  if (!ort && !sharp) return undefined;
  const commands: string[] = [];
  const keeps: string[] = [];
  if (ort) {
    // bin/napi-v*/<os>/<arch>: everything but linux/<arch> goes.
    commands.push(`find node_modules/onnxruntime-node/bin -mindepth 3 -maxdepth 3 ! -path '*/linux/${arch}' -exec rm -rf {} +`);
    commands.push('find node_modules/onnxruntime-node/bin -mindepth 2 -maxdepth 2 -type d -empty -delete');
    keeps.push(`onnxruntime-node linux/${arch}`);
  }
  if (sharp) {
    // @img/sharp-<os>-<arch> and @img/sharp-libvips-<os>-<arch>: glibc Linux on this CPU only (not linuxmusl).
    commands.push(
      `find node_modules/@img -mindepth 1 -maxdepth 1 -name 'sharp-*' ! -name 'sharp-linux-${arch}' ! -name 'sharp-libvips-linux-${arch}' -exec rm -rf {} +`,
    );
    keeps.push(`sharp linux-${arch}`);
  }
  const loads = [...(ort ? ["require('onnxruntime-node')"] : []), ...(sharp ? ["require('sharp')"] : [])].join('; ');
  commands.push(`node -e "${loads}"`);
  commands.push('du -sb node_modules');
  return { keeps: keeps.join(' and '), commands };
}

/** Package versions the sizes below were measured with. */
const MEASURED_VERSIONS: Readonly<Record<string, string>> = { 'onnxruntime-node': '1.30.0', sharp: '0.34.5' };

/**
 * Bytes of node_modules a scoring image keeps after the prune (`du -sb node_modules`, which the build prints),
 * measured for MEASURED_VERSIONS: amd64 in the built image (test/docker/build.test.mjs checks it against a real
 * build; before the prune it was 320,509,749), arm64v8 in an emulated (qemu) build of the build stage. The CUDA image
 * adds onnxruntime's CUDA provider, which its build downloads (not counted).
 */
export const SCORING_DEPENDENCY_BYTES: Readonly<Partial<Record<ImageVariant['id'], number>>> = {
  amd64: 65_695_301,
  arm64v8: 45_298_266,
  'amd64-cuda': 65_695_301,
};

/**
 * The dependency size of a scoring image variant when it was measured for the versions being pinned; undefined
 * otherwise (a README must not state a figure measured for other versions).
 */
export function scoringDependencyBytes(variant: ImageVariant, pinned: ReadonlyMap<string, string>): number | undefined {
  const same = Object.entries(MEASURED_VERSIONS).every(([pkg, version]) => pinned.get(pkg)?.replace(/^[\^~=v]+/, '') === version);
  return same ? SCORING_DEPENDENCY_BYTES[variant.id] : undefined;
}
