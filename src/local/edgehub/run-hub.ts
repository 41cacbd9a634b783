// What `edgeml run` needs around its local edgeHub: where it listens (EDGEML_EDGEHUB_HOST, port 8883), the CA file
// modules trust, the variables a module on this machine or in a container gets, the env file of an attached module,
// and `--invoke` calls. Local stage. Keys and the CA are new each run, so nothing here outlives the run.
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isSecretRef, type ModuleIR, type WorkflowIR } from '../../ir/types.js';
import type { MessageBus } from '../message-bus.js';
import { EDGE_HUB_MQTT_PORT, startEdgeHub, type LocalEdgeHub, type MethodReply } from './edge-hub.js';

/** The name containers on a bridge network dial; Docker maps it to the host with `host-gateway`. */
export const CONTAINER_GATEWAY_NAME = 'host.docker.internal';
/** Where a container finds the run's CA. */
export const CONTAINER_CA_PATH = '/edgeml-local/edgehub-ca.pem';

export interface RunEdgeHub {
  hub: LocalEdgeHub;
  /** The address modules on this machine dial (GatewayHostName). */
  host: string;
  caFile: string;
  /** EdgeHubConnectionString and EdgeModuleCACertificateFile for a module running on this machine. */
  hostEnv(module: string): Record<string, string>;
  /** Env entries, binds and extra hosts for a container; `bridgeGateway` is undefined on the host network. */
  containerSettings(module: string, bridgeGateway: string | undefined): Promise<{ env: string[]; binds: string[]; extraHosts: string[] }>;
  close(): Promise<void>;
}

export interface StartRunEdgeHubOptions {
  ir: WorkflowIR;
  bus: MessageBus;
  deviceId: string;
  workDir: string;
  /** Listen address for modules on this machine (default 127.0.0.1). */
  host?: string;
  port?: number;
  log: (line: string) => void;
}

export function hubHostName(ir: WorkflowIR): string {
  return `${ir.azure.iotHub.name}.${ir.azure.endpoints?.iotHubSuffix ?? 'azure-devices.net'}`;
}

export async function startRunEdgeHub(options: StartRunEdgeHubOptions): Promise<RunEdgeHub> {
  const { ir, log } = options;
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? EDGE_HUB_MQTT_PORT;
  const hub = await startEdgeHub({
    bus: options.bus,
    deviceId: options.deviceId,
    hubHostName: hubHostName(ir),
    modules: ir.modules.map((m) => ({ name: m.name, ...(m.twin ? { twin: m.twin } : {}) })),
    listen: [{ host, port }],
    certificateHostNames: [host, 'localhost', CONTAINER_GATEWAY_NAME],
    log,
  });
  const caFile = join(options.workDir, 'edgehub-ca.pem');
  // Readable by a container's non-root user; it is a certificate, not a secret.
  await writeFile(caFile, hub.caPem, { mode: 0o644 });
  const bridgeListeners = new Set<string>();
  log(`[edgeHub] listening on ${host}:${port} (MQTT over TLS) for device '${options.deviceId}' of ${hubHostName(ir)}; its CA: ${caFile}`);
  return {
    hub,
    host,
    caFile,
    hostEnv: (module) => ({ EdgeHubConnectionString: hub.connectionString(module, host), EdgeModuleCACertificateFile: caFile }),
    async containerSettings(module, bridgeGateway) {
      if (bridgeGateway !== undefined && !bridgeListeners.has(bridgeGateway)) {
        await hub.listen({ host: bridgeGateway, port });
        bridgeListeners.add(bridgeGateway);
        log(`[edgeHub] also listening on ${bridgeGateway}:${port} for containers (${CONTAINER_GATEWAY_NAME})`);
      }
      const gateway = bridgeGateway === undefined ? host : CONTAINER_GATEWAY_NAME;
      return {
        env: [`EdgeHubConnectionString=${hub.connectionString(module, gateway)}`, `EdgeModuleCACertificateFile=${CONTAINER_CA_PATH}`],
        binds: [`${caFile}:${CONTAINER_CA_PATH}:ro`],
        extraHosts: bridgeGateway === undefined ? [] : [`${CONTAINER_GATEWAY_NAME}:host-gateway`],
      };
    },
    close: () => hub.close(),
  };
}

