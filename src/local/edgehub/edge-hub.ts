// The local edgeHub of `edgeml run`: an MQTT endpoint over TLS (aedes for MQTT itself) that speaks the IoT Hub module
// protocol the device SDKs use (see topics.ts): each module of the spec authenticates with its own SAS token, its
// telemetry is routed by the spec's routes through the message bus, routed messages reach its inputs, and it can get
// and patch its twin and answer direct methods. Local stage. Bounded: connections, packet size, queued input
// messages per input, methods in flight; what exceeds a bound is refused or dropped and counted, never buffered.
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { Aedes, AuthenticateError, Client, PublishPacket } from 'aedes';
import type { Delivery, MessageBus } from '../message-bus.js';
import { createEdgeHubCertificates } from './certificates.js';
import { guardConnection } from './frame-limit.js';
import { moduleConnectionString, moduleResourceUri, newModuleKey, verifySharedAccessSignature, type ModuleIdentity } from './sas.js';
import {
  allowedSubscription,
  desiredPatchTopic,
  inputTopic,
  methodRequestTopic,
  parseModulePublish,
  parseModuleUsername,
  twinResponseTopic,
} from './topics.js';
import { ModuleTwin, type PatchResult } from './twin.js';

/** The port the device SDKs dial for MQTT over TLS; a connection string cannot name another one. */
export const EDGE_HUB_MQTT_PORT = 8883;

export interface EdgeHubLimits {
  /** Authenticated module connections at once; more are answered "server unavailable". */
  maxConnections: number;
  /** Largest message body a module may send (IoT Hub's limit is 256 KB). */
  maxMessageBytes: number;
  /** Messages waiting for a module input (module not connected yet, or slow); the oldest is dropped beyond it. */
  maxQueuedPerInput: number;
  /** Direct method calls waiting for an answer. */
  maxPendingMethods: number;
}

export const DEFAULT_EDGE_HUB_LIMITS: EdgeHubLimits = {
  maxConnections: 32,
  maxMessageBytes: 256 * 1024,
  maxQueuedPerInput: 100,
  maxPendingMethods: 8,
};
/** Input messages written to one module and not yet acknowledged. */
const MAX_IN_FLIGHT_PER_MODULE = 16;
/** Room for the topic and MQTT headers on top of the largest body. */
const PACKET_OVERHEAD_BYTES = 64 * 1024;

export interface EdgeHubOptions {
  bus: MessageBus;
  deviceId: string;
  /** The IoT hub's host name modules put in their tokens, e.g. `my-hub.azure-devices.net`. */
  hubHostName: string;
  /** Every module of the run, with its desired properties from the spec. */
  modules: readonly { name: string; twin?: Record<string, unknown> }[];
  /** Where to listen (port 8883 unless a test picks another). */
  listen: readonly { host: string; port: number }[];
  /** Names and addresses modules dial (GatewayHostName); the server certificate is valid for these. */
  certificateHostNames: readonly string[];
  limits?: Partial<EdgeHubLimits>;
  log: (line: string) => void;
}

export class EdgeHubListenError extends Error {
  override name = 'EdgeHubListenError';
  constructor(
    readonly address: string,
    readonly code: string,
  ) {
    super(`cannot listen on ${address}: ${code}`);
  }
}

export interface MethodReply {
  status: number;
  payload: unknown;
}

export interface AuthFailure {
  /** The module the client claimed to be, when its username named one. */
  module?: string;
  reason: string;
}

export interface EdgeHubStats {
  /** Messages modules sent (telemetry). */
  received: number;
  /** Messages written to module inputs. */
  delivered: number;
  /** Input messages dropped because a queue was full, by "module/input". */
  dropped: Record<string, number>;
  /** Input messages still queued at the end, by "module/input" (their module never read them). */
  queued: Record<string, number>;
  authFailures: AuthFailure[];
}

