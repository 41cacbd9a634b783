// Check: the devices can reach the registry they pull from. A loopback address (localhost, 127.0.0.0/8, ::1) names
// each device's own machine, so every device of a fleet, or a remote device, would try to pull from itself and fail
// with a pull error long after the deployment "succeeded" (edgeAgent reports the failure only in its twin).
import { loopbackPullers } from '../../ir/registry-reach.js';
import { defineCheck } from '../define-check.js';

export default defineCheck({
  meta: {
    id: 'registry-reachable',
    description: 'Devices pull images from a registry they can reach (not their own loopback).',
    messages: {
      loopbackRegistry: {
        code: 'EML3730',
        category: 'warning',
        text: (d: { address: string; who: string }) =>
          `Registry ${d.address} is a loopback address: ${d.who} would pull from itself, not from this machine, and every image pull would fail.`,
        hint: () =>
          "Use a registry the devices reach: an Azure Container Registry (registry.create.name) or this machine's network address (e.g. 192.168.1.10:5000, listed under insecure-registries in each device's /etc/docker/daemon.json).",
      },
    },
  },
  check(ctx) {
    const who = loopbackPullers(ctx.ir);
    if (who) ctx.report('loopbackRegistry', { address: ctx.ir.azure.registry.address, who }, ['azure', 'registry', 'address']);
  },
});
