// Renders a Plan as text in Terraform's conventions: a legend of the symbols used, one block per resource, module
// and route ("# module "x" will be updated in-place", `old -> new`, (sensitive)), sorted, then the summary line.
// Plan stage; pure. Colour is applied by the optional `paint` callback so this stays testable as plain text.
import { stableJsonMinified as stableJson } from '../render/stable-json.js';
import type { ChangeAction, FieldChange, ModuleChange, Plan, ResourceChange, RouteChange, RouteValue } from './types.js';

export type Paint = (kind: ChangeAction | 'heading' | 'dim', text: string) => string;

const symbols: Record<ChangeAction, string> = { create: '+', update: '~', delete: '-' };
const legendText: Record<ChangeAction, string> = { create: 'create', update: 'update in-place', delete: 'destroy' };
const verbs: Record<ChangeAction, string> = { create: 'will be created', update: 'will be updated in-place', delete: 'will be destroyed' };
const resourceOrder = ['resource-group', 'iot-hub', 'registry', 'edge-device', 'configuration'] as const;
const resourceLabels: Record<ResourceChange['kind'], string> = {
  'resource-group': 'resource_group',
  'iot-hub': 'iot_hub',
  registry: 'container_registry',
  'edge-device': 'edge_device',
  configuration: 'deployment',
};

export const emptyPlanMessage = 'No changes. The live deployment matches the spec.';

function formatValue(value: unknown): string {
  if (value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value !== null && typeof value === 'object') return stableJson(value);
  return String(value);
}

function fieldLine(change: FieldChange, action: ChangeAction, width: number, paint: Paint): string {
  const show = (value: unknown): string => (change.sensitive ? '(sensitive)' : formatValue(value));
  const hasBefore = action !== 'create' && change.before !== undefined;
  const hasAfter = action !== 'delete' && (change.after !== undefined || change.unknownAfter === true);
  const own: ChangeAction = !hasBefore ? 'create' : !hasAfter ? 'delete' : 'update';
  const after = change.unknownAfter ? '(known after apply)' : show(change.after);
  let value: string;
  if (own === 'create') value = after;
  else if (own === 'delete') value = `${show(change.before)} -> null`;
  // Terraform prints a changed secret once: both sides would read (sensitive).
  else value = change.sensitive && !change.unknownAfter ? '(sensitive)' : `${show(change.before)} -> ${after}`;
  return `      ${paint(own, symbols[own])} ${change.field.padEnd(width)} = ${value}`;
}

function block(address: string, action: ChangeAction, lines: string[], paint: Paint, reasons: string[] = []): string[] {
  const out = [`  # ${address} ${verbs[action]}`, ...reasons.map((r) => `  # (${r})`)];
  if (lines.length === 0) return [...out, `  ${paint(action, symbols[action])} ${address}`];
  return [...out, `  ${paint(action, symbols[action])} ${address} {`, ...lines, '    }'];
}

function moduleBlock(change: ModuleChange, paint: Paint): string[] {
  const width = Math.max(0, ...change.fields.map((f) => f.field.length));
  const lines = change.fields.map((f) => fieldLine(f, change.action, width, paint));
  if (change.unchanged > 0) {
    lines.push(paint('dim', `        # (${change.unchanged} unchanged attribute${change.unchanged === 1 ? '' : 's'} hidden)`));
  }
  const kind = change.system ? 'system_module' : 'module';
  const reasons = change.action === 'update' ? [`changes: ${change.groups.join(', ')}`] : [];
  return block(`${kind} "${change.name}"`, change.action, lines, paint, reasons);
}

function routeFields(value: RouteValue | undefined): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  if (!value) return fields;
  fields.set('route', value.route);
  if (value.priority !== undefined) fields.set('priority', value.priority);
  if (value.timeToLiveSecs !== undefined) fields.set('timeToLiveSecs', value.timeToLiveSecs);
  return fields;
}

function routeBlock(change: RouteChange, paint: Paint): string[] {
  const before = routeFields(change.before);
  const after = routeFields(change.after);
  const names = [...new Set([...before.keys(), ...after.keys()])];
  const width = Math.max(...names.map((n) => n.length));
  const lines: string[] = [];
  for (const field of names) {
    const b = before.get(field);
    const a = after.get(field);
    if (change.action === 'update' && stableJson(a) === stableJson(b)) continue;
    const f: FieldChange = { field };
    if (before.has(field)) f.before = b;
    if (after.has(field)) f.after = a;
    lines.push(fieldLine(f, change.action, width, paint));
  }
  return block(`route "${change.name}"`, change.action, lines, paint);
}

