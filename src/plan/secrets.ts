// Resolves the secret references in rendered deployment content, only when plan or apply needs the real values:
// `${NAME}` from the environment, and the credentials of a registry edgeml manages from Azure. Plan/apply stage.
// The resolved content holds secrets: it goes to the IoT Hub SDK and to comparisons, never to output or logs.
import type { ConfigurationContent, SecretValue } from '../providers/types.js';

const reference = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export interface RegistrySecret {
  address: string;
  username: string;
  password: SecretValue;
}

export interface SecretSources {
  env: Readonly<Record<string, string | undefined>>;
  /** Credentials fetched from Azure for registries edgeml manages, matched by address. */
  registries?: readonly RegistrySecret[];
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

type Json = Record<string, unknown>;

/** Registry credential blocks in edgeAgent's desired properties, base or layered form. */
function registryCredentialBlocks(content: ConfigurationContent): Json[] {
  const agent = content.modulesContent?.$edgeAgent as Json | undefined;
  if (!agent) return [];
  const desired = agent['properties.desired'] as Json | undefined;
  const fromBase = ((desired?.runtime as Json | undefined)?.settings as Json | undefined)?.registryCredentials as Json | undefined;
  const fromLayered = agent['properties.desired.runtime.settings.registryCredentials'] as Json | undefined;
  return [fromBase, fromLayered].flatMap((group) => Object.values(group ?? {})).filter((b): b is Json => typeof b === 'object' && b !== null);
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
  // A registry edgeml created has no environment variables: its admin credentials come from Azure.
  for (const block of registryCredentialBlocks(resolved)) {
    const registry = sources.registries?.find((r) => r.address === block.address);
    if (!registry) continue;
    block.username = registry.username;
    block.password = registry.password.reveal();
  }
  const stillMissing = [...missing].filter((name) => secretReferences(resolved).includes(name));
  return { content: resolved, missing: stillMissing.sort() };
}
