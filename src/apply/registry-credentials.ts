// Registry credentials, resolved only when apply needs them: for a registry edgeml created, the admin user from
// Azure (listCredentials) offered as EDGEML_REGISTRY_USERNAME/PASSWORD; for an existing one, the environment
// variables the spec names. Fetched once per run. Apply stage.
import { isSecretRef, type AzureIR } from '../ir/types.js';
import { CREATED_REGISTRY_PASSWORD_ENV, CREATED_REGISTRY_USERNAME_ENV } from '../render/manifest/secrets.js';
import type { RegistryAuth } from '../providers/docker/docker-provider.js';
import { SecretValue, isProviderError, type ArmProvider } from '../providers/types.js';
import { applyError } from './errors.js';

export interface RegistrySecrets {
  /** Push credentials; undefined for an anonymous registry. */
  auth?: RegistryAuth;
  /** Extra "environment" for resolving the manifest's `${NAME}` references. Holds secrets: never print it. */
  env: Record<string, string>;
}

type Env = Readonly<Record<string, string | undefined>>;

export function createRegistrySecretsLoader(azure: AzureIR, arm: ArmProvider, env: Env): () => Promise<RegistrySecrets> {
  let pending: Promise<RegistrySecrets> | undefined;
  return () => (pending ??= load(azure, arm, env));
}

async function load(azure: AzureIR, arm: ArmProvider, env: Env): Promise<RegistrySecrets> {
  const registry = azure.registry;
  switch (registry.kind) {
    case 'anonymous':
      return { env: {} };
    case 'existing': {
      const username = isSecretRef(registry.username) ? env[registry.username.env] : registry.username;
      const password = env[registry.password.env];
      if (isSecretRef(registry.username) && !username) throw applyError('secretMissing', { name: registry.username.env });
      if (!password) throw applyError('secretMissing', { name: registry.password.env });
      return { auth: { address: registry.address, username: username!, password: new SecretValue(password) }, env: {} };
    }
    case 'create': {
      const fromEnv = { username: env[CREATED_REGISTRY_USERNAME_ENV], password: env[CREATED_REGISTRY_PASSWORD_ENV] };
      if (fromEnv.username && fromEnv.password) {
        return { auth: { address: registry.address, username: fromEnv.username, password: new SecretValue(fromEnv.password) }, env: {} };
      }
      try {
        const credentials = await arm.getRegistryCredentials(azure.resourceGroup, registry.name);
        return {
          auth: { address: registry.address, username: credentials.username, password: credentials.password },
          env: { [CREATED_REGISTRY_USERNAME_ENV]: credentials.username, [CREATED_REGISTRY_PASSWORD_ENV]: credentials.password.reveal() },
        };
      } catch (error) {
        if (isProviderError(error))
          throw applyError('registryCredentials', { registry: registry.name, reason: `${error.code}: ${error.message}` });
        throw error;
      }
    }
  }
}
