// Compares a desired deployment model with the live one: modules (added / removed / changed fields), routes and
// settings. Plan stage; pure. Values of sensitive fields are dropped here so they can never reach a renderer.
import { stableJsonMinified as stableJson } from '../render/stable-json.js';
import type { DeploymentModel, ModuleModel } from './deployment-model.js';
import type { FieldChange, ModuleChange, ModuleFieldGroup, RouteChange, RouteValue, SettingsChange } from './types.js';

/** Which group a field belongs to, by its first path segment. */
const fieldGroups: Record<string, ModuleFieldGroup> = {
  image: 'image',
  createOptions: 'createOptions',
  env: 'env',
  restartPolicy: 'restartPolicy',
  status: 'status',
  twin: 'twin',
};

export function groupOf(field: string): ModuleFieldGroup {
  return fieldGroups[field.split('.')[0]] ?? 'other';
}

const secretReference = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/;
const passwordField = /(^|\.)password$/i;

export interface DiffInput {
  /** The desired model with secrets resolved (what apply would send). */
  desired: DeploymentModel;
  /** The desired model as rendered, with `${NAME}` secret references: decides what is sensitive. */
  desiredRendered: DeploymentModel;
  /** The live model; undefined when nothing is deployed yet. */
  live: DeploymentModel | undefined;
}

export interface DeploymentDiff {
  modules: ModuleChange[];
  routes: RouteChange[];
  settings?: SettingsChange;
}

function isSensitive(field: string, rendered: unknown): boolean {
  return passwordField.test(field) || (typeof rendered === 'string' && secretReference.test(rendered));
}

function isUnknown(value: unknown): boolean {
  return typeof value === 'string' && secretReference.test(value);
}

function same(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

/** Field-by-field comparison of two leaf maps; `rendered` tells which desired fields are secret. */
export function diffFields(
  desired: Map<string, unknown> | undefined,
  live: Map<string, unknown> | undefined,
  rendered: Map<string, unknown> | undefined,
): { changes: FieldChange[]; unchanged: number } {
  const names = new Set([...(desired?.keys() ?? []), ...(live?.keys() ?? [])]);
  const changes: FieldChange[] = [];
  let unchanged = 0;
  for (const field of [...names].sort()) {
    const after = desired?.get(field);
    const before = live?.get(field);
    const hasAfter = desired?.has(field) ?? false;
    const hasBefore = live?.has(field) ?? false;
    if (hasAfter && hasBefore && same(after, before) && !isUnknown(after)) {
      unchanged += 1;
      continue;
    }
    const change: FieldChange = { field };
    const unknown = hasAfter && isUnknown(after);
    // Sensitive values are replaced here, before any renderer sees the change.
    if (isSensitive(field, rendered?.get(field)) || isSensitive(field, before)) {
      change.sensitive = true;
      if (hasBefore) change.before = '(sensitive)';
      if (hasAfter && !unknown) change.after = '(sensitive)';
    } else {
      if (hasBefore) change.before = before;
      if (hasAfter && !unknown) change.after = after;
    }
    if (unknown) change.unknownAfter = true;
    changes.push(change);
  }
  return { changes, unchanged };
}

function diffModule(
  name: string,
  desired: ModuleModel | undefined,
  live: ModuleModel | undefined,
  rendered: ModuleModel | undefined,
): ModuleChange | undefined {
  const { changes, unchanged } = diffFields(desired?.fields, live?.fields, rendered?.fields);
  const system = (desired ?? live)!.system;
  if (!live) return { name, system, action: 'create', fields: changes, groups: [], unchanged: 0 };
  if (!desired) return { name, system, action: 'delete', fields: changes, groups: [], unchanged: 0 };
  if (changes.length === 0) return undefined;
  const groups = [...new Set(changes.map((c) => groupOf(c.field)))].sort();
  return { name, system, action: 'update', fields: changes, groups, unchanged };
}

function sameRoute(a: RouteValue, b: RouteValue): boolean {
  return a.route.trim() === b.route.trim() && a.priority === b.priority && a.timeToLiveSecs === b.timeToLiveSecs;
}

export function diffDeployment(input: DiffInput): DeploymentDiff {
  const { desired, desiredRendered, live } = input;
  const modules: ModuleChange[] = [];
  const moduleNames = new Set([...desired.modules.keys(), ...(live?.modules.keys() ?? [])]);
  for (const name of [...moduleNames].sort()) {
    const change = diffModule(name, desired.modules.get(name), live?.modules.get(name), desiredRendered.modules.get(name));
    if (change) modules.push(change);
  }

  const routes: RouteChange[] = [];
  const routeNames = new Set([...desired.routes.keys(), ...(live?.routes.keys() ?? [])]);
  for (const name of [...routeNames].sort()) {
    const after = desired.routes.get(name);
    const before = live?.routes.get(name);
    if (after && !before) routes.push({ name, action: 'create', after });
    else if (!after && before) routes.push({ name, action: 'delete', before });
    else if (after && before && !sameRoute(after, before)) routes.push({ name, action: 'update', before, after });
  }

  const result: DeploymentDiff = { modules, routes };
  const settings = diffFields(desired.settings, live?.settings, desiredRendered.settings);
  if (settings.changes.length > 0) result.settings = { action: live ? 'update' : 'create', fields: settings.changes };
  return result;
}
