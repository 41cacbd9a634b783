// Apply steps for a single device: send the deployment with applyConfigurationContent only when it differs from
// what the device's twins already hold (an unchanged spec makes no write), then wait for convergence (§7.2).
// Apply stage.
import { modelFromContent } from '../plan/deployment-model.js';
import { diffDeployment } from '../plan/diff.js';
import { readDeviceDeployment } from '../plan/live.js';
import type { ConfigurationContent, IotHubProvider } from '../providers/types.js';
import { waitForConvergence, type Clock, type ConvergenceReport } from './convergence.js';
import type { Progress } from './progress.js';

export interface DeviceDeployOptions {
  hub: IotHubProvider;
  deviceId: string;
  /** As rendered, with secret references: decides what counts as sensitive. */
  rendered: ConfigurationContent;
  /** With secrets resolved: what is compared and sent. Never printed. */
  resolved: ConfigurationContent;
  progress: Progress;
}

/** Returns true when it sent the deployment, false when the device already had it. */
export async function deployToDevice(options: DeviceDeployOptions): Promise<boolean> {
  const { hub, deviceId, progress } = options;
  return progress.step(`deployment on ${deviceId}`, async (control) => {
    const live = await readDeviceDeployment(hub, deviceId, options.rendered);
    const diff = diffDeployment({
      desired: modelFromContent(options.resolved),
      desiredRendered: modelFromContent(options.rendered),
      live: live.model,
    });
    const changed = diff.modules.length + diff.routes.length + (diff.settings ? 1 : 0);
    if (changed === 0) {
      control.done('unchanged, nothing sent');
      return false;
    }
    await hub.applyContentOnDevice(deviceId, options.resolved);
    control.done(`sent (${changed} change${changed === 1 ? '' : 's'})`);
    return true;
  });
}

export interface DeviceConvergenceOptions {
  hub: IotHubProvider;
  deviceId: string;
  timeoutMs: number;
  intervalMs: number;
  clock?: Clock;
  progress: Progress;
}

export async function waitForDevice(options: DeviceConvergenceOptions): Promise<ConvergenceReport & { timedOut: boolean }> {
  const { hub, deviceId } = options;
  let last: (ConvergenceReport & { timedOut: boolean }) | undefined;
  try {
    await options.progress.step(`modules running on ${deviceId}`, async (control) => {
      last = await waitForConvergence(
        async () => ({ agent: await hub.getModuleTwin(deviceId, '$edgeAgent'), hub: await hub.getModuleTwin(deviceId, '$edgeHub') }),
        {
          timeoutMs: options.timeoutMs,
          intervalMs: options.intervalMs,
          clock: options.clock,
          onPoll: (report) => {
            const running = report.modules.filter((m) => m.ok).length;
            control.update(`${running}/${report.modules.length} modules as desired`);
          },
        },
      );
      if (!last.converged) throw new Error('not converged');
      control.done(`${last.modules.length} modules as desired`);
    });
  } catch (error) {
    if (!last) throw error;
  }
  return last!;
}
