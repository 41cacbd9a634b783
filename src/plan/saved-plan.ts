// A saved plan (`edgeml plan --out FILE`): the changes a reviewer approved, with what they were computed against —
// a digest of the spec and what it renders, the state file's serial and a digest of the changes themselves — so that
// `edgeml apply FILE` can refuse when any of them moved, and otherwise carry out exactly these changes. Plan stage;
// pure. Holds no secret values (the content keeps `${NAME}` references, the Plan none).
import { createHash } from 'node:crypto';
import { stableJsonMinified } from '../render/stable-json.js';
import type { DesiredDeployment } from './desired.js';
import type { Plan } from './types.js';

export const SAVED_PLAN_FORMAT = 'edgeml-plan';
export const savedPlanVersion = 1;

export interface SavedPlan {
  format: typeof SAVED_PLAN_FORMAT;
  version: typeof savedPlanVersion;
  createdAt: string;
  workflow: string;
  spec: {
    /** Absolute path of the spec the plan was made from. */
    file: string;
    /** `--set` overrides the plan was made with; apply FILE uses the same. */
    sets: string[];
    /** specDigest(): the spec's text and everything the deployment renders to. */
    digest: string;
  };
  state: { file: string; serial: number };
  /** What will be deployed: the content hash (and configuration id) and the image references. */
  deployment: { contentHash: string; configurationId?: string; images: { module: string; ref: string }[] };
  /** planDigest() of `plan`: apply recomputes the plan and refuses if it differs. */
  planDigest: string;
  plan: Plan;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Digest of the spec text and of what it renders to (content, Azure settings, images): any change to either moves it. */
export function specDigest(specText: string, desired: DesiredDeployment): string {
  return sha256(
    stableJsonMinified({
      specText,
      contentHash: desired.contentHash,
      configurationId: desired.configurationId ?? null,
      azure: desired.azure,
      images: desired.images.map((image) => ({ module: image.module, ref: image.ref, platform: image.platform })),
    }),
  );
}

/**
 * Digest of the decisions in a plan: resources, modules, routes, settings and drift. The fleet's device count (reach)
 * is left out: it is information about the hub, not something apply changes.
 */
export function planDigest(plan: Plan): string {
  // What the hub reports now (devices reached, ring sizes) is information, not a decision: it may move freely.
  const { reach: _reach, rollout: _rollout, ...decisions } = plan;
  return sha256(stableJsonMinified(decisions));
}

export function createSavedPlan(input: {
  plan: Plan;
  desired: DesiredDeployment;
  specFile: string;
  sets: readonly string[];
  specText: string;
  stateFile: string;
  stateSerial: number;
  now?: Date;
}): SavedPlan {
  const { plan, desired } = input;
  return {
    format: SAVED_PLAN_FORMAT,
    version: savedPlanVersion,
    createdAt: (input.now ?? new Date()).toISOString(),
    workflow: desired.workflow,
    spec: { file: input.specFile, sets: [...input.sets], digest: specDigest(input.specText, desired) },
    state: { file: input.stateFile, serial: input.stateSerial },
    deployment: {
      contentHash: desired.contentHash,
      ...(desired.configurationId ? { configurationId: desired.configurationId } : {}),
      images: desired.images.map((image) => ({ module: image.module, ref: image.ref })),
    },
    planDigest: planDigest(plan),
    plan,
  };
}

/** True when `text` looks like a saved plan (so `edgeml apply FILE` knows a plan from a spec). */
export function isSavedPlanText(text: string): boolean {
  if (!text.trimStart().startsWith('{')) return false;
  try {
    return (JSON.parse(text) as { format?: unknown }).format === SAVED_PLAN_FORMAT;
  } catch {
    return false;
  }
}

/** Parses a saved plan; a problem comes back as a sentence naming what is wrong. */
export function parseSavedPlan(text: string): { plan: SavedPlan } | { problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { problem: `it is not valid JSON (${(error as Error).message})` };
  }
  const d = data as Partial<SavedPlan> | null;
  if (!d || typeof d !== 'object' || d.format !== SAVED_PLAN_FORMAT)
    return { problem: `it is not an edgeml plan (no "format": "${SAVED_PLAN_FORMAT}")` };
  if (d.version !== savedPlanVersion) return { problem: `its format version '${String(d.version)}' is not one this edgeml reads` };
  const valid =
    typeof d.workflow === 'string' &&
    typeof d.spec?.file === 'string' &&
    Array.isArray(d.spec.sets) &&
    d.spec.sets.every((s) => typeof s === 'string') &&
    typeof d.spec.digest === 'string' &&
    typeof d.state?.file === 'string' &&
    Number.isSafeInteger(d.state.serial) &&
    typeof d.planDigest === 'string' &&
    typeof d.plan === 'object' &&
    d.plan !== null &&
    typeof d.deployment?.contentHash === 'string';
  if (!valid) return { problem: 'it is incomplete or has fields of the wrong type' };
  return { plan: d as SavedPlan };
}
