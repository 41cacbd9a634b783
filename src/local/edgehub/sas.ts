// Per-module credentials of the local edgeHub: a random symmetric key for each module of the run, the connection
// string a module is given (EdgeHubConnectionString), and verification of the SharedAccessSignature it presents as
// its MQTT password. Local stage. The signature scheme is IoT Hub's, as azure-iot-common implements it:
// sig = base64(HMAC-SHA256(base64-decoded key, <url-encoded sr> + "\n" + <se>)), sr = <host>/devices/<d>/modules/<m>.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface ModuleIdentity {
  deviceId: string;
  moduleId: string;
  /** Base64 key, 32 random bytes, as IoT Hub generates them. */
  key: string;
}

export function newModuleKey(): string {
  return randomBytes(32).toString('base64');
}

/** The connection string a module reads from EdgeHubConnectionString (ModuleClient.fromEnvironment). */
export function moduleConnectionString(options: { hubHostName: string; gatewayHostName: string; identity: ModuleIdentity }): string {
  const { identity } = options;
  return `HostName=${options.hubHostName};DeviceId=${identity.deviceId};ModuleId=${identity.moduleId};SharedAccessKey=${identity.key};GatewayHostName=${options.gatewayHostName}`;
}

/** The resource a module's token must be scoped to. */
export function moduleResourceUri(hubHostName: string, deviceId: string, moduleId: string): string {
  return `${hubHostName}/devices/${deviceId}/modules/${moduleId}`;
}

export type SasVerdict = { ok: true } | { ok: false; reason: string };

/** Percent-decoding that answers undefined instead of throwing on malformed input. */
function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * Checks a `SharedAccessSignature sr=…&sig=…&se=…[&skn=…]` token against the module's key: the resource must be
 * this module on this hub, the signature must match and the expiry must lie in the future. Reasons never contain the
 * token or the key.
 */
export function verifySharedAccessSignature(
  token: string,
  expected: { resourceUri: string; key: string },
  nowSeconds = Date.now() / 1000,
): SasVerdict {
  const prefix = 'SharedAccessSignature ';
  if (!token.startsWith(prefix)) return { ok: false, reason: 'the password is not a SharedAccessSignature token' };
  const fields = new Map<string, string>();
  for (const part of token.slice(prefix.length).split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { ok: false, reason: 'the token is malformed' };
    fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const sr = fields.get('sr');
  const sig = fields.get('sig');
  const se = fields.get('se');
  if (sr === undefined || sig === undefined || se === undefined) return { ok: false, reason: 'the token lacks sr, sig or se' };
  const resource = decode(sr);
  // IoT Hub compares host names case-insensitively; device and module ids are case-sensitive.
  if (
    resource === undefined ||
    resource.toLowerCase() !== expected.resourceUri.toLowerCase() ||
    !resource.endsWith(expected.resourceUri.slice(expected.resourceUri.indexOf('/')))
  ) {
    return { ok: false, reason: `the token is for '${resource ?? sr}', not '${expected.resourceUri}'` };
  }
  const expiry = Number(se);
  if (!Number.isInteger(expiry)) return { ok: false, reason: 'the token expiry (se) is not a number' };
  if (expiry <= nowSeconds) return { ok: false, reason: 'the token has expired' };
  const presented = decode(sig);
  if (presented === undefined) return { ok: false, reason: 'the token signature is malformed' };
  const computed = createHmac('sha256', Buffer.from(expected.key, 'base64')).update(`${sr}\n${se}`).digest();
  const given = Buffer.from(presented, 'base64');
  if (given.length !== computed.length || !timingSafeEqual(given, computed))
    return { ok: false, reason: 'the signature does not match the module key' };
  return { ok: true };
}
