// Check: a literal compared with a `$body` field fits the field's contract: same type (edgeHub orders values of
// different types by type, so '5' > 3 is decided by type alone: Routing.Core query/types/QueryValue.cs), and inside
// the field's declared range or enum (a probability is 0..1, so `>= 8` never matches). Warnings: edgeHub accepts both.
import type { BinaryExpr, Expr, LiteralExpr } from '../../routes/ast.js';
import { queryTypes } from '../../routes/contract-paths.js';
import type { JsonSchema } from '../../runtime/contracts/index.js';
import { defineCheck } from '../define-check.js';
import {
  allContracted,
  conditionalRoutes,
  describeSources,
  lookupAcross,
  parseBodyReads,
  sourceContracts,
  spanIn,
} from '../route-contracts.js';

const COMPARISONS = new Set(['=', '!=', '<>', '<', '<=', '>', '>=']);
// QueryValueType order in edgeHub: values of different types compare by it.
const TYPE_ORDER = { bool: 1, number: 2, string: 3 } as const;
type LiteralKind = keyof typeof TYPE_ORDER;

export default defineCheck({
  meta: {
    id: 'route-literal-type',
    description: "Literals compared with $body fields match the field's type and range in the source's message contract.",
    messages: {
      typeMismatch: {
        code: 'EML3214',
        category: 'warning',
        text: (d: { path: string; fieldType: string; literal: string; literalType: string; always: boolean }) =>
          `$body.${d.path} is a ${d.fieldType}, but it is compared with the ${d.literalType} ${d.literal}: edgeHub orders values of different types by type, so the comparison is always ${d.always}.`,
        hint: (d: { fieldType: string; example: string }) => `Compare it with a ${d.fieldType}, e.g. ${d.example}.`,
      },
      outOfRange: {
        code: 'EML3215',
        category: 'warning',
        text: (d: { path: string; range: string; literal: string; sources: string; always: boolean }) =>
          `$body.${d.path} is ${d.range} in messages from ${d.sources}, so comparing it with ${d.literal} is always ${d.always}.`,
        hint: (d: { suggestion?: string; range: string }) =>
          d.suggestion ? `Did you mean ${d.suggestion}? Values are ${d.range}.` : `Use a value that is ${d.range}.`,
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
        const parent = parsed.parents.get(read.node);
        if (parent?.kind !== 'binary' || !COMPARISONS.has(parent.op)) continue;
        const fieldOnLeft = parent.left === read.node;
        const literal = literalValue(fieldOnLeft ? parent.right : parent.left);
        if (!literal) continue;
        const verdict = lookupAcross(contracts, read.segments, read.path);
        if (verdict.kind !== 'found') continue;
        const types = verdict.schemas.map((s) => (queryTypes(s) ?? []).filter((t) => t !== 'null'));
        if (types.some((t) => t.length === 0)) continue; // some contract does not say
        const fieldTypes = [...new Set(types.flat())] as LiteralKind[];
        if (!fieldTypes.includes(literal.type)) {
          if (fieldTypes.length !== 1) continue;
          const fieldType = fieldTypes[0]!;
          const order = Math.sign(TYPE_ORDER[fieldType] - TYPE_ORDER[literal.type]) * (fieldOnLeft ? 1 : -1);
          ctx.report(
            'typeMismatch',
            {
              path: read.path,
              fieldType,
              literal: literal.node.raw,
              literalType: literal.type,
              always: compare(parent.op, order),
              example: example(fieldType, literal),
            },
            spanIn(base, literal.node),
          );
          continue;
        }
        if (literal.type !== 'number' || fieldTypes.length !== 1) continue;
        const range = commonRange(verdict.schemas);
        if (!range) continue;
        const value = literal.value as number;
        const side = value > range.max ? 1 : value < range.min ? -1 : 0;
        if (side === 0) continue;
        // Every field value is on the other side of the literal: field < literal when the literal is above the range.
        const order = -side * (fieldOnLeft ? 1 : -1);
        const suggestion =
          range.min === 0 && range.max === 1 && value > 1 && value <= 100 ? String(value >= 10 ? value / 100 : value / 10) : undefined;
        ctx.report(
          'outOfRange',
          {
            path: read.path,
            range: `between ${range.min} and ${range.max}`,
            literal: literal.node.raw,
            sources: describeSources(contracts),
            always: compare(parent.op, order),
            ...(suggestion ? { suggestion } : {}),
          },
          spanIn(base, literal.node),
        );
      }
    }
  },
});

interface Literal {
  node: LiteralExpr | Expr;
  type: LiteralKind;
  value: number | string | boolean;
}

/** A number, string or bool literal (a negative number is unary minus on a literal). */
function literalValue(node: Expr): (Literal & { node: { raw: string } }) | undefined {
  if (node.kind === 'group') return literalValue(node.expr);
  if (node.kind === 'unary' && node.op === '-' && node.operand.kind === 'literal' && node.operand.type === 'number') {
    return {
      node: { ...node.operand, start: node.start, length: node.length, raw: `-${node.operand.raw}` },
      type: 'number',
      value: -(node.operand.value as number),
    };
  }
  if (node.kind !== 'literal' || (node.type !== 'number' && node.type !== 'string' && node.type !== 'bool')) return undefined;
  if (node.type === 'number' && Number.isNaN(node.value)) return undefined;
  return { node, type: node.type, value: node.value as number | string | boolean };
}

/** The range every contract allows; undefined unless all of them bound the field on both sides. */
function commonRange(schemas: readonly JsonSchema[]): { min: number; max: number } | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const s of schemas) {
    const low = s.minimum ?? s.exclusiveMinimum;
    const high = s.maximum ?? s.exclusiveMaximum;
    if (low === undefined || high === undefined) return undefined;
    min = Math.min(min, low);
    max = Math.max(max, high);
  }
  return { min, max };
}

function compare(op: BinaryExpr['op'], order: number): boolean {
  switch (op) {
    case '=':
      return order === 0;
    case '!=':
    case '<>':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    default:
      return order >= 0;
  }
}

function example(type: LiteralKind, literal: Literal): string {
  if (type === 'number')
    return typeof literal.value === 'string' && literal.value.trim() !== '' && !Number.isNaN(Number(literal.value))
      ? literal.value.trim()
      : '0.5';
  if (type === 'string') return `'${String(literal.value)}'`;
  return 'true';
}
