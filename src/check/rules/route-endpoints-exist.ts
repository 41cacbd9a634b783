// Check: every route names modules, outputs and inputs that exist, so edgeHub never receives a dangling route.
import { routeIdentifierProblem } from '../../routes/index.js';
import { defineCheck } from '../define-check.js';
import { closest } from '../../resolve/suggest.js';

export default defineCheck({
  meta: {
    id: 'route-endpoints-exist',
    description: 'Route sources and sinks refer to declared modules, outputs and inputs.',
    messages: {
      unknownModule: {
        code: 'EML3101',
        text: (d: { module: string; suggestion?: string }) =>
          `Route refers to module '${d.module}', which the spec does not declare.${d.suggestion ? ` Did you mean '${d.suggestion}'?` : ''}`,
        hint: () => 'Use the name of a module under modules:.',
      },
      unknownOutput: {
        code: 'EML3102',
        text: (d: { module: string; output: string; outputs: string }) =>
          `Module '${d.module}' has no output '${d.output}' (its outputs: ${d.outputs}).`,
        hint: (d: { module: string; output: string }) =>
          `Use one of its outputs, or declare '${d.output}' under modules.${d.module}.outputs.`,
      },
      unknownInput: {
        code: 'EML3103',
        text: (d: { module: string; input: string; inputs: string }) =>
          `Module '${d.module}' has no input '${d.input}' (its inputs: ${d.inputs}).`,
        hint: (d: { module: string; input: string }) => `Use one of its inputs, or declare '${d.input}' under modules.${d.module}.inputs.`,
      },
      missingInput: {
        code: 'EML3104',
        text: (d: { module: string }) => `Route destination '${d.module}' names no input.`,
        hint: (d: { module: string }) => `Write '${d.module}.<input>' or 'upstream'.`,
      },
      badIdentifier: {
        code: 'EML3105',
        text: (d: { name: string }) => `'${d.name}' cannot appear in an IoT Edge route: ${routeIdentifierProblem(d.name)}.`,
        hint: () => 'Rename the output or input.',
      },
      duplicateName: {
        code: 'EML3106',
        text: (d: { name: string }) => `Two routes are named '${d.name}'; edgeHub would keep only one.`,
        hint: () => 'Give each route its own name.',
      },
      noOutputs: {
        code: 'EML3107',
        text: (d: { module: string; kind: string }) =>
          `Module '${d.module}' (${d.kind}) sends no IoT Edge messages, so this route would never carry any.`,
        hint: () => 'Route from a module that has outputs, e.g. an image-capture module.',
      },
      emptySource: {
        code: 'EML3108',
        text: () => 'Route source is empty.',
        hint: () => "Write 'module.output', 'module.*', '*' or 'devices'.",
      },
    },
  },
  check(ctx) {
    const modules = new Map(ctx.ir.modules.map((m) => [m.name, m]));
    const names = new Map<string, number>();
    ctx.ir.routes.forEach((route, index) => {
      const from = [...route.path, 'from'];
      const to = [...route.path, 'to'];
      const previous = names.get(route.name);
      if (previous !== undefined)
        ctx.report('duplicateName', { name: route.name }, [...route.path, 'name'], {
          related: [{ at: ['routes', previous], message: 'The first route with this name.' }],
        });
      else names.set(route.name, index);

      if (route.from.kind === 'module') {
        const source = route.from;
        const module = modules.get(source.module);
        if (!source.module) ctx.report('emptySource', undefined, from);
        else if (!module) ctx.report('unknownModule', { module: source.module, suggestion: closest(source.module, modules.keys()) }, from);
        else if (source.output !== '*') {
          if (routeIdentifierProblem(source.output)) ctx.report('badIdentifier', { name: source.output }, from);
          else if (module.outputs.length > 0 && !module.outputs.includes(source.output))
            ctx.report('unknownOutput', { module: module.name, output: source.output, outputs: module.outputs.join(', ') }, from);
          else if (module.outputs.length === 0 && module.kind !== 'container')
            ctx.report('noOutputs', { module: module.name, kind: module.kind }, from);
        } else if (module.outputs.length === 0 && module.kind !== 'container')
          ctx.report('noOutputs', { module: module.name, kind: module.kind }, from);
      }
      if (route.to.kind === 'module') {
        const sink = route.to;
        const module = modules.get(sink.module);
        if (!module) ctx.report('unknownModule', { module: sink.module, suggestion: closest(sink.module, modules.keys()) }, to);
        else if (!sink.input) ctx.report('missingInput', { module: sink.module }, to);
        else if (routeIdentifierProblem(sink.input)) ctx.report('badIdentifier', { name: sink.input }, to);
        else if (module.kind !== 'container' || module.inputs.length > 0) {
          if (!module.inputs.includes(sink.input))
            ctx.report('unknownInput', { module: module.name, input: sink.input, inputs: module.inputs.join(', ') || 'none' }, to);
        }
      }
    });
  },
});
