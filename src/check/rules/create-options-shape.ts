// Check: the raw createOptions escape hatch is still Docker's ContainerCreate shape (unknown keys, DeviceRequests
// Capabilities as a list of lists, iotedge#3959), and warns about options that break IoT Edge modules.
import { defineCheck } from '../define-check.js';
import { closest } from '../../resolve/suggest.js';

/** Top-level keys of Docker Engine API ContainerCreate (config + HostConfig + NetworkingConfig). */
const CREATE_KEYS = [
  'Hostname',
  'Domainname',
  'User',
  'AttachStdin',
  'AttachStdout',
  'AttachStderr',
  'ExposedPorts',
  'Tty',
  'OpenStdin',
  'StdinOnce',
  'Env',
  'Cmd',
  'Healthcheck',
  'ArgsEscaped',
  'Image',
  'Volumes',
  'WorkingDir',
  'Entrypoint',
  'NetworkDisabled',
  'MacAddress',
  'OnBuild',
  'Labels',
  'StopSignal',
  'StopTimeout',
  'Shell',
  'HostConfig',
  'NetworkingConfig',
  'k8s-experimental',
];
const HOST_CONFIG_KEYS = [
  'CpuShares',
  'Memory',
  'CgroupParent',
  'BlkioWeight',
  'BlkioWeightDevice',
  'BlkioDeviceReadBps',
  'BlkioDeviceWriteBps',
  'BlkioDeviceReadIOps',
  'BlkioDeviceWriteIOps',
  'CpuPeriod',
  'CpuQuota',
  'CpuRealtimePeriod',
  'CpuRealtimeRuntime',
  'CpusetCpus',
  'CpusetMems',
  'Devices',
  'DeviceCgroupRules',
  'DeviceRequests',
  'KernelMemoryTCP',
  'MemoryReservation',
  'MemorySwap',
  'MemorySwappiness',
  'NanoCpus',
  'OomKillDisable',
  'Init',
  'PidsLimit',
  'Ulimits',
  'CpuCount',
  'CpuPercent',
  'IOMaximumIOps',
  'IOMaximumBandwidth',
  'Binds',
  'ContainerIDFile',
  'LogConfig',
  'NetworkMode',
  'PortBindings',
  'RestartPolicy',
  'AutoRemove',
  'VolumeDriver',
  'VolumesFrom',
  'Mounts',
  'ConsoleSize',
  'Annotations',
  'CapAdd',
  'CapDrop',
  'CgroupnsMode',
  'Dns',
  'DnsOptions',
  'DnsSearch',
  'ExtraHosts',
  'GroupAdd',
  'IpcMode',
  'Cgroup',
  'Links',
  'OomScoreAdj',
  'PidMode',
  'Privileged',
  'PublishAllPorts',
  'ReadonlyRootfs',
  'SecurityOpt',
  'StorageOpt',
  'Tmpfs',
  'UTSMode',
  'UsernsMode',
  'ShmSize',
  'Sysctls',
  'Runtime',
  'Isolation',
  'MaskedPaths',
  'ReadonlyPaths',
];

