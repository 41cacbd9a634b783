// Shared by the route checks that read conditions against message contracts (rules/route-body-*.ts,
// rules/route-literal-*.ts): which contracts a route's source carries, where the condition sits in the spec text,
// and every `$body` read in a condition with its place in the expression. Check stage, pure.
import type { ModuleIR, RouteIR, RouteSourceIR, Span, WorkflowIR } from '../ir/types.js';
import type { JsonSchema } from '../runtime/contracts/index.js';
import { parseCondition, type Expr } from '../routes/index.js';
import { lookupContractPath, type MissingReason } from '../routes/contract-paths.js';
import type { PathSegment } from '../routes/json-path.js';
import { typeCondition } from '../routes/static-types.js';
import type { SysPropertyExpr } from '../routes/ast.js';

export interface OutputContract {
  /** `module.output`, for messages. */
  source: string;
  /** The contract's schema; undefined when the output has none (anything may be sent). */
  schema?: JsonSchema;
}

/**
 * The contracts of every output a route's source matches. `*` and `module.*` match several outputs; messages from
 * leaf devices (`from: devices`) have no contract, so such a route gets an empty list.
 */
export function sourceContracts(ir: WorkflowIR, from: RouteSourceIR): OutputContract[] {
  if (from.kind === 'devices') return [];
  const modules = from.kind === 'module' ? ir.modules.filter((m) => m.name === from.module) : ir.modules;
  const contracts: OutputContract[] = [];
  for (const module of modules) {
    const outputs = from.kind === 'module' && from.output !== '*' ? [from.output] : module.outputs;
    // A container module without declared outputs may send on any output, with no contract.
    if (outputs.length === 0 && module.kind === 'container') contracts.push({ source: `${module.name}.*` });
    for (const output of outputs) contracts.push({ source: `${module.name}.${output}`, ...schemaOf(module, output) });
  }
  return contracts;
}

function schemaOf(module: ModuleIR, output: string): { schema?: JsonSchema } {
  const schema = module.contracts?.[output]?.schema;
  return schema ? { schema } : {};
}

/** True when every output the route reads from has a contract, so the checks can speak for all its messages. */
export function allContracted(contracts: readonly OutputContract[]): contracts is (OutputContract & { schema: JsonSchema })[] {
  return contracts.length > 0 && contracts.every((c) => c.schema !== undefined);
}

/** A `$body` path read in a condition. */
export interface BodyRead {
  node: SysPropertyExpr;
  /** The path after `$body.`, as written. */
  path: string;
  segments: PathSegment[];
}

export interface ParsedCondition {
  expr: Expr;
  reads: BodyRead[];
  /** Each node's parent (the root has none). */
  parents: Map<Expr, Expr>;
}

/** Parses and types a condition; undefined when it does not compile (route-condition-valid reports that). */
export function parseBodyReads(condition: string): ParsedCondition | undefined {
  const parsed = parseCondition(condition);
  if (!parsed.expr) return undefined;
  const typing = typeCondition(parsed.expr, 'messages');
  if (typing.problems.length > 0) return undefined;
  const parents = new Map<Expr, Expr>();
  const reads: BodyRead[] = [];
  const visit = (node: Expr): void => {
    const children =
      node.kind === 'binary'
        ? [node.left, node.right]
        : node.kind === 'unary'
          ? [node.operand]
          : node.kind === 'group'
            ? [node.expr]
            : node.kind === 'call'
              ? node.args
              : [];
    for (const child of children) {
      parents.set(child, node);
      visit(child);
    }
    if (node.kind === 'sysProperty') {
      const segments = typing.bodyPaths.get(node);
      if (segments) reads.push({ node, path: node.name.replace(/^\$body\./i, ''), segments });
    }
  };
  visit(parsed.expr);
  return { expr: parsed.expr, reads, parents };
}

/** What the contracts of all matching outputs say about one path. */
export type PathVerdict =
  | { kind: 'unknown' }
  | { kind: 'impossible'; reason: string }
  | { kind: 'found'; schemas: JsonSchema[]; missing: { source: string; reason: MissingReason }[] };

export function lookupAcross(
  contracts: readonly (OutputContract & { schema: JsonSchema })[],
  segments: readonly PathSegment[],
  path: string,
): PathVerdict {
  const found: JsonSchema[] = [];
  const missing: { source: string; reason: MissingReason }[] = [];
  const impossible: string[] = [];
  for (const contract of contracts) {
    const lookup = lookupContractPath(contract.schema, segments);
    if (lookup.kind === 'unknown') return { kind: 'unknown' };
    if (lookup.kind === 'impossible') {
      impossible.push(lookup.reason);
      // Messages from this output lack the path, while others have it: for them it is missing.
      missing.push({ source: contract.source, reason: { kind: 'optional', field: path } });
      continue;
    }
    found.push(lookup.schema);
    for (const reason of lookup.missing) missing.push({ source: contract.source, reason });
  }
  if (found.length === 0) return { kind: 'impossible', reason: [...new Set(impossible)].join('; ') };
  return { kind: 'found', schemas: found, missing };
}

/** Where the condition text starts inside the spec: inside the quotes of a quoted scalar, at the value otherwise. */
export function conditionOffset(text: string, span: Span, value: string): Span {
  const raw = text.slice(span.start, span.start + span.length);
  const index = raw.indexOf(value);
  if (index >= 0) return { ...span, start: span.start + index };
  const quoted = raw.startsWith('"') || raw.startsWith("'");
  return { ...span, start: span.start + (quoted ? 1 : 0) };
}

/** The span of `node` (offsets into the condition) in the spec. */
export function spanIn(base: Span, node: { start: number; length: number }): Span {
  return { file: base.file, start: base.start + node.start, length: Math.max(1, node.length) };
}

/** The routes with a condition, each with where its condition starts in the spec. */
export function conditionalRoutes(
  ir: WorkflowIR,
  text: string,
  locate: (path: RouteIR['path']) => Span,
): { route: RouteIR & { when: string }; base: Span }[] {
  return ir.routes
    .filter((r): r is RouteIR & { when: string } => r.when !== undefined)
    .map((route) => ({ route, base: conditionOffset(text, locate([...route.path, 'when']), route.when) }));
}

/** Sources named in messages: 'image-capture-od.detections', or several joined with 'and'. */
export function describeSources(contracts: readonly OutputContract[]): string {
  const names = contracts.map((c) => c.source);
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}
