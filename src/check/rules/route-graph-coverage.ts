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
        text: (d: { module: string; output: string }) =>
          `Output '${d.output}' of module '${d.module}' is not routed anywhere; edgeHub drops the messages it sends.`,
        hint: (d: { module: string; output: string }) =>
          `Add a route from ${d.module}.${d.output} (to upstream or a module input), or remove the output.`,
      },
      unfedInput: {
        code: 'EML3110',
        category: 'warning',
        text: (d: { module: string; input: string }) =>
          `Input '${d.input}' of module '${d.module}' receives nothing: no route leads to it.`,
        hint: (d: { module: string; input: string }) => `Add a route to ${d.module}.${d.input}, or remove the input.`,
      },
    },
  },
  check(ctx) {
    const graph = routedEndpoints(ctx.ir.routes);
    for (const module of ctx.ir.modules) {
      // A route naming an output or input the module lacks is already an error (route-endpoints-exist), most often
      // a typo of the one this check would call unused: saying both would be noise.
      const named = graph.sourcesNamed.get(module.name) ?? [];
      if (!named.some((output) => output !== '*' && !module.outputs.includes(output))) {
        module.outputs.forEach((output, index) => {
          if (!graph.allMessages && !named.includes('*') && !named.includes(output))
            ctx.report('unroutedOutput', { module: module.name, output }, outputPath(ctx.data, module, index));
        });
      }
      const fed = graph.inputsNamed.get(module.name) ?? [];
      if (!fed.some((input) => !module.inputs.includes(input))) {
        module.inputs.forEach((input, index) => {
          if (!fed.includes(input)) ctx.report('unfedInput', { module: module.name, input }, [...module.path, 'inputs', index]);
        });
      }
    }
  },
});

/** In one pass over the routes: the outputs ('*' for any) they read and the inputs they feed, per module. */
function routedEndpoints(routes: readonly RouteIR[]): {
  allMessages: boolean;
  sourcesNamed: Map<string, string[]>;
  inputsNamed: Map<string, string[]>;
} {
  const sourcesNamed = new Map<string, string[]>();
  const inputsNamed = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, module: string, name: string) => {
    const names = map.get(module);
    if (names) names.push(name);
    else map.set(module, [name]);
  };
  let allMessages = false;
  for (const { from, to } of routes) {
    if (from.kind === 'all-messages') allMessages = true;
    if (from.kind === 'module') add(sourcesNamed, from.module, from.output);
    if (to.kind === 'module') add(inputsNamed, to.module, to.input);
  }
  return { allMessages, sourcesNamed, inputsNamed };
}

/** Where the spec declares the output: in `outputs`, or an image-capture module's `output` (default when absent). */
function outputPath(data: Record<string, unknown>, module: ModuleIR, index: number): SpecPath {
  const written = (data.modules as Record<string, { outputs?: unknown }> | undefined)?.[module.name]?.outputs;
  const name = module.outputs[index];
  // `outputs` is a list of names or a map from name to its contract.
  if (Array.isArray(written) && written.indexOf(name) >= 0) return [...module.path, 'outputs', written.indexOf(name)];
  if (name !== undefined && typeof written === 'object' && written !== null && Object.hasOwn(written, name))
    return [...module.path, 'outputs', name];
  return module.capture ? [...module.path, 'output'] : module.path;
}