export default defineCheck({
  meta: {
    id: 'create-options-shape',
    description: "Raw createOptions follow Docker's ContainerCreate shape and avoid options that break modules.",
    messages: {
      unknownKey: {
        code: 'EML3961',
        text: (d: { key: string; where: string; suggestion?: string }) =>
          `Unknown Docker create option '${d.key}' in ${d.where}.${d.suggestion ? ` Did you mean '${d.suggestion}'?` : ''}`,
        hint: () => "Docker ignores unknown options silently; check the spelling against Docker's ContainerCreate API.",
      },
      capabilitiesShape: {
        code: 'EML3962',
        text: (d: { module: string }) => `DeviceRequests Capabilities of module '${d.module}' must be a list of lists, e.g. [["gpu"]].`,
        hint: () => 'Or use gpu: all on the module and let edgeml write DeviceRequests.',
      },
      networkingConfig: {
        code: 'EML3963',
        category: 'warning',
        text: (d: { module: string }) =>
          `Module '${d.module}' sets NetworkingConfig, which detaches it from the IoT Edge network: it can no longer reach edgeHub or other modules by name.`,
        hint: () => 'Remove NetworkingConfig unless the module must live on another network.',
      },
      envInCreateOptions: {
        code: 'EML3964',
        category: 'warning',
        text: (d: { module: string }) =>
          `Module '${d.module}' sets Env in createOptions; IoT Edge merges the manifest env over it and changes are hard to see.`,
        hint: () => 'Use the env map of the module instead.',
      },
      privileged: {
        code: 'EML3965',
        category: 'warning',
        text: (d: { module: string }) =>
          `Module '${d.module}' runs privileged; the runtime drops this when allow_elevated_docker_permissions is false.`,
        hint: () => 'Grant the specific devices or capabilities it needs instead.',
      },
      portsTwice: {
        code: 'EML3966',
        category: 'warning',
        text: (d: { module: string }) =>
          `Module '${d.module}' sets PortBindings in createOptions and also has ports; the createOptions win.`,
        hint: () => 'Keep ports in one place: the ports list.',
      },
      notObject: { code: 'EML3967', text: (d: { module: string; key: string }) => `${d.key} of module '${d.module}' must be a map.` },
    },
  },
  check(ctx) {
    for (const module of ctx.ir.modules) {
      const options = module.createOptions as Record<string, unknown>;
      const base = [...module.path, 'createOptions'];
      for (const key of Object.keys(options)) {
        if (!CREATE_KEYS.includes(key))
          ctx.report(
            'unknownKey',
            { key, where: `modules.${module.name}.createOptions`, suggestion: closest(key, CREATE_KEYS) },
            [...base, key],
            { key: true },
          );
      }
      if (options.NetworkingConfig !== undefined)
        ctx.report('networkingConfig', { module: module.name }, [...base, 'NetworkingConfig'], { key: true });
      if (options.Env !== undefined) ctx.report('envInCreateOptions', { module: module.name }, [...base, 'Env'], { key: true });
      const hostConfig = options.HostConfig;
      if (hostConfig === undefined) continue;
      if (!hostConfig || typeof hostConfig !== 'object' || Array.isArray(hostConfig)) {
        ctx.report('notObject', { module: module.name, key: 'HostConfig' }, [...base, 'HostConfig']);
        continue;
      }
      const hc = hostConfig as Record<string, unknown>;
      for (const key of Object.keys(hc)) {
        if (!HOST_CONFIG_KEYS.includes(key))
          ctx.report(
            'unknownKey',
            { key, where: `modules.${module.name}.createOptions.HostConfig`, suggestion: closest(key, HOST_CONFIG_KEYS) },
            [...base, 'HostConfig', key],
            { key: true },
          );
      }
      if (hc.Privileged === true) ctx.report('privileged', { module: module.name }, [...base, 'HostConfig', 'Privileged'], { key: true });
      if (hc.PortBindings !== undefined && module.ports.some((p) => p.host !== undefined))
        ctx.report('portsTwice', { module: module.name }, [...base, 'HostConfig', 'PortBindings'], { key: true });
      if (Array.isArray(hc.DeviceRequests)) {
        hc.DeviceRequests.forEach((request, index) => {
          const capabilities = (request as Record<string, unknown> | null)?.Capabilities;
          if (
            capabilities !== undefined &&
            !(Array.isArray(capabilities) && capabilities.every((c) => Array.isArray(c) && c.every((x) => typeof x === 'string')))
          ) {
            ctx.report('capabilitiesShape', { module: module.name }, [...base, 'HostConfig', 'DeviceRequests', index, 'Capabilities']);
          }
        });
      }
    }
  },
});
