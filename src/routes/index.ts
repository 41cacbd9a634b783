// Public API of edgeHub's route language in edgeml (routes stage): parse and check `when` conditions, evaluate them
// against messages (local runner), render and re-parse route strings, and match route sources.
// Callers: the spec checker (src/check/), the manifest renderer (src/render/) and `edgeml run`.

export type { Expr, RouteSyntaxError, RouteProblemId, BinaryOp, UnaryOp, LiteralType } from './ast.js';
export { walkExpr, shiftProblem } from './ast.js';
export { parseCondition, type ConditionParseResult } from './parse-condition.js';
export { checkCondition, type CheckConditionOptions } from './check-condition.js';
export type { ConditionSource } from './static-types.js';
export {
  evaluateCondition,
  evaluateConditionResult,
  matchesOnlyByNullOrdering,
  type EvaluateOptions,
  type RouteMessage,
} from './evaluate-condition.js';
export { formatRoute, formatSource, formatSink, DEVICES_ONLY_CONDITION, type RouteEdge } from './format-route.js';
export { parseRoute, type ParsedRoute } from './parse-route.js';
export { sourceMatches, messageSourceOf, conditionSourceOf } from './message-source.js';
export { isValidRouteIdentifier, routeIdentifierProblem } from './identifiers.js';
export { SYSTEM_PROPERTIES } from './system-properties.js';
export { BUILTINS } from './builtins.js';
export {
  compileRoute,
  routeMessage,
  matchRoutes,
  deliveriesOf,
  DEFAULT_ROUTE_PRIORITY,
  type CompiledRoute,
  type RouteMatch,
} from './route-message.js';
export { lookupContractPath, contractPaths, type ContractPathLookup, type MissingReason } from './contract-paths.js';
