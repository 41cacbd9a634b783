// Check: each route's `when` parses and type-checks under edgeHub's route grammar; errors point inside the condition.
import { checkCondition, parseCondition, type RouteSyntaxError } from '../../routes/index.js';
import type { Span } from '../../ir/types.js';
import { defineCheck } from '../define-check.js';
import { conditionOffset } from '../route-contracts.js';

export default defineCheck({
  meta: {
    id: 'route-condition-valid',
    description: "Route conditions follow edgeHub's condition grammar and types.",
    messages: {
      syntax: {
        code: 'EML3201',
        text: (d: { message: string }) => `Route condition: ${d.message}`,
        hint: (d: { hint?: string }) => d.hint ?? "See IoT Edge's route condition language: $body.x > 1, $outputName = 'y', AND, OR, NOT.",
      },
      semantic: {
        code: 'EML3202',
        text: (d: { message: string }) => `Route condition: ${d.message}`,
        hint: (d: { hint?: string }) => d.hint ?? 'Fix the condition.',
      },
      suspicious: {
        code: 'EML3203',
        category: 'warning',
        text: (d: { message: string }) => `Route condition: ${d.message}`,
        hint: (d: { hint?: string }) => d.hint ?? 'Check the condition does what you mean.',
      },
      bodyNeedsJson: {
        code: 'EML3204',
        category: 'warning',
        text: (d: { module: string }) =>
          `The condition reads $body, but module '${d.module}' is not known to send JSON with contentType and contentEncoding set, so edgeHub would treat $body as undefined.`,
        hint: () => 'Make sure the module sets contentType=application/json and contentEncoding=utf-8 on its messages.',
      },
    },
  },
  check(ctx) {
    for (const route of ctx.ir.routes) {
      if (route.when === undefined) continue;
      const path = [...route.path, 'when'];
      const base = conditionOffset(ctx.text, ctx.locate(path), route.when);
      const at = (p: RouteSyntaxError): Span => ({ file: base.file, start: base.start + p.start, length: Math.max(1, p.length) });
      const parsed = route.condition ?? parseCondition(route.when);
      for (const problem of parsed.errors) ctx.report('syntax', { message: problem.message, hint: problem.hint }, at(problem));
      if (!parsed.expr) continue;
      // Every source edgeml can express is telemetry (/messages...), never twin change notifications.
      for (const problem of checkCondition(parsed.expr, { source: 'messages' })) {
        ctx.report(
          problem.severity === 'warning' ? 'suspicious' : 'semantic',
          { message: problem.message, hint: problem.hint },
          at(problem),
        );
      }
      // Generated capture modules set contentType/encoding; a container module may not.
      if (/\$body\b/.test(route.when) && route.from.kind === 'module') {
        const module = ctx.ir.modules.find((m) => m.name === (route.from as { module: string }).module);
        if (module && module.kind === 'container') ctx.report('bodyNeedsJson', { module: module.name }, path);
      }
    }
  },
});
