// Check: the devices can reach the registry they pull from. A loopback address (localhost, 127.0.0.0/8, ::1) names
// each device's own machine, so every device of a fleet, or a remote device, would try to pull from itself and fail
// with a pull error long after the deployment "succeeded" (edgeAgent reports the failure only in its twin).
import { defineCheck } from '../define-check.js';

/** Devices that are another machine than the one compiling: their loopback is not this machine's registry. */
const REMOTE_DEVICES = new Set(['ubuntu-vm', 'databox-edge', 'raspberry-pi']);

/** True for a registry address whose host is a loopback name or address. */
export function isLoopbackRegistry(address: string): boolean {
  const host = address.startsWith('[') ? address.slice(1, address.indexOf(']')) : address.replace(/:\d+$/, '');
  return /^localhost$/i.test(host) || /^127(?:\.\d{1,3}){3}$/.test(host) || host === '::1';
}

export default defineCheck({
  meta: {
    id: 'registry-reachable',
    description: 'Devices pull images from a registry they can reach (not their own loopback).',
    messages: {
      loopbackRegistry: {
        code: 'EML3721',
        category: 'warning',
        text: (d: { address: string; who: string }) => `Registry ${d.address} is a loopback address: ${d.who} would pull from itself, not from this machine, and every image pull would fail.`,
        hint: () => 'Use a registry the devices reach: an Azure Container Registry (registry.create.name) or this machine\'s network address (e.g. 192.168.1.10:5000, listed under insecure-registries in each device\'s /etc/docker/daemon.json).',
      },
    },
  },
  check(ctx) {
    const { azure, target } = ctx.ir;
    if (!isLoopbackRegistry(azure.registry.address)) return;
    const fleet = azure.deployment.kind === 'fleet';
    if (!fleet && !REMOTE_DEVICES.has(target.device)) return;
    const who = fleet ? 'every device of the fleet' : `the ${target.device} device`;
    ctx.report('loopbackRegistry', { address: azure.registry.address, who }, ['azure', 'registry', 'address']);
  },
});
