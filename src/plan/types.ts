// The typed plan: what apply would change, from a desired-vs-live comparison. Plan stage (between render and
// apply). Plain data, safe to print or serialise: secret values never enter it (sensitive fields carry no value).

import type { PlannedRollout } from '../rollout/plan-rings.js';

export type ChangeAction = 'create' | 'update' | 'delete';

/** One changed field of a module, route or setting. `before`/`after` are absent when the field is sensitive. */
export interface FieldChange {
  /** e.g. 'image', 'env.LOG_LEVEL', 'createOptions', 'twin.threshold', 'restartPolicy'. */
  field: string;
  before?: unknown;
  after?: unknown;
  /** True for secret values: shown as (sensitive). */
  sensitive?: boolean;
  /** The new value cannot be known before apply (e.g. a secret that is not set yet). */
  unknownAfter?: boolean;
}

/** The kind of field a module change touches, as the issue lists them. */
export type ModuleFieldGroup = 'image' | 'createOptions' | 'env' | 'restartPolicy' | 'status' | 'twin' | 'other';

export interface ModuleChange {
  name: string;
  /** edgeAgent and edgeHub are system modules. */
  system: boolean;
  action: ChangeAction;
  /** For updates: the fields that differ. For create/delete: every field, with only `after` or `before`. */
  fields: FieldChange[];
  /** Which groups of fields changed (updates only), sorted. */
  groups: ModuleFieldGroup[];
  /** Fields that did not change (updates only), for the "(N unchanged attributes hidden)" line. */
  unchanged: number;
}

export interface RouteChange {
  name: string;
  action: ChangeAction;
  before?: RouteValue;
  after?: RouteValue;
}

export interface RouteValue {
  route: string;
  priority?: number;
  timeToLiveSecs?: number;
}

/** Deployment-wide settings: runtime (registry credentials), schema versions, store-and-forward. */
export interface SettingsChange {
  action: ChangeAction;
  fields: FieldChange[];
}

export type ResourceKind = 'resource-group' | 'iot-hub' | 'registry' | 'edge-device' | 'configuration';

export interface ResourceChange {
  kind: ResourceKind;
  name: string;
  action: ChangeAction;
  /** Why, e.g. 'content changed; replaces eml-abc123 at priority 11'. */
  reason?: string;
}

export interface Plan {
  workflow: string;
  target: 'device' | 'fleet';
  /** The device id or the configuration base id. */
  targetName: string;
  resources: ResourceChange[];
  modules: ModuleChange[];
  routes: RouteChange[];
  settings?: SettingsChange;
  /**
   * True when the spec is what edgeml last applied but the live deployment differs: someone changed it outside
   * edgeml, and apply would put it back.
   */
  drift: boolean;
  /**
   * Fleet target: the target condition and how many IoT Edge devices it matches now (undefined while the hub does
   * not exist). Zero means the deployment would reach no device, which IoT Hub accepts without complaint;
   * `rejected` holds IoT Hub's reason when it cannot evaluate the condition (create would fail the same way).
   */
  reach?: { condition: string; edgeDevices?: number; rejected?: string };
  /** Fleet with azure.fleet.rollout: the rings, the devices each reaches now, and their gates. */
  rollout?: PlannedRollout;
  summary: { add: number; change: number; destroy: number };
}

export function isEmptyPlan(plan: Plan): boolean {
  return plan.summary.add === 0 && plan.summary.change === 0 && plan.summary.destroy === 0;
}
