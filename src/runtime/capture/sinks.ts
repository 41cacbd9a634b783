// Where the capture module's result messages go: IoT Edge (ModuleClient over MQTT, when running under the edge
// runtime), JSON lines on stdout (local runs, `edgeml run` reads them), or a callback (tests, in-process use).
// Runtime stage (capture). Every message is JSON with contentType/contentEncoding set, so $body routes work.

export interface OutputMessage {
  /** IoT Edge output name. */
  output: string;
  /** UTF-8 JSON text. */
  body: string;
  /** Application properties (strings, as IoT Edge carries them). */
  properties: Record<string, string>;
}

export const MESSAGE_CONTENT_TYPE = 'application/json';
export const MESSAGE_CONTENT_ENCODING = 'utf-8';

export interface MessageSink {
  readonly kind: 'iotedge' | 'stdout' | 'callback';
  send(message: OutputMessage): Promise<void>;
  close(): Promise<void>;
}

/** The edge runtime (or the IoT Edge simulator) sets these for every module it starts. */
export function isIotEdgeEnvironment(env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean((env.IOTEDGE_WORKLOADURI && env.IOTEDGE_MODULEID) || env.EdgeHubConnectionString);
}

/** One line per message, tagged so a reader can tell messages from anything else on the stream. */
export interface MessageLine {
  type: 'message';
  output: string;
  contentType: typeof MESSAGE_CONTENT_TYPE;
  contentEncoding: typeof MESSAGE_CONTENT_ENCODING;
  properties: Record<string, string>;
  /** The body parsed back to JSON, so lines stay readable. */
  body: unknown;
}

export function formatMessageLine(message: OutputMessage): string {
  const line: MessageLine = {
    type: 'message',
    output: message.output,
    contentType: MESSAGE_CONTENT_TYPE,
    contentEncoding: MESSAGE_CONTENT_ENCODING,
    properties: message.properties,
    body: JSON.parse(message.body),
  };
  return JSON.stringify(line) + '\n';
}

/** Parses a line written by the stdout sink; undefined for any other line. */
export function parseMessageLine(line: string): MessageLine | undefined {
  if (!line.startsWith('{"type":"message"')) return undefined;
  try {
    const parsed = JSON.parse(line) as MessageLine;
    return parsed.type === 'message' && typeof parsed.output === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function createStdoutSink(write: (text: string) => unknown = (t) => process.stdout.write(t)): MessageSink {
  return {
    kind: 'stdout',
    async send(message) {
      write(formatMessageLine(message));
    },
    async close() {},
  };
}

export function createCallbackSink(onMessage: (message: OutputMessage) => void | Promise<void>): MessageSink {
  return {
    kind: 'callback',
    async send(message) {
      await onMessage(message);
    },
    async close() {},
  };
}

/** The part of azure-iot-device's ModuleClient the sink uses. */
export interface EdgeModuleClient {
  open(): Promise<unknown>;
  close(): Promise<unknown>;
  sendOutputEvent(output: string, message: import('azure-iot-device').Message): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** The Azure IoT SDKs are CommonJS: Node's ESM import exposes most of their exports only on `default`. */
async function loadCommonJs<T>(module: Promise<T>): Promise<T> {
  const loaded = (await module) as T & { default?: T };
  return loaded.default ?? loaded;
}

async function moduleClientFromEnvironment(): Promise<EdgeModuleClient> {
  const [{ ModuleClient }, { Mqtt }] = await Promise.all([
    loadCommonJs(import('azure-iot-device')),
    loadCommonJs(import('azure-iot-device-mqtt')),
  ]);
  return await ModuleClient.fromEnvironment(Mqtt);
}

/**
 * Opens a ModuleClient from the edge runtime's environment (MQTT); the SDK is loaded only here, on first use.
 * `openClient` replaces the client in tests.
 */
export async function createIotEdgeSink(
  log: (line: string) => void = () => undefined,
  openClient: () => Promise<EdgeModuleClient> = moduleClientFromEnvironment,
): Promise<MessageSink> {
  const { Message } = await loadCommonJs(import('azure-iot-device'));
  const client = await openClient();
  client.on('error', (error: Error) => log(`capture: IoT Edge client error: ${error.message}`));
  await client.open();
  return {
    kind: 'iotedge',
    async send(message) {
      const m = new Message(message.body);
      m.contentType = MESSAGE_CONTENT_TYPE;
      m.contentEncoding = MESSAGE_CONTENT_ENCODING;
      for (const [key, value] of Object.entries(message.properties)) m.properties.add(key, value);
      await client.sendOutputEvent(message.output, m);
    },
    async close() {
      await client.close();
    },
  };
}