/** The variables an attached module needs; secret values are left for the user to export, never written. */
export function attachVariables(
  module: ModuleIR,
  edgeHub: RunEdgeHub,
  extra: Record<string, string> = {},
): { variables: Record<string, string>; secrets: string[] } {
  const variables: Record<string, string> = {};
  const secrets: string[] = [];
  for (const v of module.env) {
    if (isSecretRef(v.value)) secrets.push(v.name);
    else variables[v.name] = v.value;
  }
  return { variables: { ...variables, ...extra, ...edgeHub.hostEnv(module.name) }, secrets };
}

/** Quotes a value for a dotenv / shell `set -a; . file` reader. */
const quoteEnvValue = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/** Writes `<dir>/<module>.env` (mode 600); returns its path. */
export async function writeAttachEnvFile(
  dir: string,
  module: string,
  attach: { variables: Record<string, string>; secrets: string[] },
): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${module}.env`);
  const lines = [
    `# edgeml run --attach ${module}: the variables IoT Edge would give this module, valid for this run only.`,
    ...attach.secrets.map((name) => `# ${name} is a secret from the spec: export it yourself.`),
    ...Object.entries(attach.variables).map(([name, value]) => `${name}=${quoteEnvValue(value)}`),
  ];
  await writeFile(file, lines.join('\n') + '\n', { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

export async function removeAttachEnvFile(file: string): Promise<void> {
  await rm(file, { force: true });
}

// --invoke MODULE.METHOD=JSON (a direct method) or MODULE.$desired=JSON (a desired properties patch).

export type Invocation =
  | { module: string; kind: 'method'; method: string; payload: unknown }
  | { module: string; kind: 'desired'; patch: Record<string, unknown> };

export const DESIRED_PATCH_NAME = '$desired';

/** Parses one `--invoke` value (or console line); a string is the reason it is not valid. */
export function parseInvocation(text: string, moduleNames: readonly string[]): Invocation | string {
  const eq = text.indexOf('=');
  const target = (eq < 0 ? text : text.slice(0, eq)).trim();
  const dot = target.indexOf('.');
  if (dot <= 0 || dot === target.length - 1) return 'it does not start with MODULE.METHOD';
  const module = target.slice(0, dot);
  const name = target.slice(dot + 1);
  if (!moduleNames.includes(module)) return `there is no module '${module}' (modules: ${moduleNames.join(', ')})`;
  let payload: unknown = null;
  if (eq >= 0 && text.slice(eq + 1).trim() !== '') {
    try {
      payload = JSON.parse(text.slice(eq + 1));
    } catch (error) {
      return `the part after '=' is not JSON (${(error as Error).message})`;
    }
  }
  if (name === DESIRED_PATCH_NAME) {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      return 'a desired properties patch must be a JSON object';
    return { module, kind: 'desired', patch: payload as Record<string, unknown> };
  }
  if (!/^[A-Za-z0-9_.\-]{1,128}$/.test(name)) return `'${name}' is not a method name`;
  return { module, kind: 'method', method: name, payload };
}

export interface InvocationReply {
  invocation: Invocation;
  status: number;
  payload: unknown;
}

/**
 * Performs one invocation once its module has connected: a method is retried while the module is connected but
 * not yet listening for methods (404), within `waitMs`.
 */
export async function performInvocation(
  hub: LocalEdgeHub,
  invocation: Invocation,
  waitMs = 30_000,
  signal?: AbortSignal,
): Promise<InvocationReply> {
  const deadline = Date.now() + waitMs;
  if (!(await hub.waitForConnection(invocation.module, waitMs))) {
    return {
      invocation,
      status: 404,
      payload: { message: `module '${invocation.module}' did not connect within ${Math.round(waitMs / 1000)} s` },
    };
  }
  if (invocation.kind === 'desired') {
    const result = hub.patchDesired(invocation.module, invocation.patch);
    return result.ok
      ? { invocation, status: 200, payload: { $version: result.version } }
      : { invocation, status: result.status, payload: { message: result.message } };
  }
  let reply: MethodReply;
  for (;;) {
    reply = await hub.invokeMethod(invocation.module, invocation.method, invocation.payload, Math.max(1000, deadline - Date.now()));
    if (reply.status !== 404 || Date.now() >= deadline || signal?.aborted) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return { invocation, ...reply };
}

/** `module.method` or `module.$desired`, as the user wrote it. */
export function invocationTarget(invocation: Invocation): string {
  return `${invocation.module}.${invocation.kind === 'method' ? invocation.method : DESIRED_PATCH_NAME}`;
}

export function formatInvocationReply(reply: InvocationReply): string {
  return `[invoke] ${invocationTarget(reply.invocation)} → ${reply.status} ${JSON.stringify(reply.payload)}`;
}