function legend(plan: Plan, paint: Paint): string[] {
  const used = new Set<ChangeAction>([
    ...plan.resources.map((r) => r.action),
    ...plan.modules.map((m) => m.action),
    ...plan.routes.map((r) => r.action),
    ...(plan.settings ? [plan.settings.action] : []),
  ]);
  const lines = ['Resource actions are indicated with the following symbols:'];
  for (const action of ['create', 'update', 'delete'] as const) {
    if (used.has(action)) lines.push(`  ${paint(action, symbols[action])} ${legendText[action]}`);
  }
  return lines;
}

const plain: Paint = (_kind, text) => text;

/** The plan as text, ending with a newline. An empty plan is one sentence. */
export function renderPlanText(plan: Plan, paint: Paint = plain): string {
  const { add, change, destroy } = plan.summary;
  const reach = [...(plan.reach ? [reachLine(plan.reach)] : []), ...(plan.rollout ? rolloutLines(plan.rollout) : [])];
  if (add + change + destroy === 0) return [emptyPlanMessage, ...reach].join('\n') + '\n';
  const out: string[] = [];
  if (plan.drift) {
    // Terraform shows drift apart from proposed changes: here the spec is unchanged, the live side moved.
    out.push(
      paint('heading', 'Note: the live deployment has changed outside of edgeml since the last apply.'),
      'The changes below put it back to what the spec says.',
      '',
    );
  }
  out.push(...legend(plan, paint), '', paint('heading', 'edgeml will perform the following actions:'), '');
  const resources = [...plan.resources].sort(
    (a, b) => resourceOrder.indexOf(a.kind) - resourceOrder.indexOf(b.kind) || a.name.localeCompare(b.name),
  );
  for (const r of resources) {
    out.push(...block(`${resourceLabels[r.kind]} "${r.name}"`, r.action, [], paint, r.reason ? [r.reason] : []), '');
  }
  if (plan.settings) {
    const width = Math.max(...plan.settings.fields.map((f) => f.field.length));
    const lines = plan.settings.fields.map((f) => fieldLine(f, plan.settings!.action, width, paint));
    out.push(...block('settings "deployment"', plan.settings.action, lines, paint), '');
  }
  const modules = [...plan.modules].sort((a, b) => Number(a.system) - Number(b.system) || a.name.localeCompare(b.name));
  for (const m of modules) out.push(...moduleBlock(m, paint), '');
  for (const r of [...plan.routes].sort((a, b) => a.name.localeCompare(b.name))) out.push(...routeBlock(r, paint), '');
  out.push(paint('heading', `Plan: ${add} to add, ${change} to change, ${destroy} to destroy.`), ...reach);
  return out.join('\n') + '\n';
}

/** Who the fleet deployment reaches: the count of IoT Edge devices its target condition matches now. */
function reachLine(reach: NonNullable<Plan['reach']>): string {
  if (reach.rejected !== undefined) return `Target: IoT Hub rejects ${reach.condition}.`;
  if (reach.edgeDevices === undefined) return `Target: the IoT Edge devices where ${reach.condition} (counted once the hub exists).`;
  const devices = `${reach.edgeDevices} IoT Edge device${reach.edgeDevices === 1 ? '' : 's'}`;
  return `Target: ${reach.condition} matches ${devices} now.`;
}

/** The rollout's rings: how many devices each reaches now (cumulative) and the gate it must pass. */
function rolloutLines(rollout: NonNullable<Plan['rollout']>): string[] {
  const onFailure = rollout.onFailure === 'rollback' ? 'roll back' : 'halt';
  const lines = [`Rollout: ${rollout.rings.length} ring${rollout.rings.length === 1 ? '' : 's'}, on a failed gate ${onFailure}.`];
  const rows = rollout.rings.map((ring, i) => {
    const share =
      ring.condition !== undefined
        ? `${ring.condition}${ring.percent !== undefined ? ` AND ${ring.percent}%` : ''}`
        : ring.percent !== undefined
          ? `${ring.percent}%`
          : 'the whole fleet';
    const devices =
      ring.devices === undefined ? 'devices counted once the hub exists' : `${ring.devices} device${ring.devices === 1 ? '' : 's'} now`;
    const g = ring.gate;
    const metrics = Object.keys(g.metrics).length ? `, metrics ${Object.keys(g.metrics).join(', ')}` : '';
    return [
      `  ${i + 1}. ${ring.name}`,
      share,
      devices,
      `gate: ${g.minDevices} reporting, at most ${g.maxFailedPercent}% failed, wait ${g.waitSeconds}s${metrics}`,
    ];
  });
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
  for (const row of rows) lines.push(row.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]) : cell)).join('  '));
  return lines;
}
