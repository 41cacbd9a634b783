// Renders a Plan as JSON for `edgeml plan --json`: a versioned object with the typed changes and the summary.
// Plan stage; pure. The Plan already carries no secret values, so this is safe to print or save.
import type { Plan } from './types.js';
import { isEmptyPlan } from './types.js';

export const planJsonFormatVersion = 1;

export function renderPlanJson(plan: Plan): string {
  const document = {
    formatVersion: planJsonFormatVersion,
    workflow: plan.workflow,
    target: { kind: plan.target, name: plan.targetName },
    changes: !isEmptyPlan(plan),
    drift: plan.drift,
    reach: plan.reach ?? null,
    rollout: plan.rollout ?? null,
    summary: plan.summary,
    resources: plan.resources,
    settings: plan.settings ?? null,
    modules: plan.modules,
    routes: plan.routes,
  };
  return JSON.stringify(document, null, 2) + '\n';
}
