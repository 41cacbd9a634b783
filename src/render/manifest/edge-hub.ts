// The `$edgeHub` desired properties (render stage): routes rendered from RouteIR by the routes module's formatter,
// each re-parsed with edgeHub's grammar before it is written, and the store-and-forward settings.
import type { RouteIR, WorkflowIR } from '../../ir/types.js';
import type { RouteSyntaxError } from '../../routes/ast.js';
import { formatRoute, parseRoute } from '../../routes/index.js';

/** The manifest form of one route: edgeHub schema 1.1 accepts an object with optional priority and TTL. */
export function renderRouteSpec(route: RouteIR): { route: string; priority?: number; timeToLiveSecs?: number } {
  const spec: { route: string; priority?: number; timeToLiveSecs?: number } = { route: formatRoute(route) };
  if (route.priority !== undefined) spec.priority = route.priority;
  if (route.timeToLiveSecs !== undefined) spec.timeToLiveSecs = route.timeToLiveSecs;
  return spec;
}

/** A rendered route that edgeHub's grammar would reject (a formatter bug or an unchecked condition). */
export interface UnparsableRoute {
  route: string;
  rendered: string;
  problem: string;
}

/** The first syntax error edgeHub would raise for `text`, or undefined when the route parses. */
export function findRouteSyntaxError(text: string): RouteSyntaxError | undefined {
  return parseRoute(text).errors.find((problem) => problem.severity === 'error');
}

export function renderRoutes(
  routes: readonly RouteIR[],
  onUnparsable: (problem: UnparsableRoute) => void,
): Record<string, ReturnType<typeof renderRouteSpec>> {
  const rendered: Record<string, ReturnType<typeof renderRouteSpec>> = {};
  for (const route of routes) {
    const spec = renderRouteSpec(route);
    const error = findRouteSyntaxError(spec.route);
    if (error) onUnparsable({ route: route.name, rendered: spec.route, problem: error.message });
    rendered[route.name] = spec;
  }
  return rendered;
}

export function renderStoreAndForward(ir: WorkflowIR): Record<string, unknown> {
  const config: Record<string, unknown> = { timeToLiveSecs: ir.storeAndForward.timeToLiveSecs };
  if (ir.storeAndForward.maxSizeBytes !== undefined) config.storeLimits = { maxSizeBytes: ir.storeAndForward.maxSizeBytes };
  return config;
}

/** The complete `$edgeHub` `properties.desired` (schemaVersion 1.1: routes and storeAndForwardConfiguration required). */
export function renderEdgeHubDesired(ir: WorkflowIR, onUnparsable: (problem: UnparsableRoute) => void): Record<string, unknown> {
  return {
    schemaVersion: '1.1',
    routes: renderRoutes(ir.routes, onUnparsable),
    storeAndForwardConfiguration: renderStoreAndForward(ir),
  };
}
