// Docker createOptions for one module (render stage): derived from the typed IR fields, the spec's raw createOptions
// deep-merged on top, minified with sorted keys and split into the 512-character chunks edgeAgent reassembles.
import type { ModuleIR } from '../../ir/types.js';
import { stableJsonMinified } from '../stable-json.js';

/** edgeAgent's TwinValueMaxSize and iotedgedev's TWIN_VALUE_MAX_SIZE. */
export const CREATE_OPTIONS_CHUNK_SIZE = 512;
/** iotedgedev and the VS Code extension refuse more than 8 chunks ("maximum size of createOptions is 4K"). */
export const CREATE_OPTIONS_MAX_CHUNKS = 8;

type JsonObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Merges `override` into `base`: objects merge key by key, while arrays and scalars from `override` replace what
 * `base` had. Neither input is modified.
 */
export function deepMerge(base: JsonObject, override: JsonObject): JsonObject {
  const merged: JsonObject = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const existing = merged[key];
    merged[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value;
  }
  return merged;
}

/** The createOptions object implied by a module's ports, volumes, devices and GPUs (env goes to the manifest). */
export function deriveCreateOptions(module: ModuleIR): JsonObject {
  const options: JsonObject = {};
  const hostConfig: JsonObject = {};

  if (module.ports.length > 0) {
    const exposed: JsonObject = {};
    const bindings: Record<string, JsonObject[]> = {};
    for (const port of module.ports) {
      const key = `${port.container}/${port.protocol}`;
      exposed[key] = {};
      if (port.host !== undefined) {
        const binding: JsonObject = { HostPort: String(port.host) };
        if (port.hostIp !== undefined) binding.HostIp = port.hostIp;
        (bindings[key] ??= []).push(binding);
      }
    }
    options.ExposedPorts = exposed;
    if (Object.keys(bindings).length > 0) hostConfig.PortBindings = bindings;
  }

  const binds = module.volumes.filter((v) => v.kind === 'bind');
  if (binds.length > 0) hostConfig.Binds = binds.map((v) => `${v.source}:${v.target}${v.readOnly ? ':ro' : ''}`);
  const volumes = module.volumes.filter((v) => v.kind === 'volume');
  if (volumes.length > 0) {
    hostConfig.Mounts = volumes.map((v) => ({
      Type: 'volume',
      Source: v.source,
      Target: v.target,
      ...(v.readOnly ? { ReadOnly: true } : {}),
    }));
  }

  if (module.devices.length > 0) {
    hostConfig.Devices = module.devices.map((d) => ({
      PathOnHost: d.host,
      PathInContainer: d.container,
      CgroupPermissions: d.permissions,
    }));
  }

  if (module.gpu !== undefined) {
    // Docker's --gpus equivalent; edgelet passes unknown HostConfig keys through to the engine unchanged.
    hostConfig.DeviceRequests = [{ Driver: '', Count: module.gpu === 'all' ? -1 : module.gpu, Capabilities: [['gpu']] }];
  }

  if (Object.keys(hostConfig).length > 0) options.HostConfig = hostConfig;
  return options;
}

/**
 * The module's final createOptions as minified JSON with sorted keys. NetworkingConfig only appears when the user
 * wrote it: its presence stops edgeAgent from attaching the module to the azure-iot-edge network.
 */
export function renderCreateOptions(module: ModuleIR): string {
  return stableJsonMinified(deepMerge(deriveCreateOptions(module), module.createOptions));
}

/** The settings key of chunk `index`: createOptions, createOptions01, createOptions02, ... (no gaps allowed). */
export function createOptionsKey(index: number): string {
  return index === 0 ? 'createOptions' : `createOptions${String(index).padStart(2, '0')}`;
}

/**
 * Splits a createOptions string into settings keys of at most `chunkSize` characters each. Splits by code point so a
 * surrogate pair is never cut in two (a lone surrogate would not survive the twin's JSON).
 */
export function chunkCreateOptions(text: string, chunkSize = CREATE_OPTIONS_CHUNK_SIZE): Record<string, string> {
  const codePoints = Array.from(text);
  const chunks: Record<string, string> = {};
  if (codePoints.length === 0) return { createOptions: '' };
  for (let i = 0; i * chunkSize < codePoints.length; i++) {
    chunks[createOptionsKey(i)] = codePoints.slice(i * chunkSize, (i + 1) * chunkSize).join('');
  }
  return chunks;
}

/** Number of chunks a createOptions string needs. */
export function countCreateOptionsChunks(text: string, chunkSize = CREATE_OPTIONS_CHUNK_SIZE): number {
  return Math.max(1, Math.ceil(Array.from(text).length / chunkSize));
}

/**
 * Reassembles createOptions from module settings the way edgeAgent does: every createOptions[NN] key
 * (case-insensitive), in order, with no gaps. Throws on a gap, because edgeAgent rejects such a manifest too.
 */
export function joinCreateOptions(settings: Record<string, unknown>): string {
  const parts = new Map<number, string>();
  for (const [key, value] of Object.entries(settings)) {
    const match = /^createoptions(\d{2})?$/i.exec(key);
    if (!match || typeof value !== 'string') continue;
    parts.set(match[1] === undefined ? 0 : Number(match[1]), value);
  }
  let joined = '';
  for (let i = 0; i < parts.size; i++) {
    const part = parts.get(i);
    if (part === undefined) throw new Error(`createOptions chunks have a gap: ${createOptionsKey(i)} is missing.`);
    joined += part;
  }
  return joined;
}
