// One module twin of the local edgeHub: desired properties from the spec (and `--invoke module.$twin=…` patches),
// reported properties from the module, each with IoT Hub's $version and JSON-merge-patch semantics (null deletes).
// Local stage. Sizes are bounded as IoT Hub bounds them (32 KB per section), so a module that grows its reported
// properties without end gets the error it would get on a device.

export const TWIN_SECTION_MAX_BYTES = 32 * 1024;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON merge patch (RFC 7396) into a fresh object; `$`-prefixed metadata keys in the patch are ignored. */
function mergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = Object.create(null) as JsonObject;
  for (const [k, v] of Object.entries(target)) out[k] = v;
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) delete out[key];
    else if (isObject(value)) out[key] = mergePatch(isObject(out[key]) ? (out[key] as JsonObject) : {}, value);
    else out[key] = value;
  }
  return out;
}

/** Copies parsed JSON into null-prototype objects, so a `__proto__` key stays a plain key. */
function cleanJson(value: unknown): Json {
  if (Array.isArray(value)) return value.map(cleanJson);
  if (isObject(value)) {
    const out: JsonObject = Object.create(null) as JsonObject;
    for (const [k, v] of Object.entries(value)) out[k] = cleanJson(v);
    return out;
  }
  return value as Json;
}

export type PatchResult = { ok: true; version: number } | { ok: false; status: number; message: string };

export class ModuleTwin {
  private desired: JsonObject;
  private reported: JsonObject = Object.create(null) as JsonObject;
  private desiredVersion = 1;
  private reportedVersion = 1;

  constructor(desired: Readonly<Record<string, unknown>> = {}) {
    this.desired = cleanJson(desired) as JsonObject;
  }

  /** The document a twin GET answers with (a plain JSON copy). */
  document(): { desired: JsonObject; reported: JsonObject } {
    const text = JSON.stringify({
      desired: { ...this.desired, $version: this.desiredVersion },
      reported: { ...this.reported, $version: this.reportedVersion },
    });
    return JSON.parse(text) as { desired: JsonObject; reported: JsonObject };
  }

  patchReported(patch: unknown): PatchResult {
    return this.apply('reported', patch);
  }

  /** Applies a desired patch; the returned version goes on the notification the module receives. */
  patchDesired(patch: unknown): PatchResult {
    return this.apply('desired', patch);
  }

  private apply(section: 'desired' | 'reported', patch: unknown): PatchResult {
    if (!isObject(patch)) return { ok: false, status: 400, message: `a ${section} properties patch must be a JSON object` };
    const merged = mergePatch(this[section], cleanJson(patch) as JsonObject);
    const size = Buffer.byteLength(JSON.stringify(merged));
    if (size > TWIN_SECTION_MAX_BYTES)
      return {
        ok: false,
        status: 400,
        message: `the ${section} properties would be ${size} bytes, over IoT Hub's ${TWIN_SECTION_MAX_BYTES}`,
      };
    this[section] = merged;
    const version = section === 'desired' ? ++this.desiredVersion : ++this.reportedVersion;
    return { ok: true, version };
  }
}
