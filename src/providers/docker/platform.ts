// Target platforms as Docker names them: the `platform` build option and what `docker image inspect` reports
// (Os / Architecture / Variant). A table, so the mismatch check and the build option cannot disagree. Apply stage.
import type { Platform } from '../../ir/types.js';

export interface DockerPlatform {
  os: 'linux';
  architecture: string;
  variant?: string;
}

export const dockerPlatforms: Record<Platform, DockerPlatform> = {
  amd64: { os: 'linux', architecture: 'amd64' },
  arm64v8: { os: 'linux', architecture: 'arm64' },
  arm32v7: { os: 'linux', architecture: 'arm', variant: 'v7' },
};

/** e.g. 'linux/arm/v7', the `platform` option of a build. */
export function platformString(p: DockerPlatform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/**
 * True when an image's inspect data matches the target. arm64 images often omit the 'v8' variant, so a missing
 * variant only matters when the target names one (arm/v7 must not run a v6 or v5 image).
 */
export function platformMatches(target: DockerPlatform, actual: { os?: string; architecture?: string; variant?: string }): boolean {
  if (actual.os !== target.os || actual.architecture !== target.architecture) return false;
  if (target.variant === undefined) return actual.variant === undefined || actual.variant === '' || actual.variant === 'v8';
  return actual.variant === target.variant;
}
