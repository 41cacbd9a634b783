// `edgeml status` without the CLI: the live module status of the target device (from its $edgeAgent/$edgeHub
// twins) or the fleet's configurations and their system metrics, as data and as a text table. Apply stage.
import type { AzureIR } from '../ir/types.js';
import { ownConfigurations, type Providers } from '../plan/live.js';
import { evaluateConvergence, type ConvergenceReport, type ModuleReport } from './convergence.js';
import { fleetMetrics, type FleetMetrics } from './deploy-fleet.js';
import { textTable } from '../text-table.js';

export type StatusResult =
  | { kind: 'missing'; what: string }
  | { kind: 'device'; deviceId: string; report: ConvergenceReport }
  | { kind: 'fleet'; baseId: string; configurations: { id: string; priority: number; metrics: FleetMetrics }[] };

export async function readStatus(azure: AzureIR, providers: Providers): Promise<StatusResult> {
  const hubInfo = await providers.arm.getIotHub(azure.resourceGroup, azure.iotHub.name);
  if (!hubInfo) return { kind: 'missing', what: `IoT hub '${azure.iotHub.name}'` };
  const hub = await providers.iotHub();
  const target = azure.deployment;
  if (target.kind === 'fleet') {
    const configurations = ownConfigurations(await hub.listConfigurations(), target.id).map((c) => ({
      id: c.id,
      priority: c.priority,
      metrics: fleetMetrics(c),
    }));
    return { kind: 'fleet', baseId: target.id, configurations };
  }
  const device = await hub.getDevice(target.deviceId);
  if (!device) return { kind: 'missing', what: `edge device '${target.deviceId}'` };
  const report = evaluateConvergence(
    await hub.getModuleTwin(target.deviceId, '$edgeAgent'),
    await hub.getModuleTwin(target.deviceId, '$edgeHub'),
  );
  return { kind: 'device', deviceId: target.deviceId, report };
}

const dash = (value: unknown): string => (value === undefined || value === '' ? '-' : String(value));

function moduleRow(m: ModuleReport): string[] {
  return [
    m.name,
    dash(m.desiredStatus),
    dash(m.runtimeStatus),
    dash(m.reportedImage ?? m.desiredImage),
    dash(m.restartCount),
    dash(m.exitCode),
    dash(m.lastStartTimeUtc),
  ];
}

export function renderStatusText(status: StatusResult): string {
  if (status.kind === 'missing') return `Not deployed: ${status.what} does not exist.\n`;
  if (status.kind === 'fleet') {
    if (status.configurations.length === 0) return `No deployment '${status.baseId}-…' exists on the hub.\n`;
    const rows = status.configurations.map((c) => [
      c.id,
      String(c.priority),
      String(c.metrics.targeted),
      String(c.metrics.applied),
      String(c.metrics.succeeded),
      String(c.metrics.failed),
    ]);
    return textTable(['DEPLOYMENT', 'PRIORITY', 'TARGETED', 'APPLIED', 'SUCCEEDED', 'FAILED'], rows);
  }
  const { report } = status;
  const head = `Device ${status.deviceId}: ${report.converged ? 'converged' : 'not converged'} (edgeAgent desired version ${dash(report.agent.desiredVersion)}, last processed ${dash(report.agent.lastDesiredVersion)}, code ${dash(report.agent.code)}).\n`;
  const body = textTable(['MODULE', 'DESIRED', 'RUNTIME', 'IMAGE', 'RESTARTS', 'EXIT', 'LAST START'], report.modules.map(moduleRow));
  const problems = report.problems.length ? report.problems.map((p) => `  - ${p}\n`).join('') : '';
  return head + body + (problems ? `Problems:\n${problems}` : '');
}
