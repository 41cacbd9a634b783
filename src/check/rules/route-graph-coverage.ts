// Check: every declared module output is read by some route and every declared input is fed by one. edgeHub drops
// messages that no route matches, silently, and an input nobody routes to leaves its module idle: both are usually a
// forgotten route or a typo that the name checks (route-endpoints-exist) cannot see. Warnings: a spec may declare an
// output it routes later, or an input only a layered deployment feeds.
import type { ModuleIR, RouteIR, SpecPath } from '../../ir/types.js';
import { defineCheck } from '../define-check.js';

export default defineCheck({
  meta: {
    id: 'route-graph-coverage',
    description: 'Every declared module output is routed somewhere, and every declared input is fed by a route.',
    messages: {
      unroutedOutput: {
        code: 'EML3109',
        category: 'warning',
        text: (d: { module: string; output: string }) => `Output '${d.output}' of module '${d.module}' is not routed anywhere; edgeHub drops the messages it sends.`,
        hint: (d: { module: string; output: string }) => `Add a route from ${d.module}.${d.output} (to upstream or a module input), or remove the output.`,
      },
      unfedInput: {
        code: 'EML3110',
        category: 'warning',
        text: (d: { module: string; input: string }) => `Input '${d.input}' of module '${d.module}' receives nothing: no route leads to it.`,
        hint: (d: { module: string; input: string }) => `Add a route to ${d.module}.${d.input}, or remove the input.`,
      },
    },
  },
  check(ctx) {
    const { routes } = ctx.ir;
    for (const module of ctx.ir.modules) {
      // A route naming an output or input the module lacks is already an error (route-endpoints-exist), most often
      // a typo of the one this check would call unused: saying both would be noise.
      const misnamedSource = routes.some((r) => r.from.kind === 'module' && r.from.module === module.name && r.from.output !== '*' && !module.outputs.includes(r.from.output));
      const misnamedSink = routes.some((r) => r.to.kind === 'module' && r.to.module === module.name && !module.inputs.includes(r.to.input));
      if (!misnamedSource) module.outputs.forEach((output, index) => {
        if (!routes.some((route) => reads(route, module.name, output))) ctx.report('unroutedOutput', { module: module.name, output }, outputPath(ctx.data, module, index));
      });
      if (!misnamedSink) module.inputs.forEach((input, index) => {
        if (!routes.some((route) => route.to.kind === 'module' && route.to.module === module.name && route.to.input === input)) {
          ctx.report('unfedInput', { module: module.name, input }, [...module.path, 'inputs', index]);
        }
      });
    }
  },
});

/** Whether `route` takes the messages a module sends on `output`. */
function reads(route: RouteIR, module: string, output: string): boolean {
  const from = route.from;
  if (from.kind === 'all-messages') return true;
  return from.kind === 'module' && from.module === module && (from.output === '*' || from.output === output);
}

/** Where the spec declares the output: in `outputs`, or an image-capture module's `output` (default when absent). */
function outputPath(data: Record<string, unknown>, module: ModuleIR, index: number): SpecPath {
  const written = ((data.modules as Record<string, { outputs?: unknown }> | undefined)?.[module.name]?.outputs ?? []) as unknown[];
  const declared = written.indexOf(module.outputs[index]);
  if (declared >= 0) return [...module.path, 'outputs', declared];
  return module.capture ? [...module.path, 'output'] : module.path;
}
