// Content hash of an IoT Hub configuration (render stage; apply uses the same functions). IoT Hub never lets a
// configuration's content change, so each distinct content gets its own id: `<base id>-<first 12 hex of sha256>`.
import { createHash } from 'node:crypto';
import { stableJsonMinified } from '../stable-json.js';

export const CONTENT_HASH_LENGTH = 12;

/**
 * sha256 (hex) over the minified, key-sorted JSON of `content`. Hash the content with secret placeholders, before
 * any value is filled in, so the id never depends on (or reveals anything about) a secret.
 */
export function hashConfigurationContent(content: unknown): string {
  return createHash('sha256').update(stableJsonMinified(content), 'utf8').digest('hex');
}

/** The configuration id for `content`: the base id, a dash and 12 hex digits of its content hash. */
export function configurationId(baseId: string, content: unknown): string {
  return `${baseId}-${hashConfigurationContent(content).slice(0, CONTENT_HASH_LENGTH)}`;
}

/** Splits an id made by configurationId back into its base id and hash, or undefined for other ids. */
export function parseConfigurationId(id: string): { baseId: string; hash: string } | undefined {
  const match = /^(.+)-([0-9a-f]{12})$/.exec(id);
  return match ? { baseId: match[1], hash: match[2] } : undefined;
}
