// Check: a `$body` path that some messages lack (an optional field, an index into a possibly shorter array, a
// nullable value), compared where edgeHub's null ordering decides the verdict. edgeHub reads a missing field as null,
// and orders values of different types by type with null above booleans, numbers and strings
// (Azure/iotedge edge-hub/core/src/Microsoft.Azure.Devices.Routing.Core/query/types/QueryValue.cs and
// ComparisonOperators.cs), so `$body.predictions[0].probability >= 0.5` is true for a frame without detections.
// Whether a comparison is true for such a message is decided by the local evaluator (src/routes/evaluate-condition.ts)
// on a message without the field; the rewrite adds a type guard (is_number/is_string/is_bool, which are false for
// null: query/builtins/IsNumber.cs) so the message is not routed. Also: is_defined on such a path is always true
// (query/builtins/IsDefined.cs: null is defined).
import type { BinaryExpr, CallExpr, Expr, LiteralExpr, SysPropertyExpr } from '../../routes/ast.js';
import { evaluateConditionResult, parseCondition, walkExpr } from '../../routes/index.js';
import { describeMissing, queryTypes } from '../../routes/contract-paths.js';
import { schemaFields, type JsonSchema } from '../../runtime/contracts/index.js';
import { defineCheck } from '../define-check.js';
import {
  allContracted,
  conditionalRoutes,
  lookupAcross,
  parseBodyReads,
  sourceContracts,
  spanIn,
  type BodyRead,
  type ParsedCondition,
  type PathVerdict,
} from '../route-contracts.js';

const COMPARISONS = new Set(['=', '!=', '<>', '<', '<=', '>', '>=']);
const GUARDS = { number: 'is_number', string: 'is_string', bool: 'is_bool' } as const;
const TYPE_TESTS = new Set<string>(Object.values(GUARDS));
const TYPE_ORDER_WORDS = { number: 'every number', string: 'every string', bool: 'true and false' } as const;

export default defineCheck({
  meta: {
    id: 'route-body-missing-field',
    description: "A $body path that some messages lack is not compared where edgeHub's null ordering routes those messages.",
    messages: {
      nullOrdering: {
        code: 'EML3212',
        category: 'warning',
        text: (d: { path: string; when: string; comparison: string; above: string; sources: string; value: boolean }) =>
          `When ${d.when} (in messages from ${d.sources}), edgeHub reads $body.${d.path} as null, which sorts above ${d.above}, so '${d.comparison}' is ${d.value}${d.value ? '' : ' and the NOT around it true'}: the route sends such messages unless another part of the condition is false.`,
        hint: (d: { rewrite: string; always?: string }) =>
          `Guard the comparison with the field's type: ${d.rewrite}${d.always ? ` (or compare $body.${d.always}, which every message has)` : ''}`,
      },
      definedAlwaysTrue: {
        code: 'EML3213',
        category: 'warning',
        text: (d: { path: string; when: string }) =>
          `is_defined($body.${d.path}) is true even when ${d.when}: edgeHub reads a missing field as null, and null is defined.`,
        hint: (d: { rewrite: string }) => `Test the field's type instead: ${d.rewrite}`,
      },
    },
  },
  check(ctx) {
    for (const { route, base } of conditionalRoutes(ctx.ir, ctx.text, (p) => ctx.locate(p))) {
      const contracts = sourceContracts(ctx.ir, route.from);
      if (!allContracted(contracts)) continue;
      const parsed = parseBodyReads(route.when);
      if (!parsed) continue;
      for (const read of parsed.reads) {
        const verdict = lookupAcross(contracts, read.segments, read.path);
        if (verdict.kind !== 'found' || verdict.missing.length === 0) continue;
        const first = verdict.missing[0]!;
        const when = describeMissing(first.reason);
        const parent = parsed.parents.get(read.node);
        if (parent?.kind === 'call' && parent.name.toLowerCase() === 'is_defined') {
          const guard = guardFor(verdict, undefined);
          ctx.report(
            'definedAlwaysTrue',
            { path: read.path, when, rewrite: replace(route.when, parent, `${guard}(${read.node.name})`) },
            spanIn(base, parent),
          );
          continue;
        }
        if (parent?.kind !== 'binary' || !COMPARISONS.has(parent.op)) continue;
        if (hasTypeTest(parsed.expr, read.node.name)) continue; // guarded already, e.g. is_number(x) AND x >= 0.5
        const other = parent.left === read.node ? parent.right : parent.left;
        const literal = unwrapLiteral(other);
        if (!literal || (literal.type !== 'number' && literal.type !== 'string' && literal.type !== 'bool')) continue;
        const comparison = route.when.slice(parent.start, parent.start + parent.length);
        // Whether the comparison routes a message without the field, decided by edgeHub's semantics (the evaluator).
        const negations = countNegations(parent, parsed.parents);
        const missingValue = trueWithoutField(comparison);
        if (missingValue === undefined || missingValue === (negations % 2 === 1)) continue;
        if (
          negations === 0 &&
          stoppedBySibling(
            parent,
            parsed,
            route.when,
            (read) => missingKey(lookupAcross(contracts, read.segments, read.path)),
            missingKey(verdict),
          )
        )
          continue;
        const guard = guardFor(verdict, literal.type);
        const guarded =
          negations % 2 === 0 ? `${guard}(${read.node.name}) AND ${comparison}` : `NOT ${guard}(${read.node.name}) OR ${comparison}`;
        const needsParens = parent !== parsed.expr && parsed.parents.get(parent)?.kind !== 'group';
        const rewrite = replace(route.when, parent, needsParens ? `(${guarded})` : guarded);
        const always = alwaysPresentTop(
          read.path,
          contracts.map((c) => c.schema),
        );
        ctx.report(
          'nullOrdering',
          {
            path: read.path,
            when,
            comparison,
            above: TYPE_ORDER_WORDS[literal.type],
            sources: first.source,
            value: missingValue,
            rewrite,
            ...(always ? { always } : {}),
          },
          spanIn(base, read.node),
        );
      }
    }
  },
});