export interface LocalEdgeHub {
  readonly caPem: string;
  readonly stats: EdgeHubStats;
  /** The connection string for `module`, dialling `gatewayHostName`. */
  connectionString(module: string, gatewayHostName: string): string;
  isConnected(module: string): boolean;
  /** Resolves true once `module` has connected (at any time during the run), false after `timeoutMs`. */
  waitForConnection(module: string, timeoutMs: number): Promise<boolean>;
  invokeMethod(module: string, method: string, payload: unknown, timeoutMs?: number): Promise<MethodReply>;
  patchDesired(module: string, patch: unknown): PatchResult;
  twin(module: string): ReturnType<ModuleTwin['document']>;
  /** Listens on one more address (e.g. a Docker network's gateway); EdgeHubListenError when it cannot. */
  listen(address: { host: string; port: number }): Promise<void>;
  close(): Promise<void>;
}

interface QueuedInput {
  input: string;
  delivery: Delivery;
}

interface ModuleSession {
  name: string;
  identity: ModuleIdentity;
  twin: ModuleTwin;
  client?: Client;
  everConnected: boolean;
  subscriptions: Set<string>;
  queue: QueuedInput[];
  queuedByInput: Map<string, number>;
  inFlight: number;
  waiters: ((connected: boolean) => void)[];
}

interface PendingMethod {
  module: string;
  resolve: (reply: MethodReply) => void;
  timer: NodeJS.Timeout;
}

const RETURN_CODE = { identifierRejected: 2, serverUnavailable: 3, badUsernameOrPassword: 4, notAuthorized: 5 } as const;

function authError(message: string, returnCode: (typeof RETURN_CODE)[keyof typeof RETURN_CODE]): AuthenticateError {
  return Object.assign(new Error(message), { returnCode });
}

