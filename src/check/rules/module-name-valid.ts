// Check: module names must be valid IoT Edge module ids, route identifiers and Docker repository components.
import { routeIdentifierProblem } from '../../routes/index.js';
import { defineCheck } from '../define-check.js';

const RESERVED = new Set(['edgeagent', 'edgehub', '$edgeagent', '$edgehub']);
const DOCKER_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const MAX_LENGTH = 64;

export default defineCheck({
  meta: {
    id: 'module-name-valid',
    description: 'Module names are valid for IoT Edge and Docker, not reserved, and unique ignoring case.',
    messages: {
      invalidCharacters: {
        code: 'EML3001',
        text: (d: { name: string }) => `Module name '${d.name}' may only use letters, digits, '-' and '_'.`,
        hint: () => 'Rename the module; IoT Edge module ids and route paths cannot hold other characters.',
      },
      reserved: {
        code: 'EML3002',
        text: (d: { name: string }) => `Module name '${d.name}' is reserved for the IoT Edge runtime.`,
        hint: () => 'Choose another name; edgeAgent and edgeHub are system modules.',
      },
      duplicate: {
        code: 'EML3003',
        text: (d: { name: string; other: string }) => `Module names '${d.name}' and '${d.other}' differ only in case.`,
        hint: () => 'Rename one: image repositories and container names are lowercase.',
      },
      notDockerName: {
        code: 'EML3004',
        text: (d: { name: string; repo: string }) =>
          `Module name '${d.name}' gives the image repository '${d.repo}', which Docker rejects.`,
        hint: () => 'Start and end the name with a letter or digit and avoid repeated separators.',
      },
      notRouteName: {
        code: 'EML3006',
        text: (d: { name: string; problem: string }) => `Module name '${d.name}' cannot appear in an IoT Edge route: ${d.problem}.`,
        hint: () => 'Rename the module, e.g. add a letter prefix.',
      },
      tooLong: {
        code: 'EML3005',
        text: (d: { name: string; max: number }) => `Module name '${d.name}' is longer than ${d.max} characters.`,
        hint: () => 'Use a shorter name.',
      },
    },
  },
  check(ctx) {
    const seen = new Map<string, string>();
    for (const module of ctx.ir.modules) {
      const at = module.path;
      const opts = { key: true };
      if (!/^[A-Za-z0-9_-]+$/.test(module.name)) {
        ctx.report('invalidCharacters', { name: module.name }, at, opts);
        continue;
      }
      if (RESERVED.has(module.name.toLowerCase())) ctx.report('reserved', { name: module.name }, at, opts);
      const routeProblem = routeIdentifierProblem(module.name);
      if (routeProblem) ctx.report('notRouteName', { name: module.name, problem: routeProblem }, at, opts);
      if (module.name.length > MAX_LENGTH) ctx.report('tooLong', { name: module.name, max: MAX_LENGTH }, at, opts);
      const lower = module.name.toLowerCase();
      if (!DOCKER_COMPONENT.test(lower)) ctx.report('notDockerName', { name: module.name, repo: lower }, at, opts);
      const other = seen.get(lower);
      if (other !== undefined) {
        ctx.report('duplicate', { name: module.name, other }, at, {
          key: true,
          related: [{ at: ['modules', other], key: true, message: `'${other}' is declared here.` }],
        });
      } else seen.set(lower, module.name);
    }
  },
});
