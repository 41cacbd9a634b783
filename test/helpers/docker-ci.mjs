// Test helper: the Docker engine and registry that .ci/docker-setup.sh starts, and why image tests cannot run when
// they are missing (the tests then print a NOTICE and skip, never pass silently).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { whyMissing } from './requires.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Where .ci/docker-setup.sh records what it started. */
export const CI_STATE_DIR = process.env.EDGEML_CI_STATE ?? '/var/lib/edgeml-ci';

/** The anonymous registry images are pushed to: $EDGEML_TEST_REGISTRY, the one CI recorded, or localhost:5000. */
export function ciRegistryAddress() {
  if (process.env.EDGEML_TEST_REGISTRY) return process.env.EDGEML_TEST_REGISTRY;
  const file = join(CI_STATE_DIR, 'registry');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : 'localhost:5000';
}

/**
 * Why generated images cannot be built and pushed here, or undefined when they can: the engine must answer, the
 * registry too, and (with `needBaseImage`) the scoring Dockerfile's base image must be present, since builds are offline.
 */
export async function whyImagesCannotBeBuilt({ needBaseImage = true } = {}) {
  const engine = whyMissing('docker');
  if (engine) return engine;
  const registry = ciRegistryAddress();
  const ping = await fetch(`http://${registry}/v2/`).catch(() => undefined);
  if (!ping?.ok) return `no anonymous registry at ${registry}`;
  if (!needBaseImage) return undefined;
  const dockerfile = readFileSync(join(root, 'generated/text-orientation/modules/orientation/Dockerfile.amd64'), 'utf8');
  const base = /^FROM (\S+) AS build$/m.exec(dockerfile)?.[1];
  if (base && spawnSync('docker', ['image', 'inspect', base], { stdio: 'ignore' }).status !== 0)
    return `base image ${base} not available offline`;
  return undefined;
}
