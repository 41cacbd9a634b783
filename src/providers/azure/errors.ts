// Turns errors from the Azure SDKs (core RestError, azure-iothub errors, socket errors, identity errors) into one
// ProviderError with Azure's error code, with every known secret scrubbed from the message. Apply stage.
import { ProviderError } from '../types.js';
import { isRetryableStatus, isTransientNetworkError } from '../retry.js';

/** Remembers secret values a provider has seen and removes them from any text. */
export interface Redactor {
  add(secret: string | undefined): void;
  redact(text: string): string;
}

export function createRedactor(initial: (string | undefined)[] = []): Redactor {
  const secrets = new Set<string>();
  const redactor: Redactor = {
    add(secret) {
      // Very short values would blank out ordinary words; Azure keys and passwords are long.
      if (secret && secret.length >= 8) secrets.add(secret);
    },
    redact(text) {
      let out = text;
      for (const secret of secrets) out = out.split(secret).join('(sensitive)');
      // SAS tokens and bearer tokens can appear in echoed headers; never let them through.
      out = out.replace(/SharedAccessSignature [^\s"',]+/g, 'SharedAccessSignature (sensitive)');
      out = out.replace(/(SharedAccessKey|sig|AccountKey|password|client_secret)=[^;&\s"']+/gi, '$1=(sensitive)');
      return out.replace(/Bearer [A-Za-z0-9._~+/=-]+/g, 'Bearer (sensitive)');
    },
  };
  for (const secret of initial) redactor.add(secret);
  return redactor;
}

interface ErrorLike {
  name?: string;
  code?: unknown;
  statusCode?: number;
  status?: number;
  message?: string;
  details?: { error?: { code?: string; message?: string } };
  response?: { statusCode?: number; status?: number; bodyAsText?: string | null };
  responseBody?: unknown;
}

/** IoT Hub service bodies look like {"Message":"ErrorCode:DeviceNotFound;Device x not found.", …}. */
export function parseIotHubErrorBody(body: unknown): { code?: string; message?: string } {
  if (typeof body !== 'string' || body === '') return {};
  try {
    const json = JSON.parse(body) as { Message?: string; message?: string; code?: unknown; error?: { code?: string; message?: string } };
    if (json.error?.code) return { code: json.error.code, message: json.error.message };
    const text = json.Message ?? json.message;
    const match = typeof text === 'string' ? /^ErrorCode:([A-Za-z0-9]+);(.*)$/s.exec(text) : null;
    if (match) return { code: match[1], message: match[2] };
    return typeof text === 'string' ? { message: text } : {};
  } catch {
    return {};
  }
}

/** Azure ARM bodies: {"error":{"code":"ResourceGroupNotFound","message":"…"}}. */
function parseArmErrorBody(body: string | null | undefined): { code?: string; message?: string } {
  if (!body) return {};
  try {
    const json = JSON.parse(body) as { error?: { code?: string; message?: string } };
    return json.error ? { code: json.error.code, message: json.error.message } : {};
  } catch {
    return {};
  }
}

/** @azure/core-lro reports a Failed operation only as text: "The long-running operation has failed. Code. Message". */
function parseFailedOperation(message: string | undefined): { code?: string; message?: string } {
  const match = /^The long-running operation has failed\. ([A-Za-z0-9]+)\. (.*)$/s.exec(message ?? '');
  return match ? { code: match[1], message: match[2] } : {};
}

export function statusOf(error: unknown): number | undefined {
  const e = error as ErrorLike | null;
  return e?.statusCode ?? e?.status ?? e?.response?.statusCode ?? e?.response?.status ?? undefined;
}

/** Azure's error code for an SDK error, or undefined. */
export function azureErrorCode(error: unknown): string | undefined {
  const e = error as ErrorLike | null;
  if (!e) return undefined;
  const fromBody =
    parseIotHubErrorBody(e.responseBody).code ?? parseArmErrorBody(e.response?.bodyAsText).code ?? parseFailedOperation(e.message).code;
  if (fromBody) return fromBody;
  if (e.details?.error?.code) return e.details.error.code;
  if (typeof e.code === 'string' && e.code !== '' && !/^\d+$/.test(e.code)) return e.code;
  return undefined;
}

const localCodeByStatus: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  412: 'PreconditionFailed',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/** Socket-level failures (no HTTP status) get a local code; the raw Node codes mean little to users. */
const localCodeBySocketError: Record<string, string> = {
  ECONNRESET: 'ConnectionReset',
  ECONNABORTED: 'ConnectionReset',
  EPIPE: 'ConnectionReset',
  UND_ERR_SOCKET: 'ConnectionReset',
  REQUEST_SEND_ERROR: 'ConnectionReset',
  ECONNREFUSED: 'ConnectionRefused',
  ETIMEDOUT: 'Timeout',
  ESOCKETTIMEDOUT: 'Timeout',
  AttemptTimeout: 'Timeout',
  ENOTFOUND: 'HostNotFound',
  EAI_AGAIN: 'HostNotFound',
  ENETUNREACH: 'NetworkUnreachable',
  EHOSTUNREACH: 'NetworkUnreachable',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TlsCertificateInvalid',
  SELF_SIGNED_CERT_IN_CHAIN: 'TlsCertificateInvalid',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TlsCertificateInvalid',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TlsCertificateInvalid',
  CERT_HAS_EXPIRED: 'TlsCertificateInvalid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TlsCertificateInvalid',
};

function socketErrorCode(error: unknown): string | undefined {
  for (let e = error as (ErrorLike & { cause?: unknown }) | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && localCodeBySocketError[e.code]) return localCodeBySocketError[e.code];
    if (e.name === 'AbortError') return 'Timeout'; // ours: a caller's own abort never reaches a provider error
    if (typeof e.message === 'string' && /socket hang up/i.test(e.message)) return 'ConnectionReset';
  }
  return undefined;
}

/** Wraps any error as a ProviderError; the message is redacted and names the operation. */
export function toProviderError(error: unknown, operation: string, redactor: Redactor): ProviderError {
  if (error instanceof ProviderError) return error;
  const e = (error ?? {}) as ErrorLike;
  const status = statusOf(error);
  const socket = status === undefined ? socketErrorCode(error) : undefined;
  const network = status === undefined && (isTransientNetworkError(error) || socket === 'Timeout');
  // Sign-in failures from @azure/identity carry the token endpoint's status; their name says more than it does.
  const signIn = e.name === 'AuthenticationError' || e.name === 'CredentialUnavailableError' || e.name === 'AggregateAuthenticationError';
  const code =
    (signIn ? e.name : undefined) ??
    socket ??
    azureErrorCode(error) ??
    (status !== undefined ? localCodeByStatus[status] : undefined) ??
    'Unknown';
  const detail =
    parseIotHubErrorBody(e.responseBody).message ??
    parseArmErrorBody(e.response?.bodyAsText).message ??
    parseFailedOperation(e.message).message ??
    e.message ??
    String(error);
  const message = redactor.redact(`${operation} failed${status !== undefined ? ` (HTTP ${status})` : ''}: ${code}: ${oneLine(detail)}`);
  return new ProviderError({ code, status, message, retryable: isRetryableStatus(status) || network, operation });
}

export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
