// Resolves the secret references in rendered deployment content, only when plan or apply needs the real values:
// `${NAME}` from the environment or from values apply fetched from Azure (registry credentials). Plan/apply stage.
// The resolved content holds secrets: it goes to the IoT Hub SDK and to comparisons, never to output or logs.
import type { ConfigurationContent } from '../providers/types.js';

const reference = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export interface SecretSources {
  /** The environment, plus values fetched from Azure (a created registry's EDGEML_REGISTRY_* credentials). */
  env: Readonly<Record<string, string | undefined>>;
}

export interface ResolvedContent {
  content: ConfigurationContent;
  /** Environment variables referenced but not set (their references stay in the content). */
  missing: string[];
}

/** Names of the environment variables the content refers to, sorted. */
export function secretReferences(content: ConfigurationContent): string[] {
  const names = new Set<string>();
  for (const match of JSON.stringify(content).matchAll(reference)) names.add(match[1]);
  return [...names].sort();
}

function mapStrings(value: unknown, fn: (text: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  }
  return value;
}

export function resolveContent(content: ConfigurationContent, sources: SecretSources): ResolvedContent {
  const missing = new Set<string>();
  const resolved = mapStrings(content, (text) =>
    text.replace(reference, (whole, name: string) => {
      const value = sources.env[name];
      if (value === undefined || value === '') {
        missing.add(name);
        return whole;
      }
      return value;
    }),
  ) as ConfigurationContent;
  return { content: resolved, missing: [...missing].sort() };
}
