// Semantic checks of a parsed condition: what edgeHub's compiler rejects (errors) plus likely mistakes it accepts
// silently (warnings). Routes stage; called by the spec checker for each route's `when`.
import { walkExpr, type Expr, type RouteSyntaxError } from './ast.js';
import { didYouMean } from './did-you-mean.js';
import { typeCondition, type ConditionSource } from './static-types.js';
import { isKnownSystemProperty, SYSTEM_PROPERTIES } from './system-properties.js';

export interface CheckConditionOptions {
  /** What the route reads from: telemetry, or /twinChangeNotifications (where twin_change_includes is allowed). */
  source: ConditionSource;
}

const LITERAL_WORDS = ['true', 'false', 'null', 'undefined'];
// A bare name with these characters was probably meant as an expression: `a+1`, `x*2`, `a!=b`, `'a'||'b'`.
const EXPRESSION_LOOKING = /[+*%!|'&]|-[0-9]|^-/;

/** Checks `expr` as edgeHub's route compiler would, adding warnings for conditions that cannot do what was meant. */
export function checkCondition(expr: Expr, options: CheckConditionOptions): RouteSyntaxError[] {
  const typing = typeCondition(expr, options.source);
  const problems = [...typing.problems];
  const warn = (problem: Omit<RouteSyntaxError, 'severity'>) => problems.push({ severity: 'warning', ...problem });

  walkExpr(expr, (node) => {
    if (node.kind === 'property') {
      if (LITERAL_WORDS.includes(node.name.toLowerCase())) {
        warn({
          id: 'literal-case',
          message: `'${node.name}' is read as an application property, not a literal.`,
          hint: `Literals are lowercase: write ${node.name.toLowerCase()}.`,
          start: node.start,
          length: node.length,
        });
      } else if (EXPRESSION_LOOKING.test(node.name)) {
        warn({
          id: 'suspicious-name',
          message: `'${node.name}' is read as one application property name, not as an expression.`,
          hint: 'Put spaces around operators, e.g. a + 1 or a != b.',
          start: node.start,
          length: node.length,
        });
      }
    }
    if (node.kind === 'sysProperty' && !typing.bodyPaths.has(node) && typing.types.get(node) === 'string') {
      const name = node.name.slice(1);
      if (!isKnownSystemProperty(name)) {
        const suggestion = didYouMean(name, SYSTEM_PROPERTIES);
        warn({
          id: 'unknown-system-property',
          message: `'${node.name}' is not a system property edgeHub sets, so it only matches an application property named '${node.name}'.`,
          hint: suggestion
            ? `Did you mean '$${suggestion}'?`
            : /^body$/i.test(name)
              ? 'Read a field of the body with $body.<field>.'
              : 'Use a bare name (without $) for an application property.',
          start: node.start,
          length: node.length,
        });
      }
    }
    if (
      node.kind === 'call' &&
      node.name.toLowerCase() === 'is_null' &&
      node.args.length === 1 &&
      typing.types.get(node.args[0]!) === 'query'
    ) {
      warn({
        id: 'is-null-body',
        message: 'is_null on a $body value is true whenever the field exists, even when it is not null (edgeHub behaviour).',
        // is_defined is no alternative: a missing field reads as null, and null is defined (query/builtins/IsDefined.cs).
        hint: 'To require a value of a type, use is_number(...), is_string(...) or is_bool(...); is_defined(...) is true for a missing field too.',
        start: node.start,
        length: node.length,
      });
    }
  });

  const resultType = typing.types.get(expr);
  if (typing.problems.length === 0 && resultType !== 'bool' && resultType !== 'query') {
    warn({
      id: 'not-boolean',
      message: `The condition is ${resultType === 'null' || resultType === 'undefined' ? resultType : `a ${resultType}`}, not true/false, so edgeHub never routes these messages.`,
      hint: "Compare it with something, e.g. $outputName = 'results'.",
      start: expr.start,
      length: expr.length,
    });
  }
  return problems.sort((a, b) => a.start - b.start || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
