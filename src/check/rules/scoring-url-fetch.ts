// Check: Custom Vision's /url fetching (urlFetch) is set only where it is served, each allow entry is one the module
// understands (the module would refuse to start otherwise), and the list does not open every address (a device that fetches any URL can be made to reach the cloud metadata endpoint and the local network).
import { defineCheck } from '../define-check.js';
import { allowEntryProblem } from '../../runtime/scoring/url-fetch.js';

/** Entries that let every IPv4 or IPv6 address through. */
const EVERYTHING = new Set(['0.0.0.0/0', '::/0', '*']);

export default defineCheck({
  meta: {
    id: 'scoring-url-fetch',
    description: 'urlFetch is used by a Custom Vision API and allows specific hosts.',
    messages: {
      urlFetchUnused: {
        code: 'EML3981',
        category: 'warning',
        text: (d: { module: string }) =>
          `Module '${d.module}' sets urlFetch, but it does not serve the customvision API, whose /url route uses it.`,
        hint: () => 'Add customvision to apis, or remove urlFetch.',
      },
      urlFetchEntry: {
        code: 'EML3983',
        text: (d: { module: string; problem: string }) => `Module '${d.module}': urlFetch.allow entry ${d.problem}.`,
        hint: () =>
          'Give a host name (camera.local, *.example.com), an IP address (192.168.1.20) or a CIDR range (192.168.1.0/24); no scheme, port or path.',
      },
      urlFetchEverything: {
        code: 'EML3982',
        category: 'warning',
        text: (d: { module: string; entry: string }) =>
          `Module '${d.module}' lets /url fetch from '${d.entry}': every address, including the cloud metadata endpoint and the device's own network.`,
        hint: () => 'List the hosts or ranges images come from (e.g. camera.local, 192.168.10.0/24).',
      },
    },
  },
  check(ctx) {
    for (const module of ctx.ir.modules) {
      const scoring = module.scoring;
      if (!scoring?.urlFetch) continue;
      if (!scoring.apis.includes('customvision')) ctx.report('urlFetchUnused', { module: module.name }, [...module.path, 'urlFetch']);
      scoring.urlFetch.allow.forEach((entry, i) => {
        const problem = EVERYTHING.has(entry) ? undefined : allowEntryProblem(entry);
        if (problem) ctx.report('urlFetchEntry', { module: module.name, problem }, [...module.path, 'urlFetch', 'allow', i]);
        if (EVERYTHING.has(entry))
          ctx.report('urlFetchEverything', { module: module.name, entry }, [...module.path, 'urlFetch', 'allow', i]);
      });
    }
  },
});
