// Renders a typed route edge into edgeHub's route string:
// FROM <source> [WHERE <condition>] INTO <sink>. Routes stage; called by the manifest renderer.
import type { RouteSinkIR, RouteSourceIR } from '../ir/types.js';
import { routeIdentifierProblem } from './identifiers.js';
import { parseCondition } from './parse-condition.js';

/** A route edge, as `{ source, sink }` or in RouteIR's `{ from, to }` form. */
export type RouteEdge =
  | { source: RouteSourceIR; sink: RouteSinkIR; when?: string }
  | { from: RouteSourceIR; to: RouteSinkIR; when?: string };

/** Leaf/downstream device telemetry is /messages/* minus everything a module sent. */
export const DEVICES_ONLY_CONDITION = 'NOT IS_DEFINED($connectionModuleId)';

/**
 * The edgeHub route string for `route`. The `when` condition is written as given (checked separately); for the
 * 'devices' source it is ANDed, in parentheses, after the devices-only test.
 * Throws a RangeError for a module, output or input name that cannot appear in a route, or for a 'devices' route
 * whose condition does not parse: the spec checker reports those first, so reaching it here is a bug.
 */
export function formatRoute(route: RouteEdge): string {
  const source = 'source' in route ? route.source : route.from;
  const sink = 'sink' in route ? route.sink : route.to;
  const when = route.when?.trim() ? route.when.trim() : undefined;
  if (source.kind === 'devices' && when && parseCondition(when).errors.length > 0) {
    // Wrapped in parentheses, an unbalanced condition such as "a) OR (b" would still parse but mean something else.
    throw new RangeError('Cannot combine a condition that does not parse with the devices-only test.');
  }
  const condition = source.kind === 'devices' ? (when ? `${DEVICES_ONLY_CONDITION} AND (${when})` : DEVICES_ONLY_CONDITION) : when;
  const where = condition ? ` WHERE ${condition}` : '';
  let path = formatSource(source);
  // A path ending in '/*' opens a comment that a later '*/' (a comment in the condition) would close, silently
  // eating the WHERE clause. The path without its trailing '/*' matches exactly the same messages.
  if (condition?.includes('*/') && path.endsWith('/*')) path = path.slice(0, -2);
  return `FROM ${path}${where} INTO ${formatSink(sink)}`;
}

/** The FROM path of a route source. */
export function formatSource(source: RouteSourceIR): string {
  switch (source.kind) {
    case 'all-messages':
    case 'devices':
      return '/messages/*';
    case 'module': {
      const output = source.output === '*' ? '*' : checkedName(source.output, 'output');
      return `/messages/modules/${checkedName(source.module, 'module')}/outputs/${output}`;
    }
  }
}

/** The INTO part of a route: $upstream or a module input. */
export function formatSink(sink: RouteSinkIR): string {
  if (sink.kind === 'upstream') return '$upstream';
  return `BrokeredEndpoint("/modules/${checkedName(sink.module, 'module')}/inputs/${checkedName(sink.input, 'input')}")`;
}

function checkedName(name: string, what: string): string {
  const problem = routeIdentifierProblem(name);
  if (problem) throw new RangeError(`Cannot write ${what} name '${name}' into a route: ${problem}.`);
  return name;
}
