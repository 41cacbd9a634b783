// The IoT Hub configuration body for fleet deployments (render stage): target condition, priority, labels, metric
// queries and content; layered deployments use edgeHub/edgeAgent dotted paths so they merge over a base deployment.
import type { DeploymentTargetIR } from '../../ir/types.js';
import { configurationId } from './content-hash.js';

export type ModulesContent = Record<string, Record<string, unknown>>;
type FleetTarget = Extract<DeploymentTargetIR, { kind: 'fleet' }>;

/**
 * Rewrites full modulesContent into the layered form: `$edgeAgent` keeps only module entries and registry
 * credentials as `properties.desired.<path>` keys (and is present even when empty, which IoT Hub requires), `$edgeHub`
 * keeps only routes; module twins are unchanged (a layer's `properties.desired` overwrites lower layers).
 */
export function toLayeredContent(full: ModulesContent): ModulesContent {
  const layered: ModulesContent = {};
  const agentDesired = (full.$edgeAgent?.['properties.desired'] ?? {}) as Record<string, any>;
  const hubDesired = (full.$edgeHub?.['properties.desired'] ?? {}) as Record<string, any>;

  const agent: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries<unknown>(agentDesired.modules ?? {})) {
    agent[`properties.desired.modules.${name}`] = definition;
  }
  const credentials = agentDesired.runtime?.settings?.registryCredentials ?? {};
  for (const [name, credential] of Object.entries<unknown>(credentials)) {
    agent[`properties.desired.runtime.settings.registryCredentials.${name}`] = credential;
  }
  layered.$edgeAgent = agent;

  const routes = Object.entries<unknown>(hubDesired.routes ?? {});
  if (routes.length > 0) {
    const hub: Record<string, unknown> = {};
    for (const [name, route] of routes) hub[`properties.desired.routes.${name}`] = route;
    layered.$edgeHub = hub;
  }

  for (const [key, value] of Object.entries(full)) {
    if (key !== '$edgeAgent' && key !== '$edgeHub') layered[key] = value;
  }
  return layered;
}

/**
 * The body of `PUT /configurations/{id}`. The id is the base id plus a hash of `content` (see content-hash.ts), so a
 * changed deployment becomes a new configuration while priority, labels and metrics can be updated in place.
 */
export interface FleetConfiguration {
  id: string;
  content: { modulesContent: ModulesContent };
  targetCondition: string;
  priority: number;
  labels: Record<string, string>;
  metrics: { queries: Record<string, string> };
}

export function renderFleetConfiguration(target: FleetTarget, fullContent: ModulesContent): FleetConfiguration {
  const modulesContent = target.layered ? toLayeredContent(fullContent) : fullContent;
  const content = { modulesContent };
  return {
    id: configurationId(target.id, content),
    content,
    targetCondition: target.targetCondition,
    priority: target.priority,
    labels: target.labels,
    metrics: { queries: target.metrics },
  };
}
