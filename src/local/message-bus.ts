// The local stand-in for edgeHub's router: module output messages are matched against the spec's routes with the
// route module's parser and evaluator (the grammar the checker uses), and each sink receives a message once, via
// the matching route with the best priority. Local stage (`edgeml run`). Every delivery names its route, so tests
// can assert which route carried which message.
import type { RouteIR, RouteSinkIR } from '../ir/types.js';
import { compileRoute, deliveriesOf, formatRoute, matchRoutes, messageSourceOf, type CompiledRoute } from '../routes/index.js';

export interface BusMessage {
  module: string;
  output: string;
  /** UTF-8 JSON text. */
  body: string;
  properties: Record<string, string>;
  contentType: string;
  contentEncoding: string;
}

export interface Delivery {
  /** 1-based, in delivery order across all sinks. */
  seq: number;
  route: string;
  priority: number;
  to: RouteSinkIR;
  message: BusMessage;
  systemProperties: Record<string, string>;
}

export type InputHandler = (input: string, delivery: Delivery) => void;

export interface MessageBus {
  /** Routes one module output message; returns its deliveries (none when no route matches). */
  publish(message: BusMessage): Delivery[];
  /** Called for every delivery to $upstream. */
  onUpstream(listener: (delivery: Delivery) => void): void;
  /** Registers the module that reads `module`'s inputs; deliveries to modules without one are counted as unread. */
  onInput(module: string, handler: InputHandler): void;
  readonly stats: BusStats;
}

export interface BusStats {
  published: number;
  /** Messages no route matched. */
  unrouted: number;
  /** Deliveries per route name. */
  byRoute: Record<string, number>;
  /**
   * Per route name: messages whose source and condition matched (a sink reached by several routes gets the message
   * once, so this can exceed the deliveries), and how many of them matched only because a missing or null $body
   * field compared as null, which edgeHub sorts above every number and string.
   */
  matched: Record<string, { matched: number; byNullOrdering: number }>;
  /** Deliveries to module inputs nobody reads locally, by "module/input". */
  unread: Record<string, number>;
}

export interface RouteProblem {
  route: string;
  reason: string;
}

/** Compiles the spec's routes; a route the local router cannot evaluate is returned as a problem, not thrown. */
export function createMessageBus(routes: readonly RouteIR[], options: { deviceId: string }): { bus: MessageBus; problems: RouteProblem[] } {
  const compiled: CompiledRoute[] = [];
  const problems: RouteProblem[] = [];
  for (const route of routes) {
    let text: string;
    try {
      text = formatRoute(route);
    } catch (error) {
      problems.push({ route: route.name, reason: (error as Error).message });
      continue;
    }
    const result = compileRoute(route.name, text, {
      ...(route.priority !== undefined ? { priority: route.priority } : {}),
      ...(route.timeToLiveSecs !== undefined ? { timeToLiveSecs: route.timeToLiveSecs } : {}),
    });
    if (result.route) compiled.push(result.route);
    else
      problems.push({
        route: route.name,
        reason: result.problems
          .filter((p) => p.severity === 'error')
          .map((p) => p.message)
          .join(' '),
      });
  }

  const upstream: ((d: Delivery) => void)[] = [];
  const inputs = new Map<string, InputHandler>();
  const stats: BusStats = { published: 0, unrouted: 0, byRoute: {}, matched: {}, unread: {} };
  let seq = 0;

  const bus: MessageBus = {
    stats,
    publish(message) {
      stats.published++;
      const systemProperties = {
        contentType: message.contentType,
        contentEncoding: message.contentEncoding,
        connectionDeviceId: options.deviceId,
        connectionModuleId: message.module,
        outputName: message.output,
      };
      const source = messageSourceOf({ moduleId: message.module, outputName: message.output });
      const matched = matchRoutes(compiled, source, { systemProperties, properties: message.properties, body: message.body });
      for (const { route, byNullOrdering } of matched) {
        const counts = (stats.matched[route.name] ??= { matched: 0, byNullOrdering: 0 });
        counts.matched++;
        if (byNullOrdering) counts.byNullOrdering++;
      }
      const matches = deliveriesOf(matched);
      if (matches.length === 0) stats.unrouted++;
      const deliveries = matches.map(({ sink, route }) => ({
        seq: ++seq,
        route: route.name,
        priority: route.priority,
        to: sink,
        message,
        systemProperties,
      }));
      for (const delivery of deliveries) {
        stats.byRoute[delivery.route] = (stats.byRoute[delivery.route] ?? 0) + 1;
        if (delivery.to.kind === 'upstream') {
          for (const listener of upstream) listener(delivery);
        } else {
          const handler = inputs.get(delivery.to.module);
          if (handler) handler(delivery.to.input, delivery);
          else {
            const key = `${delivery.to.module}/${delivery.to.input}`;
            stats.unread[key] = (stats.unread[key] ?? 0) + 1;
          }
        }
      }
      return deliveries;
    },
    onUpstream(listener) {
      upstream.push(listener);
    },
    onInput(module, handler) {
      inputs.set(module, handler);
    },
  };
  return { bus, problems };
}

/** The JSON line printed (or written to --out) for an upstream delivery. */
export function formatUpstreamLine(delivery: Delivery): string {
  let body: unknown;
  try {
    body = JSON.parse(delivery.message.body);
  } catch {
    body = delivery.message.body;
  }
  return (
    JSON.stringify({
      seq: delivery.seq,
      route: delivery.route,
      priority: delivery.priority,
      from: { module: delivery.message.module, output: delivery.message.output },
      properties: delivery.message.properties,
      systemProperties: delivery.systemProperties,
      body,
    }) + '\n'
  );
}
