// Routes a message the way edgeHub's Evaluator does: every route whose source matches and whose condition is true
// sends it to its sink, and each sink gets the message once, via the matching route with the best priority.
// Routes stage; used by the local runner (`edgeml run`).
import type { RouteSinkIR } from '../ir/types.js';
import type { Expr, RouteSyntaxError } from './ast.js';
import { checkCondition } from './check-condition.js';
import { evaluateCondition, matchesOnlyByNullOrdering, type RouteMessage } from './evaluate-condition.js';
import { conditionSourceOf, sourceMatches } from './message-source.js';
import { parseRoute } from './parse-route.js';

/** edgeHub's priority for a route without one: the lowest (0 is the highest). */
export const DEFAULT_ROUTE_PRIORITY = 2000000000;

export interface CompiledRoute {
  name: string;
  source: string;
  condition?: Expr;
  sink: RouteSinkIR;
  priority: number;
  timeToLiveSecs?: number;
}

/** Parses and checks one route string; `route` is set only when edgeHub would accept it. Warnings are returned too. */
export function compileRoute(
  name: string,
  text: string,
  options: { priority?: number; timeToLiveSecs?: number } = {},
): { route?: CompiledRoute; problems: RouteSyntaxError[] } {
  const parsed = parseRoute(text);
  const problems = [...parsed.errors];
  if (parsed.source !== undefined && parsed.condition?.expr) {
    const checked = checkCondition(parsed.condition.expr, { source: conditionSourceOf(parsed.source) });
    problems.push(...checked);
  }
  if (problems.some((p) => p.severity === 'error') || parsed.source === undefined || !parsed.sink) return { problems };
  return {
    route: {
      name,
      source: parsed.source,
      ...(parsed.condition?.expr ? { condition: parsed.condition.expr } : {}),
      sink: parsed.sink,
      priority: options.priority ?? DEFAULT_ROUTE_PRIORITY,
      ...(options.timeToLiveSecs !== undefined ? { timeToLiveSecs: options.timeToLiveSecs } : {}),
    },
    problems,
  };
}

/**
 * The deliveries for one message from `messageSource` (see messageSourceOf): one per sink, chosen as the matching
 * route with the lowest priority number (the first listed wins a tie), in the order of `routes`.
 */
export function routeMessage(
  routes: readonly CompiledRoute[],
  messageSource: string,
  message: RouteMessage,
): { sink: RouteSinkIR; route: CompiledRoute }[] {
  return deliveriesOf(matchRoutes(routes, messageSource, message));
}

export interface RouteMatch {
  route: CompiledRoute;
  /** The condition is true only because a null $body value sorted above a value (see matchesOnlyByNullOrdering). */
  byNullOrdering: boolean;
}

/** Every route whose source matches and whose condition is true for the message, in the order of `routes`. */
export function matchRoutes(routes: readonly CompiledRoute[], messageSource: string, message: RouteMessage): RouteMatch[] {
  const matches: RouteMatch[] = [];
  for (const route of routes) {
    if (!sourceMatches(route.source, messageSource)) continue;
    if (route.condition && !evaluateCondition(route.condition, message)) continue;
    matches.push({ route, byNullOrdering: route.condition !== undefined && matchesOnlyByNullOrdering(route.condition, message) });
  }
  return matches;
}

/** One delivery per sink: the matching route with the lowest priority number (the first listed wins a tie). */
export function deliveriesOf(matches: readonly RouteMatch[]): { sink: RouteSinkIR; route: CompiledRoute }[] {
  const bySink = new Map<string, CompiledRoute>();
  for (const { route } of matches) {
    const key = sinkKey(route.sink);
    const current = bySink.get(key);
    if (!current || route.priority < current.priority) bySink.set(key, route);
  }
  return [...bySink.values()].map((route) => ({ sink: route.sink, route }));
}

function sinkKey(sink: RouteSinkIR): string {
  return sink.kind === 'upstream' ? '$upstream' : `/modules/${sink.module}/inputs/${sink.input}`;
}
