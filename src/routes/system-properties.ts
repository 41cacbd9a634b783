// System property names a route condition can read with `$name`: the routing core's list plus those edgeHub sets.
// Routes stage; check-condition.ts warns about other names (they may still be application properties named `$x`).

export const SYSTEM_PROPERTIES: readonly string[] = [
  // routing core (SystemProperties.cs)
  'messageId',
  'enqueuedTime',
  'to',
  'correlationId',
  'userId',
  'ack',
  'connectionDeviceId',
  'connectionDeviceGenerationId',
  'connectionAuthMethod',
  'contentType',
  'contentEncoding',
  'componentName',
  // set by edgeHub
  'connectionModuleId',
  'inputName',
  'outputName',
  'messageSchema',
  'messageType',
  'creationTime',
];

const LOWER = new Set(SYSTEM_PROPERTIES.map((name) => name.toLowerCase()));

/** Property lookups in edgeHub ignore case, so `$ContentType` is `contentType`. */
export function isKnownSystemProperty(name: string): boolean {
  return LOWER.has(name.toLowerCase());
}
