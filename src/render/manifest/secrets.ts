// Secret references in deployment manifests (render stage, also used by apply): a secret is written as a `${NAME}`
// placeholder and only replaced with its value in memory or in a private temporary file at deploy time.
import {
  isSecretRef,
  type EnvVarIR,
  type MaybeSecret,
  type ModuleIR,
  type RegistryIR,
  type SecretRef,
  type SpecPath,
  type WorkflowIR,
} from '../../ir/types.js';

/** Environment variables that carry the credentials of a registry edgeml creates (filled by apply / 01-create). */
export const CREATED_REGISTRY_USERNAME_ENV = 'EDGEML_REGISTRY_USERNAME';
export const CREATED_REGISTRY_PASSWORD_ENV = 'EDGEML_REGISTRY_PASSWORD';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isValidSecretName(name: string): boolean {
  return ENV_NAME.test(name);
}

export function secretPlaceholder(ref: SecretRef): string {
  return '${' + ref.env + '}';
}

/** A manifest string value: plain strings as they are, secrets as `${NAME}`. */
export function manifestValue(value: MaybeSecret): string {
  return isSecretRef(value) ? secretPlaceholder(value) : value;
}

/** A secret reference found in the IR, with the spec location it came from (for messages). */
export interface SecretUse {
  env: string;
  where: string;
  /** Where the reference is in the spec, for diagnostics. */
  path: SpecPath;
}

/** Registry credentials as the manifest shows them, or undefined for a registry that needs none. */
export function registryCredentialRefs(registry: RegistryIR): { username: MaybeSecret; password: SecretRef } | undefined {
  switch (registry.kind) {
    case 'create':
      return {
        username: { kind: 'secret', env: CREATED_REGISTRY_USERNAME_ENV },
        password: { kind: 'secret', env: CREATED_REGISTRY_PASSWORD_ENV },
      };
    case 'existing':
      return { username: registry.username, password: registry.password };
    case 'anonymous':
      return undefined;
  }
}

/**
 * A module's environment in the manifest: the spec's env plus, for a capture module whose RTSP URL is a secret, that
 * variable itself. The capture config only names the variable (see render/capture-config.ts), so the deployment
 * must pass it to the container.
 */
export function moduleEnvironment(module: ModuleIR): EnvVarIR[] {
  const env = [...module.env];
  const source = module.capture?.source;
  if (source?.kind === 'rtsp' && isSecretRef(source.url)) {
    const name = source.url.env;
    if (!env.some((variable) => variable.name === name)) env.push({ name, value: source.url });
  }
  return env;
}

/** Every secret the deployment manifest references, in a stable order (apply needs each one's value). */
export function listManifestSecrets(ir: WorkflowIR): SecretUse[] {
  const uses: SecretUse[] = [];
  const credentials = registryCredentialRefs(ir.azure.registry);
  if (credentials) {
    if (isSecretRef(credentials.username))
      uses.push({ env: credentials.username.env, where: 'azure.registry.username', path: ['azure', 'registry', 'username'] });
    uses.push({ env: credentials.password.env, where: 'azure.registry.password', path: ['azure', 'registry', 'password'] });
  }
  for (const module of ir.modules) {
    for (const variable of moduleEnvironment(module)) {
      if (!isSecretRef(variable.value)) continue;
      const declared = module.env.includes(variable);
      uses.push({
        env: variable.value.env,
        where: declared ? `modules.${module.name}.env.${variable.name}` : `modules.${module.name}.source.rtsp`,
        path: declared ? [...module.path, 'env', variable.name] : [...module.path, 'source', 'rtsp'],
      });
    }
  }
  return uses;
}

/**
 * Replaces the `${NAME}` placeholders of the given secret names in manifest JSON text with their values, escaped for
 * a JSON string. Only known names are touched, so other `${...}` text passes through. Returns the names that had no
 * value instead of failing half-way, so the caller can report all of them at once.
 */
export function fillSecretPlaceholders(
  jsonText: string,
  names: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): { text: string; missing: string[] } {
  const missing = names.filter((name) => env[name] === undefined || env[name] === '');
  if (missing.length > 0) return { text: jsonText, missing: [...new Set(missing)] };
  let text = jsonText;
  for (const name of new Set(names)) {
    const escaped = JSON.stringify(env[name]).slice(1, -1);
    text = text.split('${' + name + '}').join(escaped);
  }
  return { text, missing: [] };
}
