// The telemetry module's link to IoT Edge: azure-iot-device's ModuleClient over MQTT, from the edge runtime's
// environment (IOTEDGE_* variables, or EdgeHubConnectionString and EdgeModuleCACertificateFile for a local edgeHub).
// Input messages arrive with edgeHub's system properties in the topic: $.cdid / $.cmid name the sender, $.ctime when
// it was created (azure-iot-device-mqtt keeps unknown keys as user properties). Runtime stage (telemetry).
import type { IncomingTelemetry } from './pipeline.js';

/** The parts of azure-iot-device's Message the module reads and writes. */
interface SdkMessage {
  messageId?: string;
  correlationId?: string;
  contentType?: string;
  contentEncoding?: string;
  getBytes(): Buffer;
  properties: { getValue(key: string): string | undefined; add(key: string, value: string): void };
}

interface SdkModuleClient {
  open(): Promise<unknown>;
  close(): Promise<unknown>;
  on(event: 'inputMessage', listener: (input: string, message: SdkMessage) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  complete(message: SdkMessage): Promise<unknown>;
  sendOutputEvent(output: string, message: SdkMessage): Promise<unknown>;
}

export interface EdgeLink {
  /** Sends one JSON result on an output (UTF-8 JSON, so edgeHub can route on $body). */
  send(output: string, body: unknown, properties?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

async function loadCommonJs<T>(module: Promise<T>): Promise<T> {
  const loaded = (await module) as T & { default?: T };
  return loaded.default ?? loaded;
}

/** Reads an input message into what the pipeline needs; a body that is not JSON yields undefined. */
export function toIncoming(input: string, message: SdkMessage, maxBytes: number, now: number): IncomingTelemetry | { rejected: string } {
  const bytes = message.getBytes();
  if (bytes.length > maxBytes) return { rejected: `message of ${bytes.length} bytes is larger than ${maxBytes}` };
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { rejected: 'body is not JSON' };
  }
  const property = (key: string) => message.properties.getValue(key);
  // When the reading was made: the body's own timestamp (timestamp, or timeCreated as Microsoft's simulated sensor
  // writes it), else the creation time edgeHub carries in $.ctime.
  const stamped = body as { timestamp?: unknown; timeCreated?: unknown } | null;
  const created =
    typeof stamped?.timestamp === 'string'
      ? stamped.timestamp
      : typeof stamped?.timeCreated === 'string'
        ? stamped.timeCreated
        : property('$.ctime');
  return {
    input,
    body,
    deviceId: property('$.cdid'),
    moduleId: property('$.cmid'),
    messageId: message.messageId,
    correlationId: message.correlationId,
    createdAt: created,
    receivedAt: now,
  };
}

export async function openEdgeLink(
  onMessage: (input: string, message: SdkMessage) => void,
  log: (line: string) => void,
): Promise<EdgeLink> {
  const [device, { Mqtt }] = await Promise.all([loadCommonJs(import('azure-iot-device')), loadCommonJs(import('azure-iot-device-mqtt'))]);
  const client: SdkModuleClient = await device.ModuleClient.fromEnvironment(Mqtt);
  client.on('error', (error) => log(`IoT Edge client error: ${error.message}`));
  client.on('inputMessage', (input, message) => {
    onMessage(input, message);
    // Acknowledged once read: scoring is best effort and bounded; edgeHub must not redeliver a dropped reading.
    client.complete(message).catch((error: Error) => log(`could not complete a message: ${error.message}`));
  });
  await client.open();
  return {
    async send(output, body, properties = {}) {
      const message: SdkMessage = new device.Message(JSON.stringify(body));
      message.contentType = 'application/json';
      message.contentEncoding = 'utf-8';
      for (const [key, value] of Object.entries(properties)) message.properties.add(key, value);
      await client.sendOutputEvent(output, message);
    },
    close: async () => void (await client.close()),
  };
}

export function isIotEdgeEnvironment(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.IOTEDGE_WORKLOADURI || env.EdgeHubConnectionString);
}
