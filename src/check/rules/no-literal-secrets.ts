// Check: secrets (passwords, keys, tokens, connection strings) never appear as values in a spec; they are references.
import { defineCheck } from '../define-check.js';
import { isSecretRef } from '../../ir/types.js';

const SECRET_NAME =
  /(pass(word|wd)?|secret|token|api[_-]?key|access[_-]?key|account[_-]?key|private[_-]?key|connection[_-]?string|conn[_-]?str|sas)($|[_-])/i;
const SECRET_VALUE =
  /(SharedAccessKey=|AccountKey=|SharedAccessSignature\s+sr=|-----BEGIN [A-Z ]*PRIVATE KEY-----|\bsig=[A-Za-z0-9%+/=]{20,})/;

export default defineCheck({
  meta: {
    id: 'no-literal-secrets',
    description: 'Secret values are written as ${env:NAME} references, never literally.',
    messages: {
      secretEnv: {
        code: 'EML3951',
        text: (d: { module: string; name: string }) =>
          `Environment variable '${d.name}' of module '${d.module}' looks like a secret but has a literal value.`,
        hint: (d: { name: string }) => `Write ${d.name}: { secret: \${env:${d.name}} } so the value is resolved only when applying.`,
      },
      secretValue: {
        code: 'EML3952',
        text: (d: { where: string }) => `${d.where} contains what looks like a key or connection string.`,
        hint: () => 'Remove it from the spec and pass it as a reference such as ${env:NAME}.',
      },
      rtspCredentials: {
        code: 'EML3953',
        text: (d: { module: string }) => `The RTSP URL of module '${d.module}' contains a password.`,
        hint: () => 'Write rtsp: ${env:RTSP_URL} and set RTSP_URL when applying.',
      },
    },
  },
  check(ctx) {
    for (const module of ctx.ir.modules) {
      for (const variable of module.env) {
        if (!isSecretRef(variable.value) && SECRET_NAME.test(variable.name) && variable.value !== '') {
          ctx.report('secretEnv', { module: module.name, name: variable.name }, [...module.path, 'env', variable.name]);
        }
      }
      const source = module.capture?.source;
      if (source?.kind === 'rtsp' && typeof source.url === 'string' && /^rtsps?:\/\/[^/@\s]*:[^/@\s]*@/.test(source.url)) {
        ctx.report('rtspCredentials', { module: module.name }, [...module.path, 'source', 'rtsp']);
      }
    }
    walk(ctx.data, [], (path) => ctx.report('secretValue', { where: path.map(String).join('.') }, path));
  },
});

/** Visits every string in the spec; `path` is one stack reused along the walk (copied only when reporting). */
function walk(value: unknown, path: (string | number)[], found: (path: (string | number)[]) => void): void {
  if (typeof value === 'string') {
    if (SECRET_VALUE.test(value)) found([...path]);
    return;
  }
  if (!value || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(value[i], path, found);
      path.pop();
    }
    return;
  }
  for (const key in value) {
    path.push(key);
    walk((value as Record<string, unknown>)[key], path, found);
    path.pop();
  }
}
