// The environment a locally run module gets: a minimal base (PATH, HOME, locale) plus the module's own env from the
// spec, secrets read from the caller's environment. Local stage (`edgeml run`). Never logs values.
import { isSecretRef, type ModuleIR } from '../ir/types.js';

const PASSED_THROUGH = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'TZ', 'EDGEML_FFMPEG'] as const;

export function moduleEnvironment(
  module: ModuleIR,
  env: Readonly<Record<string, string | undefined>>,
  extra: Record<string, string> = {},
): { env: Record<string, string>; missing: string[] } {
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of PASSED_THROUGH) if (env[name] !== undefined) out[name] = env[name]!;
  for (const variable of module.env) {
    if (isSecretRef(variable.value)) {
      const value = env[variable.value.env];
      if (value === undefined) missing.push(variable.value.env);
      else out[variable.name] = value;
    } else {
      out[variable.name] = variable.value;
    }
  }
  return { env: { ...out, ...extra }, missing };
}
