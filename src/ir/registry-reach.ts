// Who would pull images from a loopback registry (localhost, 127.0.0.0/8, ::1): that address names each device's own
// machine, so a fleet or a remote device would pull from itself. Read by the registry-reachable check (validate warns)
// and the generated README (which says it next to the image list).
import type { WorkflowIR } from './types.js';

/** Devices that are another machine than the one compiling: their loopback is not this machine's registry. */
const REMOTE_DEVICES: ReadonlySet<string> = new Set(['ubuntu-vm', 'databox-edge', 'raspberry-pi']);

/** True for a registry address whose host is a loopback name or address. */
export function isLoopbackRegistry(address: string): boolean {
  const host = address.startsWith('[') ? address.slice(1, address.indexOf(']')) : address.replace(/:\d+$/, '');
  return /^localhost$/i.test(host) || /^127(?:\.\d{1,3}){3}$/.test(host) || host === '::1';
}

/** Who would pull from itself ("every device of the fleet", "the raspberry-pi device"), or undefined when no one. */
export function loopbackPullers(ir: WorkflowIR): string | undefined {
  if (!isLoopbackRegistry(ir.azure.registry.address)) return undefined;
  if (ir.azure.deployment.kind === 'fleet') return 'every device of the fleet';
  return REMOTE_DEVICES.has(ir.target.device) ? `the ${ir.target.device} device` : undefined;
}
