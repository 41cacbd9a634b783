// The IoT Hub MQTT topics a module uses, as the device SDKs speak them (azure-iot-device-mqtt mqtt.ts and
// mqtt_twin_client.ts; edgeHub's MessageAddressConverter and SystemProperties): parsing what a module publishes and
// formatting what the hub sends it. Local stage; pure.

/** On-the-wire names of the system properties a module may set on telemetry (edgeHub IncomingSystemPropertiesMap). */
const INCOMING_SYSTEM_PROPERTIES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    '$.exp': 'expiryTimeUtc',
    '$.cid': 'correlationId',
    '$.mid': 'messageId',
    '$.to': 'to',
    '$.uid': 'userId',
    '$.ack': 'ack',
    '$.on': 'outputName',
    '$.ct': 'contentType',
    '$.ce': 'contentEncoding',
    '$.schema': 'messageSchema',
    '$.ctime': 'creationTimeUtc',
    '$.ifid': 'interfaceId',
  }),
);

/** System properties edgeHub puts on a message it delivers to a module input (edgeHub OutgoingSystemPropertiesMap). */
const OUTGOING_SYSTEM_PROPERTIES: readonly (readonly [string, string])[] = [
  ['messageId', '$.mid'],
  ['correlationId', '$.cid'],
  ['connectionDeviceId', '$.cdid'],
  ['connectionModuleId', '$.cmid'],
  ['contentType', '$.ct'],
  ['contentEncoding', '$.ce'],
  ['messageSchema', '$.schema'],
];

export type ModulePublish =
  | { kind: 'telemetry'; systemProperties: Record<string, string>; properties: Record<string, string> }
  | { kind: 'twin-get'; requestId: string }
  | { kind: 'twin-reported'; requestId: string }
  | { kind: 'method-response'; requestId: string; status: number }
  | { kind: 'not-allowed'; reason: string };

/** Splits `a=1&b=2` the way the SDKs write it (each key and value percent-encoded); malformed pairs are skipped. */
export function parsePropertyBag(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    try {
      const key = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
      out[key] = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1));
    } catch {
      // a malformed escape: the property is dropped, as edgeHub drops what it cannot parse
    }
  }
  return out;
}

function formatPropertyBag(entries: readonly (readonly [string, string])[]): string {
  return entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

/** The query of `…/?$rid=7&$version=3` (or `…?$rid=7`) as a property bag. */
function queryOf(topic: string): Record<string, string> {
  const q = topic.indexOf('?');
  return q < 0 ? {} : parsePropertyBag(topic.slice(q + 1));
}

/** What a module's PUBLISH on `topic` asks for; a module may only publish as itself. */
export function parseModulePublish(topic: string, deviceId: string, moduleId: string): ModulePublish {
  const events = `devices/${deviceId}/modules/${moduleId}/messages/events`;
  if (topic === events || topic.startsWith(events + '/')) {
    const bag = parsePropertyBag(topic.slice(events.length).replace(/^\//, '').replace(/\/$/, ''));
    // Null prototypes: a property named __proto__ stays a property.
    const systemProperties: Record<string, string> = Object.create(null) as Record<string, string>;
    const properties: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [key, value] of Object.entries(bag)) {
      const system = INCOMING_SYSTEM_PROPERTIES.get(key);
      if (system) systemProperties[system] = value;
      else properties[key] = value;
    }
    return { kind: 'telemetry', systemProperties, properties };
  }
  if (topic.startsWith('devices/'))
    return { kind: 'not-allowed', reason: `a module may only send telemetry on devices/${deviceId}/modules/${moduleId}/messages/events/` };
  const requestId = queryOf(topic).$rid;
  if (/^\$iothub\/twin\/GET\/?\?/.test(topic) && requestId) return { kind: 'twin-get', requestId };
  if (/^\$iothub\/twin\/PATCH\/properties\/reported\/?\?/.test(topic) && requestId) return { kind: 'twin-reported', requestId };
  const method = /^\$iothub\/methods\/res\/(\d{3})\/?\?/.exec(topic);
  if (method && requestId) return { kind: 'method-response', requestId, status: Number(method[1]) };
  return { kind: 'not-allowed', reason: `'${topic.slice(0, 120)}' is not a topic IoT Edge accepts from a module` };
}

/** The topic filters a module may subscribe to: its own inputs, twin responses and desired updates, methods. */
export function allowedSubscription(filter: string, deviceId: string, moduleId: string): boolean {
  return (
    filter === `devices/${deviceId}/modules/${moduleId}/inputs/#` ||
    filter === '$iothub/twin/res/#' ||
    filter === '$iothub/twin/PATCH/properties/desired/#' ||
    filter === '$iothub/methods/POST/#'
  );
}

export function inputTopic(
  deviceId: string,
  moduleId: string,
  input: string,
  systemProperties: Readonly<Record<string, string | undefined>>,
  properties: Readonly<Record<string, string>>,
): string {
  const entries: [string, string][] = Object.entries(properties);
  for (const [name, wire] of OUTGOING_SYSTEM_PROPERTIES) {
    const value = systemProperties[name];
    if (value !== undefined && value !== '') entries.push([wire, value]);
  }
  return `devices/${deviceId}/modules/${moduleId}/inputs/${input}/${formatPropertyBag(entries)}`;
}

export function twinResponseTopic(status: number, requestId: string, version?: number): string {
  return `$iothub/twin/res/${status}/?$rid=${encodeURIComponent(requestId)}${version !== undefined ? `&$version=${version}` : ''}`;
}

export function desiredPatchTopic(version: number): string {
  return `$iothub/twin/PATCH/properties/desired/?$version=${version}`;
}

export function methodRequestTopic(method: string, requestId: string): string {
  return `$iothub/methods/POST/${encodeURIComponent(method)}/?$rid=${encodeURIComponent(requestId)}`;
}

/**
 * The MQTT username a module presents: `{hub host}/{device}/{module}/?api-version=…` (edgeHub MqttUsernameParser
 * also accepts it without the `?`). Undefined when it does not name a module.
 */
export function parseModuleUsername(username: string): { hubHostName: string; deviceId: string; moduleId: string } | undefined {
  const parts = username.split('/');
  if (parts.length < 4) return undefined;
  const [hubHostName, deviceId, moduleId] = parts as [string, string, string];
  const rest = parts.slice(3).join('/');
  if (!hubHostName || !deviceId || !moduleId || !/^\??api-version=/.test(rest)) return undefined;
  return { hubHostName, deviceId, moduleId };
}