/**
 * For `list[0].name` (the best item: generated modules sort predictions best first), a field every message has that
 * the contract names top<Name>, e.g. summary.topProbability for predictions[0].probability. Every contract must have it.
 */
function alwaysPresentTop(path: string, schemas: readonly JsonSchema[]): string | undefined {
  const match = /^[^.[\]]+\[0\]\.([^.[\]]+)$/.exec(path);
  if (!match) return undefined;
  const wanted = `top${match[1]![0]!.toUpperCase()}${match[1]!.slice(1)}`;
  const candidates = schemas.map((schema) => schemaFields(schema).find((f) => f.always && f.path.split('.').pop() === wanted)?.path);
  return candidates.every((c) => c !== undefined && c === candidates[0]) ? candidates[0] : undefined;
}

/** Identifies why a path may be missing (the first reason), so reads that go missing together can be matched. */
function missingKey(verdict: PathVerdict): string | undefined {
  if (verdict.kind !== 'found' || verdict.missing.length === 0) return undefined;
  const { reason } = verdict.missing[0]!;
  return reason.kind === 'index' ? `index:${reason.array}[${reason.index}]` : `${reason.kind}:${reason.field}`;
}

/**
 * True when an AND around the comparison has a side that is not true when the same field is missing, e.g.
 * `$body.p[0].tag = 'x' AND $body.p[0].score > 0.5` with an empty `p`: the condition is false for such messages.
 */
function stoppedBySibling(
  comparison: Expr,
  parsed: ParsedCondition,
  text: string,
  keyOf: (read: BodyRead) => string | undefined,
  key: string | undefined,
): boolean {
  for (let child: Expr = comparison, at = parsed.parents.get(comparison); at; child = at, at = parsed.parents.get(at)) {
    if (at.kind === 'group') continue;
    if (at.kind !== 'binary' || at.op !== 'AND') return false;
    const sibling = at.left === child ? at.right : at.left;
    const reads = parsed.reads.filter(
      (r) => r.node.start >= sibling.start && r.node.start + r.node.length <= sibling.start + sibling.length,
    );
    if (
      reads.length > 0 &&
      reads.every((r) => keyOf(r) === key) &&
      trueWithoutField(text.slice(sibling.start, sibling.start + sibling.length)) !== true
    )
      return true;
  }
  return false;
}

/** True when the condition tests the type of `path` somewhere (is_number/is_string/is_bool of it). */
function hasTypeTest(expr: Expr, path: string): boolean {
  let found = false;
  walkExpr(expr, (node) => {
    if (node.kind === 'call' && TYPE_TESTS.has(node.name.toLowerCase()) && node.args.length === 1) {
      const arg = node.args[0]!;
      if (arg.kind === 'sysProperty' && arg.name.toLowerCase() === path.toLowerCase()) found = true;
    }
  });
  return found;
}

/** The literal a comparison's other side is, looking through parentheses and a unary minus on a number. */
function unwrapLiteral(node: Expr): LiteralExpr | undefined {
  if (node.kind === 'group') return unwrapLiteral(node.expr);
  if (node.kind === 'unary' && node.op === '-') return unwrapLiteral(node.operand);
  return node.kind === 'literal' ? node : undefined;
}

function countNegations(node: Expr, parents: Map<Expr, Expr>): number {
  let count = 0;
  for (let at = parents.get(node); at; at = parents.get(at)) if (at.kind === 'unary' && at.op === 'NOT') count++;
  return count;
}

/** edgeHub's verdict on `comparison` for a JSON message whose body lacks the field (the local evaluator). */
function trueWithoutField(comparison: string): boolean | undefined {
  const expr = parseCondition(comparison).expr;
  if (!expr) return undefined;
  const message = { systemProperties: { contentType: 'application/json', contentEncoding: 'utf-8' }, properties: {}, body: '{}' };
  return evaluateConditionResult(expr, message);
}

/** is_number / is_string / is_bool: from the literal compared with, else from the contract's type. */
function guardFor(verdict: PathVerdict & { kind: 'found' }, literalType: 'number' | 'string' | 'bool' | undefined): string {
  if (literalType) return GUARDS[literalType];
  const types = verdict.schemas.flatMap((s) => queryTypes(s) ?? []).filter((t): t is 'number' | 'string' | 'bool' => t !== 'null');
  return GUARDS[types[0] ?? 'number'];
}

function replace(text: string, node: BinaryExpr | CallExpr | SysPropertyExpr, by: string): string {
  return text.slice(0, node.start) + by + text.slice(node.start + node.length);
}
