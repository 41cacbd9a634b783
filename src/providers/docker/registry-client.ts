// Asks a registry (Docker Registry HTTP API v2) for an image's manifest digest without a Docker engine: anonymous,
// Basic, or Bearer-token auth (the token dance ACR and Docker Hub use). `apply --skip-build` uses it to check that
// the images it will deploy exist. Apply stage (providers). Credentials go only into Authorization headers.
import { ProviderError } from '../types.js';
import type { RegistryAuth } from './docker-provider.js';
import { splitReference } from './docker-provider.js';

const manifestTypes = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** Registries Docker itself talks to over plain HTTP: loopback ones. */
function baseUrl(host: string): string {
  const name = host.replace(/:\d+$/, '');
  const insecure = name === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(name) || name === '[::1]';
  return `${insecure ? 'http' : 'https'}://${host}`;
}

/** Parses `Bearer realm="…",service="…",scope="…"`. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const [scheme, ...rest] = header.split(' ');
  const params: Record<string, string> = {};
  for (const match of rest.join(' ').matchAll(/(\w+)="([^"]*)"/g)) params[match[1]] = match[2];
  return { scheme: scheme.toLowerCase(), params };
}

function basic(auth: RegistryAuth): string {
  return `Basic ${Buffer.from(`${auth.username}:${auth.password.reveal()}`).toString('base64')}`;
}

function failure(message: string, status?: number): ProviderError {
  return new ProviderError({
    code: 'RegistryError',
    status,
    message,
    operation: 'registry.manifest',
    retryable: status !== undefined && status >= 500,
  });
}

/** The digest of `ref`'s manifest, or undefined when the registry does not have it. */
export async function manifestDigest(ref: string, auth?: RegistryAuth): Promise<string | undefined> {
  const { repository, tag } = splitReference(ref);
  const slash = repository.indexOf('/');
  const host = repository.slice(0, slash);
  const path = repository.slice(slash + 1);
  const url = `${baseUrl(host)}/v2/${path}/manifests/${encodeURIComponent(tag)}`;
  const head = (authorization?: string) =>
    fetch(url, { method: 'HEAD', headers: { accept: manifestTypes, ...(authorization ? { authorization } : {}) } }).catch(
      (error: Error) => {
        throw failure(`cannot reach ${host}: ${error.message}`);
      },
    );

  let response = await head(auth ? basic(auth) : undefined);
  if (response.status === 401) {
    const challenge = parseChallenge(response.headers.get('www-authenticate') ?? '');
    if (challenge.scheme === 'bearer' && challenge.params.realm) {
      const tokenUrl = new URL(challenge.params.realm);
      if (challenge.params.service) tokenUrl.searchParams.set('service', challenge.params.service);
      tokenUrl.searchParams.set('scope', challenge.params.scope ?? `repository:${path}:pull`);
      const tokenResponse = await fetch(tokenUrl, { headers: auth ? { authorization: basic(auth) } : {} }).catch((error: Error) => {
        throw failure(`cannot reach the token service of ${host}: ${error.message}`);
      });
      if (!tokenResponse.ok) throw failure(`the token service of ${host} answered ${tokenResponse.status}`, tokenResponse.status);
      const body = (await tokenResponse.json()) as { token?: string; access_token?: string };
      response = await head(`Bearer ${body.token ?? body.access_token ?? ''}`);
    }
  }
  if (response.status === 404) return undefined;
  if (!response.ok) throw failure(`${host} answered ${response.status} for ${path}:${tag}`, response.status);
  return response.headers.get('docker-content-digest') ?? undefined;
}
