// Mermaid `flowchart LR` of a workflow's modules and routes for the generated README (render stage, readme).
// Every label is quoted and entity-escaped, so route conditions with quotes, pipes or brackets cannot break the chart.
import type { RouteIR, WorkflowIR } from '../../ir/types.js';

/** Text for a quoted Mermaid label: `#` first (it starts entity codes), then the characters Mermaid or Markdown read. */
export function escapeMermaid(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\|/g, '#124;')
    .replace(/`/g, '#96;')
    .replace(/[\r\n]+/g, ' ');
}

const KIND_LABEL = { scoring: 'scoring', 'image-capture': 'image capture', container: 'container' } as const;

export function renderFlowchart(ir: WorkflowIR): string {
  const ids = new Map(ir.modules.map((m, i) => [m.name, `m${i}`]));
  const lines = ['flowchart LR'];
  for (const module of ir.modules) {
    lines.push(`  ${ids.get(module.name)}["${escapeMermaid(module.name)}<br/>(${KIND_LABEL[module.kind]})"]`);
  }
  const needsUpstream = ir.routes.some((r) => r.to.kind === 'upstream');
  const needsDevices = ir.routes.some((r) => r.from.kind !== 'module');
  if (needsUpstream) lines.push('  upstream[("IoT Hub ($upstream)")]');
  if (needsDevices) lines.push('  devices[/"device messages (/messages)"/]');

  // Module-to-module HTTP (capture → scoring) is not a route but is the main data path: show it dotted.
  for (const module of ir.modules) {
    const target = module.capture && ids.get(module.capture.scoringModule);
    if (target) lines.push(`  ${ids.get(module.name)} -.->|"HTTP POST"| ${target}`);
  }
  for (const route of ir.routes) {
    const from = route.from.kind === 'module' ? ids.get(route.from.module) : 'devices';
    const to = route.to.kind === 'module' ? ids.get(route.to.module) : 'upstream';
    if (!from || !to) continue;
    lines.push(`  ${from} -->|"${escapeMermaid(edgeLabel(route))}"| ${to}`);
  }
  return lines.join('\n');
}

function edgeLabel(route: RouteIR): string {
  const parts = [route.from.kind === 'module' ? route.from.output : route.from.kind === 'devices' ? 'device telemetry' : 'all messages'];
  if (route.to.kind === 'module') parts[0] += ` → ${route.to.input}`;
  if (route.when) parts.push(`when ${route.when}`);
  return `${route.name}: ${parts.join(', ')}`;
}
