// The per-request decode budget: what a batch of images will take once decoded (width × height × bytes per pixel,
// summed), read from their headers before anything is decoded, and the check that each header's declared size can be
// filled by its data. Runtime stage (scoring): the server refuses early with it, the scorer checks again (edgeml test).
import { decodedBytes, readImageExtent, type ImageExtent } from './image-header.js';
import { InputError } from '../shared/input-error.js';

const MIB = 1024 * 1024;
const mib = (bytes: number): string => `${(bytes / MIB).toFixed(bytes < 10 * MIB ? 1 : 0)} MiB`;

/**
 * Throws InputError 413 when the images would need more than `budget` bytes decoded, 400 when a header declares more
 * pixels than its data could hold. Images whose header cannot be read here are left to the decoder's own checks.
 */
export function checkDecodeBudget(images: readonly Uint8Array[], budget: number): void {
  let total = 0;
  for (const [index, bytes] of images.entries()) {
    const extent = readImageExtent(bytes);
    if (!extent) continue;
    if (!extent.dataCanFill) throw notFillable(extent, index);
    const cost = decodedBytes(extent);
    if (cost > budget) {
      throw new InputError(
        413,
        `The image is ${extent.width}x${extent.height} pixels at ${extent.bytesPerPixel} bytes each: ${mib(cost)} to decode, over the ${mib(budget)} per request this server allows (limits.decodeBytes).`,
        index,
      );
    }
    total += cost;
  }
  if (total > budget) {
    throw new InputError(
      413,
      `The ${images.length} images would take ${mib(total)} to decode, over the ${mib(budget)} per request this server allows (limits.decodeBytes); send fewer or smaller images per request.`,
    );
  }
}

/** The answer for an image whose header declares more pixels than its data could encode. */
export function notFillable(extent: ImageExtent, index?: number): InputError {
  return new InputError(
    400,
    `The ${extent.format.toUpperCase()} header declares ${extent.width}x${extent.height} pixels, but its data is too short to hold them (a truncated or forged file).`,
    index,
  );
}