function parseJson(payload: Buffer): { ok: true; value: unknown } | { ok: false } {
  const text = payload.toString('utf8');
  if (text.trim() === '') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export async function startEdgeHub(options: EdgeHubOptions): Promise<LocalEdgeHub> {
  const limits: EdgeHubLimits = { ...DEFAULT_EDGE_HUB_LIMITS, ...options.limits };
  const { bus, deviceId, hubHostName, log } = options;
  const certificates = createEdgeHubCertificates(options.certificateHostNames);
  const stats: EdgeHubStats = { received: 0, delivered: 0, dropped: {}, queued: {}, authFailures: [] };
  const sessions = new Map<string, ModuleSession>(
    options.modules.map((m) => [
      m.name,
      {
        name: m.name,
        identity: { deviceId, moduleId: m.name, key: newModuleKey() },
        twin: new ModuleTwin(m.twin),
        everConnected: false,
        subscriptions: new Set(),
        queue: [],
        queuedByInput: new Map(),
        inFlight: 0,
        waiters: [],
      },
    ]),
  );
  const byClient = new WeakMap<Client, ModuleSession>();
  const pendingMethods = new Map<string, PendingMethod>();
  let requestCounter = 0;

  const inputsFilter = (s: ModuleSession): string => `devices/${deviceId}/modules/${s.name}/inputs/#`;
  const send = (session: ModuleSession, topic: string, payload: string | Buffer, qos: 0 | 1, done?: () => void): boolean => {
    const client = session.client;
    if (!client) return false;
    const packet: PublishPacket = {
      cmd: 'publish',
      topic,
      payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
      qos,
      retain: false,
      dup: false,
    };
    client.publish(packet, () => done?.());
    return true;
  };

  /** Writes queued input messages while the module reads its inputs and has room in flight. */
  const pump = (session: ModuleSession): void => {
    while (
      session.client &&
      session.subscriptions.has(inputsFilter(session)) &&
      session.inFlight < MAX_IN_FLIGHT_PER_MODULE &&
      session.queue.length > 0
    ) {
      const { input, delivery } = session.queue.shift()!;
      session.queuedByInput.set(input, Math.max(0, (session.queuedByInput.get(input) ?? 0) - 1));
      const topic = inputTopic(deviceId, session.name, input, delivery.systemProperties, delivery.message.properties);
      session.inFlight++;
      stats.delivered++;
      send(session, topic, delivery.message.body, 1, () => {
        session.inFlight--;
        pump(session);
      });
    }
  };

  for (const session of sessions.values()) {
    bus.onInput(session.name, (input, delivery) => {
      const count = session.queuedByInput.get(input) ?? 0;
      if (count >= limits.maxQueuedPerInput) {
        const oldest = session.queue.findIndex((q) => q.input === input);
        session.queue.splice(oldest, 1);
        const key = `${session.name}/${input}`;
        if (!stats.dropped[key])
          log(`[edgeHub] input '${key}' is full (${limits.maxQueuedPerInput} messages waiting): dropping the oldest`);
        stats.dropped[key] = (stats.dropped[key] ?? 0) + 1;
      } else {
        session.queuedByInput.set(input, count + 1);
      }
      session.queue.push({ input, delivery });
      pump(session);
    });
  }

  const { Aedes } = await import('aedes');
  const broker: Aedes = await Aedes.createBroker({
    id: 'edgeml-local-edgehub',
    // Module client ids are "<device>/<module>", longer than MQTT 3.1's 23 characters.
    maxClientsIdLength: 512,
    connectTimeout: 10_000,
    queueLimit: 42,
    concurrency: 32,
    heartbeatInterval: 60_000,
  });

  const refuse = (
    failure: AuthFailure,
    error: AuthenticateError,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void => {
    if (stats.authFailures.length < 100) stats.authFailures.push(failure);
    log(`[edgeHub] refused a connection${failure.module ? ` for module '${failure.module}'` : ''}: ${failure.reason}`);
    done(error, false);
  };

  broker.authenticate = (client, username, password, done) => {
    const claimed = parseModuleUsername(username ?? '');
    if (!claimed)
      return refuse(
        { reason: `the MQTT username '${(username ?? '').slice(0, 80)}' is not <hub>/<device>/<module>/?api-version=…` },
        authError('bad username', RETURN_CODE.badUsernameOrPassword),
        done,
      );
    const session = sessions.get(claimed.moduleId);
    if (!session || claimed.deviceId !== deviceId) {
      return refuse(
        {
          module: claimed.moduleId,
          reason: `no module '${claimed.moduleId}' on device '${claimed.deviceId}' in this run (device '${deviceId}')`,
        },
        authError('unknown module', RETURN_CODE.notAuthorized),
        done,
      );
    }
    if (client.id !== `${deviceId}/${session.name}`) {
      return refuse(
        { module: session.name, reason: `the MQTT client id '${client.id}' is not '${deviceId}/${session.name}'` },
        authError('bad client id', RETURN_CODE.identifierRejected),
        done,
      );
    }
    if (claimed.hubHostName.toLowerCase() !== hubHostName.toLowerCase()) {
      return refuse(
        { module: session.name, reason: `its HostName '${claimed.hubHostName}' is not this run's '${hubHostName}'` },
        authError('wrong hub', RETURN_CODE.notAuthorized),
        done,
      );
    }
    const verdict = verifySharedAccessSignature(password?.toString('utf8') ?? '', {
      resourceUri: moduleResourceUri(hubHostName, deviceId, session.name),
      key: session.identity.key,
    });
    if (!verdict.ok)
      return refuse({ module: session.name, reason: verdict.reason }, authError('not authorized', RETURN_CODE.notAuthorized), done);
    if (broker.connectedClients >= limits.maxConnections) {
      return refuse(
        { module: session.name, reason: `${limits.maxConnections} modules are connected already (the local edgeHub's limit)` },
        authError('busy', RETURN_CODE.serverUnavailable),
        done,
      );
    }
    byClient.set(client, session);
    done(null, true);
  };

  broker.on('clientReady', (client) => {
    const session = byClient.get(client);
    if (!session) return;
    session.client = client;
    session.subscriptions.clear();
    if (!session.everConnected) log(`[edgeHub] module '${session.name}' connected`);
    session.everConnected = true;
    for (const wake of session.waiters.splice(0)) wake(true);
  });
  broker.on('clientDisconnect', (client) => {
    const session = byClient.get(client);
    if (session?.client !== client) return;
    session.client = undefined;
    session.subscriptions.clear();
    session.inFlight = 0;
  });

  broker.authorizeSubscribe = (client, subscription, done) => {
    const session = byClient.get(client);
    if (!session || !allowedSubscription(subscription.topic, deviceId, session.name)) {
      log(`[edgeHub] module '${session?.name ?? client.id}' may not subscribe to '${subscription.topic.slice(0, 120)}'`);
      return done(null, null);
    }
    session.subscriptions.add(subscription.topic);
    done(null, subscription);
    // The SUBACK goes out first; then whatever waited for this module's inputs.
    if (subscription.topic === inputsFilter(session)) setImmediate(() => pump(session));
  };

  broker.authorizePublish = (client, packet, done) => {
    const session = client ? byClient.get(client) : undefined;
    if (!session) return done(new Error('not authenticated'));
    // Nothing a module publishes is stored for later subscribers.
    packet.retain = false;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    if (payload.length > limits.maxMessageBytes) {
      log(
        `[edgeHub] module '${session.name}' sent ${payload.length} bytes, over the ${limits.maxMessageBytes}-byte message limit; disconnecting it`,
      );
      return done(new Error('message too large'));
    }
    const what = parseModulePublish(packet.topic, deviceId, session.name);
    switch (what.kind) {
      case 'telemetry': {
        stats.received++;
        bus.publish({
          module: session.name,
          output: what.systemProperties.outputName ?? '',
          body: payload.toString('utf8'),
          properties: what.properties,
          contentType: what.systemProperties.contentType ?? '',
          contentEncoding: what.systemProperties.contentEncoding ?? '',
        });
        return done(null);
      }
      case 'twin-get':
        send(session, twinResponseTopic(200, what.requestId), JSON.stringify(session.twin.document()), 0);
        return done(null);
      case 'twin-reported': {
        const body = parseJson(payload);
        const result = body.ok
          ? session.twin.patchReported(body.value)
          : ({ ok: false, status: 400, message: 'the reported properties patch is not JSON' } as const);
        if (result.ok) send(session, twinResponseTopic(204, what.requestId, result.version), '', 0);
        else
          send(
            session,
            twinResponseTopic(result.status, what.requestId),
            JSON.stringify({ errorCode: result.status * 1000, message: result.message }),
            0,
          );
        return done(null);
      }
      case 'method-response': {
        const pending = pendingMethods.get(what.requestId);
        if (pending && pending.module === session.name) {
          pendingMethods.delete(what.requestId);
          clearTimeout(pending.timer);
          const body = parseJson(payload);
          pending.resolve({ status: what.status, payload: body.ok ? body.value : payload.toString('utf8') });
        }
        return done(null);
      }
      case 'not-allowed':
        log(`[edgeHub] module '${session.name}' published where it may not: ${what.reason}; disconnecting it`);
        return done(new Error(what.reason));
    }
  };

  const servers: Server[] = [];
  // Every open socket, so close() ends them: a server only finishes closing once its connections have ended.
  const sockets = new Set<TLSSocket>();
  let tlsFailures = 0;
  const maxPacketBytes = limits.maxMessageBytes + PACKET_OVERHEAD_BYTES;
  const startServer = (address: { host: string; port: number }): Promise<Server> =>
    new Promise((resolve, reject) => {
      const server = createServer(
        { cert: certificates.serverChainPem, key: certificates.serverKeyPem, minVersion: 'TLSv1.2', handshakeTimeout: 10_000 },
        (socket: TLSSocket) => {
          sockets.add(socket);
          socket.once('close', () => sockets.delete(socket));
          broker.handle(guardConnection(socket, maxPacketBytes, (error) => log(`[edgeHub] closed a connection: ${error.message}`)));
        },
      );
      // Sockets still in the TLS handshake or before CONNECT count too; authenticated modules are limited above.
      server.maxConnections = limits.maxConnections * 2;
      server.on('tlsClientError', (error: NodeJS.ErrnoException) => {
        // A module that does not trust the CA shows up here: say so a few times, not once per retry forever.
        if (++tlsFailures <= 5)
          log(
            `[edgeHub] a TLS handshake failed (${error.code ?? error.message}): does the module trust the CA file in EdgeModuleCACertificateFile?`,
          );
      });
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(new EdgeHubListenError(`${address.host}:${address.port}`, error.code ?? error.message)),
      );
      server.listen(address.port, address.host, () => resolve(server));
    });
  try {
    for (const address of options.listen) servers.push(await startServer(address));
  } catch (error) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await new Promise<void>((r) => broker.close(() => r()));
    throw error;
  }

  const sessionOf = (module: string): ModuleSession => {
    const session = sessions.get(module);
    if (!session) throw new Error(`no module '${module}' in this run`);
    return session;
  };

  return {
    caPem: certificates.caPem,
    stats,
    connectionString: (module, gatewayHostName) =>
      moduleConnectionString({ hubHostName, gatewayHostName, identity: sessionOf(module).identity }),
    isConnected: (module) => Boolean(sessions.get(module)?.client),
    waitForConnection(module, timeoutMs) {
      const session = sessionOf(module);
      if (session.everConnected) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        session.waiters.push((connected) => {
          clearTimeout(timer);
          resolve(connected);
        });
      });
    },
    invokeMethod(module, method, payload, timeoutMs = 30_000) {
      const session = sessionOf(module);
      if (!session.client || !session.subscriptions.has('$iothub/methods/POST/#')) {
        return Promise.resolve({
          status: 404,
          payload: { message: `module '${module}' is not connected or does not listen for direct methods` },
        });
      }
      if (pendingMethods.size >= limits.maxPendingMethods)
        return Promise.resolve({ status: 429, payload: { message: `${limits.maxPendingMethods} method calls are waiting already` } });
      const requestId = (++requestCounter).toString(16);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pendingMethods.delete(requestId);
          resolve({ status: 504, payload: { message: `module '${module}' did not answer '${method}' within ${timeoutMs / 1000} s` } });
        }, timeoutMs);
        pendingMethods.set(requestId, { module, resolve, timer });
        send(session, methodRequestTopic(method, requestId), JSON.stringify(payload ?? null), 0);
      });
    },
    patchDesired(module, patch) {
      const session = sessionOf(module);
      const result = session.twin.patchDesired(patch);
      if (result.ok && session.subscriptions.has('$iothub/twin/PATCH/properties/desired/#')) {
        send(session, desiredPatchTopic(result.version), JSON.stringify({ ...(patch as object), $version: result.version }), 0);
      }
      return result;
    },
    twin: (module) => sessionOf(module).twin.document(),
    async listen(address) {
      servers.push(await startServer(address));
    },
    async close() {
      for (const pending of pendingMethods.values()) {
        clearTimeout(pending.timer);
        pending.resolve({ status: 503, payload: { message: 'the run is stopping' } });
      }
      pendingMethods.clear();
      for (const session of sessions.values()) {
        for (const [input, count] of session.queuedByInput) if (count > 0) stats.queued[`${session.name}/${input}`] = count;
        for (const wake of session.waiters.splice(0)) wake(false);
      }
      const serversClosed = Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      await new Promise<void>((r) => broker.close(() => r()));
      for (const socket of sockets) socket.destroy();
      await serversClosed;
    },
  };
}
