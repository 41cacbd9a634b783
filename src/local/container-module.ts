// Runs a `container` module on a local Docker engine (dockerode) when one is reachable and its image is present;
// otherwise says why it is skipped. Local stage (`edgeml run`). The container gets the manifest's createOptions and
// env plus what reaches the run's local edgeHub (EdgeHubConnectionString, the CA file mounted read-only); host
// ports without a HostIp bind to loopback only; the container is removed when the run ends.
import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import type { ContainerCreateOptions } from 'dockerode';
import type { ModuleIR } from '../ir/types.js';
import { deepMerge, deriveCreateOptions } from '../render/manifest/create-options.js';
import { moduleEnvironment } from './module-env.js';

export interface RunningContainerModule {
  name: string;
  id: string;
  /** Its last log lines (for error messages). */
  tail(): string;
  stop(): Promise<void>;
}

/** How a container reaches the local edgeHub: `bridgeGateway` is the host's address on its network, undefined on the host network. */
export interface ContainerEdgeHub {
  containerSettings(module: string, bridgeGateway: string | undefined): Promise<{ env: string[]; binds: string[]; extraHosts: string[] }>;
}

export type ContainerStart = { started: RunningContainerModule } | { skipped: string };

const PING_TIMEOUT_MS = 3000;
const TAIL_LINES = 8;

/** The image reference a container module runs, as `docker images` would list it. */
export function imageReference(module: ModuleIR): string {
  return module.image.kind === 'prebuilt' ? module.image.ref : `${module.image.repository}:${module.image.tag}`;
}

export async function startContainerModule(
  module: ModuleIR,
  env: Readonly<Record<string, string | undefined>>,
  log: (line: string) => void,
  edgeHub?: ContainerEdgeHub,
): Promise<ContainerStart> {
  const { default: Docker } = await import('dockerode');
  const docker = new Docker();
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS / 1000} s`)), PING_TIMEOUT_MS).unref(),
      ),
    ]);
  } catch (error) {
    return {
      skipped: `no Docker engine is reachable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); edgeml's own modules and the local edgeHub run without it`,
    };
  }
  const ref = imageReference(module);
  try {
    await docker.getImage(ref).inspect();
  } catch {
    const how =
      module.image.kind === 'prebuilt' ? `pull it first (docker pull ${ref})` : 'build it first (edgeml compile, then the build script)';
    return { skipped: `its image '${ref}' is not on this machine; ${how}` };
  }
  const resolved = moduleEnvironment(module, env);
  if (resolved.missing.length > 0) return { skipped: `the environment variable '${resolved.missing[0]}' is not set` };
  // The manifest's createOptions, exactly as edgeAgent would get them; the local run adds its name, the edgeHub
  // connection and AutoRemove, and keeps unaddressed host ports on loopback.
  const manifest = deepMerge(deriveCreateOptions(module), module.createOptions);
  const hostConfig: Record<string, unknown> = { ...(isObject(manifest.HostConfig) ? manifest.HostConfig : {}) };
  if (isObject(hostConfig.PortBindings)) {
    hostConfig.PortBindings = Object.fromEntries(
      Object.entries(hostConfig.PortBindings).map(([key, bindings]) => [
        key,
        Array.isArray(bindings)
          ? bindings.map((b: unknown) => (isObject(b) && b.HostIp === undefined ? { ...b, HostIp: '127.0.0.1' } : b))
          : bindings,
      ]),
    );
  }
  const containerEnv = [
    ...(Array.isArray(manifest.Env) ? manifest.Env.filter((e): e is string => typeof e === 'string') : []),
    ...Object.entries(resolved.env)
      .filter(([name]) => module.env.some((v) => v.name === name))
      .map(([name, value]) => `${name}=${value}`),
  ];
  if (edgeHub) {
    const networkMode = typeof hostConfig.NetworkMode === 'string' ? hostConfig.NetworkMode : 'bridge';
    let gateway: string | undefined;
    if (networkMode !== 'host') {
      const network = networkMode === 'default' ? 'bridge' : networkMode;
      const info = (await docker
        .getNetwork(network)
        .inspect()
        .catch(() => undefined)) as { IPAM?: { Config?: { Gateway?: string }[] } } | undefined;
      gateway = info?.IPAM?.Config?.find((c) => c.Gateway)?.Gateway;
    }
    if (networkMode === 'host' || gateway) {
      const hub = await edgeHub.containerSettings(module.name, gateway);
      containerEnv.push(...hub.env);
      hostConfig.Binds = [...(Array.isArray(hostConfig.Binds) ? hostConfig.Binds : []), ...hub.binds];
      if (hub.extraHosts.length > 0)
        hostConfig.ExtraHosts = [...(Array.isArray(hostConfig.ExtraHosts) ? hostConfig.ExtraHosts : []), ...hub.extraHosts];
    } else {
      log(
        `[${module.name}] its Docker network '${networkMode}' has no gateway address for the local edgeHub to listen on: it runs without IoT Edge messaging (HostConfig.NetworkMode 'host' in its createOptions connects it)`,
      );
    }
  }
  const options: ContainerCreateOptions = {
    ...manifest,
    Image: ref,
    name: `edgeml-run-${module.name}-${process.pid}`,
    Env: containerEnv,
    HostConfig: { ...hostConfig, AutoRemove: true },
  };
  const container = await docker.createContainer(options);
  await container.start();
  log(`[${module.name}] container ${container.id.slice(0, 12)} started from ${ref}`);
  const logs = (await container.logs({ follow: true, stdout: true, stderr: true })) as NodeJS.ReadableStream;
  const lines = new PassThrough();
  docker.modem.demuxStream(logs, lines, lines);
  const tail: string[] = [];
  createInterface({ input: lines }).on('line', (line) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    log(`[${module.name}] ${line}`);
  });
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
      tail: () => tail.join('\n'),
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
