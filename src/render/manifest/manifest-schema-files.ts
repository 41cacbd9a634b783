// The vendored IoT Edge manifest schemas (schemas/vendor/, from SchemaStore) and how to read them. Kept apart from
// the validator so the build step that precompiles these schemas can import it before the precompiled modules exist.
export const MANIFEST_SCHEMA_FILES = {
  agent: 'azure-iot-edgeagent-deployment-1.1.json',
  hub: 'azure-iot-edgehub-deployment-1.1.json',
} as const;

/**
 * Removes commas that directly precede `]` or `}` outside strings. The vendored edgeAgent schema has one such
 * trailing comma upstream; the file stays verbatim, so the loader tolerates it.
 */
export function stripTrailingCommas(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    if (ch === ',') {
      const next = /\S/.exec(text.slice(i + 1));
      if (next && (next[0] === ']' || next[0] === '}')) continue;
    }
    out += ch;
  }
  return out;
}
