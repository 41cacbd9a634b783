// The `$edgeAgent` desired properties (render stage): runtime settings with registry credential placeholders, the
// two system modules for the target IoT Edge version, and one entry per workflow module.
import type { ModuleIR, RegistryIR, RuntimeVersion, WorkflowIR } from '../../ir/types.js';
import { stableJsonMinified } from '../stable-json.js';
import {
  chunkCreateOptions,
  countCreateOptionsChunks,
  CREATE_OPTIONS_CHUNK_SIZE,
  CREATE_OPTIONS_MAX_CHUNKS,
  renderCreateOptions,
} from './create-options.js';
import { manifestValue, moduleEnvironment, registryCredentialRefs } from './secrets.js';

/** Floating minor tags, so devices get LTS patch releases without a new deployment. */
const SYSTEM_IMAGES: Record<RuntimeVersion, { agent: string; hub: string }> = {
  '1.5': { agent: 'mcr.microsoft.com/azureiotedge-agent:1.5', hub: 'mcr.microsoft.com/azureiotedge-hub:1.5' },
  '1.6': { agent: 'mcr.microsoft.com/azureiotedge-agent:1.6', hub: 'mcr.microsoft.com/azureiotedge-hub:1.6' },
};

/** edgeHub's AMQPS, MQTTS and HTTPS/WebSocket ports, published so downstream devices can connect. */
const EDGE_HUB_PORTS = [443, 5671, 8883];

export function getSystemImages(runtime: RuntimeVersion): { agent: string; hub: string } {
  return SYSTEM_IMAGES[runtime];
}

function edgeHubCreateOptions(): string {
  const bindings: Record<string, { HostPort: string }[]> = {};
  for (const port of EDGE_HUB_PORTS) bindings[`${port}/tcp`] = [{ HostPort: String(port) }];
  return stableJsonMinified({ HostConfig: { PortBindings: bindings } });
}

/**
 * The registryCredentials key: free text for the runtime, but the schema forbids '.', '$', '#' and spaces.
 * Named after the registry so a reader sees which registry the placeholders belong to.
 */
export function registryCredentialName(registry: RegistryIR): string {
  const base = registry.kind === 'create' ? registry.name : registry.address.split(/[.:/]/)[0];
  const cleaned = base.replace(/[^A-Za-z0-9_-]/g, '');
  return cleaned.length > 0 ? cleaned : 'registry';
}

export function renderRegistryCredentials(registry: RegistryIR): Record<string, unknown> | undefined {
  const refs = registryCredentialRefs(registry);
  if (!refs) return undefined;
  return {
    [registryCredentialName(registry)]: {
      address: registry.address,
      username: manifestValue(refs.username),
      password: manifestValue(refs.password),
    },
  };
}

/** A createOptions string that needs more chunks than tools accept. */
export interface OversizedCreateOptions {
  module: string;
  size: number;
  chunks: number;
  maxChunks: number;
  chunkSize: number;
}

/** One `modules.<name>` entry; reports oversized createOptions through `onOversized` and still renders the rest. */
export function renderModuleDefinition(
  module: ModuleIR,
  image: string,
  onOversized: (problem: OversizedCreateOptions) => void,
): Record<string, unknown> {
  const createOptions = renderCreateOptions(module);
  const chunks = countCreateOptionsChunks(createOptions);
  if (chunks > CREATE_OPTIONS_MAX_CHUNKS) {
    onOversized({
      module: module.name,
      size: Array.from(createOptions).length,
      chunks,
      maxChunks: CREATE_OPTIONS_MAX_CHUNKS,
      chunkSize: CREATE_OPTIONS_CHUNK_SIZE,
    });
  }
  const definition: Record<string, unknown> = {
    version: module.version,
    type: 'docker',
    status: module.status,
    // Always explicit: the schema requires it and the runtime's own default (on-unhealthy) has no effect on Docker.
    restartPolicy: module.restartPolicy,
    settings: { image, ...chunkCreateOptions(createOptions) },
  };
  if (module.imagePullPolicy !== undefined) definition.imagePullPolicy = module.imagePullPolicy;
  if (module.startupOrder !== undefined) definition.startupOrder = module.startupOrder;
  const variables = moduleEnvironment(module);
  if (variables.length > 0) {
    const env: Record<string, { value: string }> = {};
    for (const variable of variables) env[variable.name] = { value: manifestValue(variable.value) };
    definition.env = env;
  }
  return definition;
}

/** The complete `$edgeAgent` `properties.desired` for a single device or a base deployment. */
export function renderEdgeAgentDesired(
  ir: WorkflowIR,
  images: ReadonlyMap<string, string>,
  onOversized: (problem: OversizedCreateOptions) => void,
): Record<string, unknown> {
  const system = getSystemImages(ir.target.runtime);
  const settings: Record<string, unknown> = { minDockerVersion: 'v1.25', loggingOptions: '' };
  const credentials = renderRegistryCredentials(ir.azure.registry);
  if (credentials) settings.registryCredentials = credentials;
  return {
    schemaVersion: '1.1',
    runtime: { type: 'docker', settings },
    systemModules: {
      edgeAgent: { type: 'docker', settings: { image: system.agent, createOptions: '{}' } },
      edgeHub: {
        type: 'docker',
        status: 'running',
        restartPolicy: 'always',
        startupOrder: 0,
        settings: { image: system.hub, createOptions: edgeHubCreateOptions() },
      },
    },
    modules: renderModuleDefinitions(ir, images, onOversized),
  };
}

export function renderModuleDefinitions(
  ir: WorkflowIR,
  images: ReadonlyMap<string, string>,
  onOversized: (problem: OversizedCreateOptions) => void,
): Record<string, Record<string, unknown>> {
  const modules: Record<string, Record<string, unknown>> = {};
  for (const module of ir.modules) {
    const image = images.get(module.name);
    if (image === undefined) throw new Error(`internal: no image resolved for module '${module.name}'.`);
    modules[module.name] = renderModuleDefinition(module, image, onOversized);
  }
  return modules;
}
