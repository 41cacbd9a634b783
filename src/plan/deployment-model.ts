// Reads a deployment's content (base or layered form, or live module twins) into one comparable shape: modules
// with their fields, routes and deployment-wide settings. Plan stage; pure functions, no I/O.
import type { ConfigurationContent, TwinProperties } from '../providers/types.js';
import type { RouteValue } from './types.js';

export interface ModuleModel {
  name: string;
  system: boolean;
  /** Leaf fields by dotted name: image, createOptions, env.NAME, restartPolicy, status, version, startupOrder, twin.x… */
  fields: Map<string, unknown>;
}

export interface DeploymentModel {
  modules: Map<string, ModuleModel>;
  routes: Map<string, RouteValue>;
  /** runtime.*, schemaVersion.*, storeAndForward.* leaves. */
  settings: Map<string, unknown>;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The desired properties of one twin section, with layered dotted keys ('properties.desired.modules.x') expanded.
 * Keys starting with '$' ($version, $metadata) are service bookkeeping and are dropped.
 */
export function expandDesired(section: Json | undefined): Json {
  const result: Json = {};
  if (!section) return result;
  for (const [key, value] of Object.entries(section)) {
    if (key === 'properties.desired') {
      if (isObject(value)) Object.assign(result, structuredClone(value));
    } else if (key.startsWith('properties.desired.')) {
      setPath(result, key.slice('properties.desired.'.length).split('.'), structuredClone(value));
    }
  }
  return stripServiceKeys(result) as Json;
}

function setPath(target: Json, path: string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    if (!isObject(node[segment])) node[segment] = {};
    node = node[segment] as Json;
  }
  node[path[path.length - 1]] = value;
}

export function stripServiceKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripServiceKeys);
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) if (!k.startsWith('$')) out[k] = stripServiceKeys(v);
  return out;
}

/** createOptions, createOptions01, … joined in key order (edgeAgent's chunking), parsed when it is JSON. */
export function joinCreateOptions(settings: Json): unknown {
  const keys = Object.keys(settings)
    .filter((k) => /^createoptions\d*$/i.test(k))
    .sort();
  if (keys.length === 0) return undefined;
  const text = keys.map((k) => String(settings[k] ?? '')).join('');
  if (text.trim() === '' || text.trim() === 'null') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Flattens nested objects into dotted leaves; arrays are leaves (compared whole). Empty objects and nulls are
 * left out: a twin drops them (null deletes a property), so they must not show up as differences.
 */
export function flatten(value: unknown, prefix: string, into: Map<string, unknown>): void {
  if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, into);
  } else if (prefix && value !== null && value !== undefined) {
    into.set(prefix, value);
  }
}

/** Short names for the fields people read in a plan; every other leaf keeps its path in the module spec. */
function fieldName(path: string): string {
  if (path === 'settings.image') return 'image';
  const env = /^env\.(.+)\.value$/.exec(path);
  return env ? `env.${env[1]}` : path;
}

function moduleModel(name: string, system: boolean, spec: Json, twin: Json | undefined): ModuleModel {
  const fields = new Map<string, unknown>();
  const { settings: rawSettings, ...rest } = spec;
  const settings = isObject(rawSettings) ? rawSettings : {};
  const leaves = new Map<string, unknown>();
  flatten(rest, '', leaves);
  const plainSettings = Object.fromEntries(Object.entries(settings).filter(([k]) => !/^createoptions\d*$/i.test(k)));
  flatten(plainSettings, 'settings', leaves);
  for (const [path, value] of leaves) fields.set(fieldName(path), value);
  // createOptions compare as one JSON document, whatever the chunking: the runtime joins the chunks before reading.
  const createOptions = joinCreateOptions(settings);
  if (createOptions !== undefined) fields.set('createOptions', createOptions);
  if (twin && Object.keys(twin).length > 0) flatten(twin, 'twin', fields);
  return { name, system, fields };
}

function routeValue(value: unknown): RouteValue {
  if (typeof value === 'string') return { route: value };
  const v = isObject(value) ? value : {};
  const route: RouteValue = { route: String(v.route ?? '') };
  if (typeof v.priority === 'number') route.priority = v.priority;
  if (typeof v.timeToLiveSecs === 'number') route.timeToLiveSecs = v.timeToLiveSecs;
  return route;
}

/**
 * Builds the model from the three parts a deployment sets: edgeAgent's and edgeHub's desired properties and the
 * desired properties of user-module twins (by module name).
 */
export function modelFromDesired(agent: Json, hub: Json, moduleTwins: ReadonlyMap<string, Json>): DeploymentModel {
  const modules = new Map<string, ModuleModel>();
  const systemModules = isObject(agent.systemModules) ? agent.systemModules : {};
  for (const [name, spec] of Object.entries(systemModules)) {
    if (isObject(spec)) modules.set(name, moduleModel(name, true, spec, undefined));
  }
  const userModules = isObject(agent.modules) ? agent.modules : {};
  for (const [name, spec] of Object.entries(userModules)) {
    if (isObject(spec)) modules.set(name, moduleModel(name, false, spec, moduleTwins.get(name)));
  }
  const routes = new Map<string, RouteValue>();
  for (const [name, value] of Object.entries(isObject(hub.routes) ? hub.routes : {})) routes.set(name, routeValue(value));

  // Everything else edgeAgent and edgeHub are told (schema versions, runtime, store-and-forward) is a setting.
  const settings = new Map<string, unknown>();
  const { systemModules: _s, modules: _m, ...agentRest } = agent;
  const { routes: _r, ...hubRest } = hub;
  flatten(agentRest, 'edgeAgent', settings);
  flatten(hubRest, 'edgeHub', settings);
  return { modules, routes, settings };
}

/** The model of a deployment's content (what edgeml renders, or a live configuration's content). */
export function modelFromContent(content: ConfigurationContent): DeploymentModel {
  const sections = content.modulesContent ?? {};
  const twins = new Map<string, Json>();
  for (const [moduleId, section] of Object.entries(sections)) {
    if (!moduleId.startsWith('$')) twins.set(moduleId, expandDesired(section));
  }
  return modelFromDesired(expandDesired(sections.$edgeAgent), expandDesired(sections.$edgeHub), twins);
}

/** The model of what a single device has been told to run: its module twins' desired properties. */
export function modelFromTwins(
  agent: TwinProperties | undefined,
  hub: TwinProperties | undefined,
  moduleTwins: ReadonlyMap<string, TwinProperties>,
): DeploymentModel {
  const twins = new Map<string, Json>();
  for (const [name, desired] of moduleTwins) twins.set(name, stripServiceKeys(desired) as Json);
  return modelFromDesired(stripServiceKeys(agent ?? {}) as Json, stripServiceKeys(hub ?? {}) as Json, twins);
}

/** Names of the user modules whose twin the content sets (their live twins must be read to compare). */
export function modulesWithTwinSections(content: ConfigurationContent): string[] {
  return Object.keys(content.modulesContent ?? {})
    .filter((id) => !id.startsWith('$'))
    .sort();
}
