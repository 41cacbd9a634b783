// Runs a `container` module on a local Docker engine (dockerode) when one is reachable and its image is present;
// otherwise says why it is skipped. Local stage (`edgeml run`). Host ports bind to loopback only; the container is
// removed when the run ends. Its IoT Edge messages are not routed: without edgeHub it cannot send or receive any.
import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import type { ModuleIR } from '../ir/types.js';
import { moduleEnvironment } from './module-env.js';

export interface RunningContainerModule {
  name: string;
  id: string;
  stop(): Promise<void>;
}

export type ContainerStart = { started: RunningContainerModule } | { skipped: string };

const PING_TIMEOUT_MS = 3000;

/** The image reference a container module runs, as `docker images` would list it. */
export function imageReference(module: ModuleIR): string {
  return module.image.kind === 'prebuilt' ? module.image.ref : `${module.image.repository}:${module.image.tag}`;
}

export async function startContainerModule(
  module: ModuleIR,
  env: Readonly<Record<string, string | undefined>>,
  log: (line: string) => void,
): Promise<ContainerStart> {
  const { default: Docker } = await import('dockerode');
  const docker = new Docker();
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS / 1000} s`)), PING_TIMEOUT_MS).unref()),
    ]);
  } catch (error) {
    return { skipped: `no Docker engine is reachable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  const ref = imageReference(module);
  try {
    await docker.getImage(ref).inspect();
  } catch {
    const how = module.image.kind === 'prebuilt' ? `pull it first (docker pull ${ref})` : 'build it first (edgeml compile, then the build script)';
    return { skipped: `its image '${ref}' is not on this machine; ${how}` };
  }
  const resolved = moduleEnvironment(module, env);
  if (resolved.missing.length > 0) return { skipped: `the environment variable '${resolved.missing[0]}' is not set` };
  const portBindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  const exposed: Record<string, object> = {};
  for (const port of module.ports) {
    const key = `${port.container}/${port.protocol}`;
    exposed[key] = {};
    if (port.host !== undefined) portBindings[key] = [{ HostIp: '127.0.0.1', HostPort: String(port.host) }];
  }
  const typed: Record<string, unknown> = {
    Image: ref,
    name: `edgeml-run-${module.name}-${process.pid}`,
    Env: Object.entries(resolved.env)
      .filter(([name]) => module.env.some((v) => v.name === name))
      .map(([name, value]) => `${name}=${value}`),
    ExposedPorts: exposed,
    HostConfig: {
      PortBindings: portBindings,
      Binds: module.volumes.filter((v) => v.kind === 'bind').map((v) => `${v.source}:${v.target}${v.readOnly ? ':ro' : ''}`),
    },
  };
  // The spec's raw createOptions win, as on the device; the local run still owns the name and removal.
  const options = deepMerge(typed, module.createOptions) as Record<string, unknown> & { HostConfig: Record<string, unknown> };
  options.name = typed.name;
  options.HostConfig = { ...options.HostConfig, AutoRemove: true };
  const container = await docker.createContainer(options);
  await container.start();
  log(`[${module.name}] container ${container.id.slice(0, 12)} started from ${ref}`);
  const logs = (await container.logs({ follow: true, stdout: true, stderr: true })) as NodeJS.ReadableStream;
  const lines = new PassThrough();
  docker.modem.demuxStream(logs, lines, lines);
  createInterface({ input: lines }).on('line', (line) => log(`[${module.name}] ${line}`));
  let stopping = false;
  void container.wait().then(
    (result: { StatusCode?: number }) => {
      if (!stopping) log(`[${module.name}] container exited (${result.StatusCode ?? '?'})`);
    },
    () => undefined,
  );
  return {
    started: {
      name: module.name,
      id: container.id,
      async stop() {
        stopping = true;
        // AutoRemove happens after the stop returns; wait for it so nothing is left when the run ends.
        const removed = container.wait({ condition: 'removed' }).catch(() => undefined);
        await container.stop({ t: 5 }).catch(() => undefined);
        await Promise.race([removed, new Promise((r) => setTimeout(r, 10_000).unref())]);
        lines.end();
      },
    },
  };
}

/** Objects merge key by key; anything else from `over` replaces what is in `base`. */
function deepMerge(base: unknown, over: unknown): unknown {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(base[key], value);
  return out;
}
