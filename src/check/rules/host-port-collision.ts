// Check: no two modules publish the same host port, and none takes edgeHub's or the device's reserved ports.
import { defineCheck } from '../define-check.js';

/** Host ports edgeHub publishes for downstream devices (AMQPS, HTTPS/WebSockets, MQTTS). */
const EDGE_HUB_PORTS = [443, 5671, 8883];

export default defineCheck({
  meta: {
    id: 'host-port-collision',
    description: 'Host ports are unique across modules and avoid ports the runtime needs.',
    messages: {
      collision: {
        code: 'EML3301',
        text: (d: { port: string; module: string; other: string }) =>
          `Host port ${d.port} is published by both '${d.other}' and '${d.module}'; the second container would fail to start.`,
        hint: () => 'Publish one of them on another host port, e.g. "8081:80".',
      },
      edgeHubPort: {
        code: 'EML3302',
        text: (d: { port: number; module: string }) =>
          `Module '${d.module}' publishes host port ${d.port}, which edgeHub uses for downstream devices.`,
        hint: () => 'Use another host port.',
      },
      duplicateContainerPort: {
        code: 'EML3304',
        category: 'warning',
        text: (d: { port: string; module: string }) => `Module '${d.module}' lists container port ${d.port} twice.`,
        hint: () => 'Remove the duplicate entry.',
      },
    },
  },
  check(ctx) {
    const published = new Map<string, { module: string; index: number }>();
    for (const module of ctx.ir.modules) {
      const containerPorts = new Set<string>();
      module.ports.forEach((port, index) => {
        const at = [...module.path, 'ports', index];
        const containerKey = `${port.container}/${port.protocol}`;
        if (containerPorts.has(containerKey) && port.host === undefined)
          ctx.report('duplicateContainerPort', { port: containerKey, module: module.name }, at);
        containerPorts.add(containerKey);
        if (port.host === undefined) return;
        const key = `${port.hostIp ?? '0.0.0.0'}:${port.host}/${port.protocol}`;
        const wildcardKey = `0.0.0.0:${port.host}/${port.protocol}`;
        const other =
          published.get(key) ??
          published.get(wildcardKey) ??
          (port.hostIp === undefined
            ? [...published.entries()].find(([k]) => k.endsWith(`:${port.host}/${port.protocol}`))?.[1]
            : undefined);
        if (other) {
          ctx.report('collision', { port: `${port.host}/${port.protocol}`, module: module.name, other: other.module }, at, {
            related: [{ at: ['modules', other.module, 'ports', other.index], message: `'${other.module}' publishes it here.` }],
          });
        } else published.set(key, { module: module.name, index });
        if (EDGE_HUB_PORTS.includes(port.host) && port.protocol === 'tcp')
          ctx.report('edgeHubPort', { port: port.host, module: module.name }, at);
      });
    }
  },
});
