// MlModelProvider on the Azure REST protocols (through @azure/core-rest-pipeline with edgeml's retry and request
// counting): model version and datastore through ARM, datastore secrets (account key or SAS) or an AAD token for
// storage, then the blob over HTTPS with Shared Key, SAS or bearer auth, streamed to a file. Apply stage (providers).
import { createHash, createHmac } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { posix } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline as streamPipeline } from 'node:stream/promises';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type HttpMethods,
  type Pipeline,
  type PipelinePolicy,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/core-auth';
import {
  ProviderError,
  createRequestStats,
  type MlDownloadResult,
  type MlModelProvider,
  type MlModelVersionInfo,
  type MlProviderOptions,
  type MlWorkspaceRef,
} from '../types.js';
import type { RetryClock } from '../retry.js';
import { installRetryAndCounting } from './arm-pipeline.js';
import { createDefaultCredential, publicCloudEndpoint } from './arm.js';
import { createRedactor, toProviderError, type Redactor } from './errors.js';

/**
 * Stable Azure ML REST api-version for model versions and datastores (listed for both in the REST reference and
 * the ARM SDKs' version lists; `secretsType`/`credentialsType` shapes are the same from 2022-05-01 on).
 */
export const ML_API_VERSION = '2024-10-01';
/** Storage REST version sent with every blob request (x-ms-version). */
export const STORAGE_API_VERSION = '2021-08-06';
const storageScope = 'https://storage.azure.com/.default';
/** A body that stops arriving for this long is abandoned (and the download retried). */
const bodyIdleTimeoutMs = 60_000;
/** Whole-download attempts when a body breaks off after the headers arrived (the pipeline retries the rest). */
const bodyAttempts = 3;

export interface MlProviderCreateOptions extends MlProviderOptions {
  credential?: TokenCredential;
  clock?: RetryClock;
}

/** How a blob request is authorised; the secret parts stay inside this module. */
type BlobAuth = { kind: 'sharedKey'; account: string; key: Buffer } | { kind: 'sas'; query: string } | { kind: 'bearer' };

interface BlobLocation {
  account: string;
  /** `https://<account>.blob.core.windows.net` or `<storageEndpoint>/<account>` */
  accountUrl: string;
  container: string;
  auth: BlobAuth;
}

export function createMlModelProvider(options: MlProviderCreateOptions): MlModelProvider {
  if (!options.subscriptionId) {
    throw new ProviderError({
      code: 'SubscriptionMissing',
      message: 'No Azure subscription id: set azure.subscription or AZURE_SUBSCRIPTION_ID.',
      operation: 'ml.connect',
    });
  }
  const endpoint = (options.endpoint ?? publicCloudEndpoint).replace(/\/+$/, '');
  const credential = options.credential ?? createDefaultCredential(options.authorityHost);
  const stats = options.stats ?? createRequestStats();
  const redactor = createRedactor([process.env.AZURE_CLIENT_SECRET]);
  const httpClient: HttpClient = createDefaultHttpClient();
  const settings = { stats, retry: options.retry, clock: options.clock };

  const arm = createPipelineFromOptions({ userAgentOptions: { userAgentPrefix: 'edgeml' } });
  arm.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: `${endpoint}/.default` }));
  installRetryAndCounting(arm, settings);
  // Storage gets its own pipelines: ARM's bearer token must never be sent to a storage account.
  const storage = createPipelineFromOptions({ userAgentOptions: { userAgentPrefix: 'edgeml' } });
  installRetryAndCounting(storage, settings);
  /** Shared Key requests are signed last (Sign phase), so every header the pipeline adds is signed, on every retry. */
  const sharedKeyPipelines = new Map<string, Pipeline>();
  const sharedKeyPipeline = (auth: Extract<BlobAuth, { kind: 'sharedKey' }>): Pipeline => {
    const id = `${auth.account}\0${auth.key.toString('base64')}`;
    let pipe = sharedKeyPipelines.get(id);
    if (!pipe) {
      pipe = createPipelineFromOptions({ userAgentOptions: { userAgentPrefix: 'edgeml' } });
      pipe.addPolicy(sharedKeyPolicy(auth), { phase: 'Sign' });
      installRetryAndCounting(pipe, settings);
      sharedKeyPipelines.set(id, pipe);
    }
    return pipe;
  };
  const storageWithToken = createPipelineFromOptions({ userAgentOptions: { userAgentPrefix: 'edgeml' } });
  storageWithToken.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: storageScope }));
  installRetryAndCounting(storageWithToken, settings);

  const workspacePath = (ws: MlWorkspaceRef) =>
    `${endpoint}/subscriptions/${enc(options.subscriptionId)}/resourceGroups/${enc(ws.resourceGroup)}/providers/Microsoft.MachineLearningServices/workspaces/${enc(ws.workspace)}`;

  async function send(
    pipe: Pipeline,
    method: HttpMethods,
    url: string,
    operation: string,
    extra: { headers?: Record<string, string>; stream?: boolean } = {},
  ): Promise<PipelineResponse> {
    const request = createPipelineRequest({ url, method, headers: createHttpHeaders({ accept: 'application/json', ...extra.headers }) });
    if (extra.stream) request.streamResponseStatusCodes = new Set([200]);
    try {
      return await pipe.sendRequest(httpClient, request);
    } catch (error) {
      throw toProviderError(error, operation, redactor);
    }
  }

  async function armJson<T>(
    method: HttpMethods,
    url: string,
    operation: string,
    onError: (status: number, code: string | undefined, detail: string) => ProviderError | undefined = () => undefined,
  ): Promise<T> {
    const response = await send(arm, method, url, operation);
    const text = response.bodyAsText ?? '';
    if (response.status >= 200 && response.status < 300) {
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new ProviderError({
          code: 'InvalidResponse',
          status: response.status,
          message: `${operation} failed: the answer is not JSON.`,
          operation,
        });
      }
    }
    const { code, message } = parseArmError(text);
    const detail = redactor.redact(oneLine(message ?? text));
    throw onError(response.status, code, detail) ?? httpError(operation, response.status, code, detail);
  }

  async function resolveBlobLocation(ws: MlWorkspaceRef, datastore: string): Promise<BlobLocation> {
    const operation = 'ml.getDatastore';
    const url = `${workspacePath(ws)}/datastores/${enc(datastore)}?api-version=${ML_API_VERSION}`;
    const body = await armJson<DatastoreBody>('GET', url, operation);
    const props = body.properties ?? {};
    if (props.datastoreType !== 'AzureBlob' || !props.accountName || !props.containerName) {
      throw new ProviderError({
        code: 'DatastoreNotSupported',
        message: `${operation} failed: datastore '${datastore}' is of type '${props.datastoreType ?? 'unknown'}'; edgeml downloads models from Azure Blob datastores only.`,
        operation,
      });
    }
    if (props.protocol && props.protocol.toLowerCase() !== 'https') {
      throw new ProviderError({
        code: 'DatastoreNotSupported',
        message: `${operation} failed: datastore '${datastore}' uses protocol '${props.protocol}'; edgeml downloads over HTTPS only.`,
        operation,
      });
    }
    const account = props.accountName;
    const accountUrl = options.storageEndpoint
      ? `${options.storageEndpoint.replace(/\/+$/, '')}/${enc(account)}`
      : `https://${account}.blob.${props.endpoint || 'core.windows.net'}`;
    const credentialsType = props.credentials?.credentialsType ?? 'None';
    let auth: BlobAuth;
    if (credentialsType === 'AccountKey' || credentialsType === 'Sas') {
      const secrets = await armJson<DatastoreSecretsBody>(
        'POST',
        `${workspacePath(ws)}/datastores/${enc(datastore)}/listSecrets?api-version=${ML_API_VERSION}`,
        'ml.listDatastoreSecrets',
      );
      redactor.add(secrets.key);
      redactor.add(secrets.sasToken);
      if (secrets.secretsType === 'AccountKey' && secrets.key)
        auth = { kind: 'sharedKey', account, key: Buffer.from(secrets.key, 'base64') };
      else if (secrets.secretsType === 'Sas' && secrets.sasToken) auth = { kind: 'sas', query: secrets.sasToken.replace(/^\?/, '') };
      else
        throw new ProviderError({
          code: 'DatastoreNotSupported',
          message: `ml.listDatastoreSecrets failed: datastore '${datastore}' returned no usable ${credentialsType} secret.`,
          operation: 'ml.listDatastoreSecrets',
        });
    } else if (credentialsType === 'None') {
      auth = { kind: 'bearer' }; // identity-based access: the caller's own AAD token for storage
    } else {
      throw new ProviderError({
        code: 'DatastoreNotSupported',
        message: `${operation} failed: datastore '${datastore}' uses ${credentialsType} credentials; edgeml supports account key, SAS and identity-based datastores.`,
        operation,
      });
    }
    return { account, accountUrl, container: props.containerName, auth };
  }

  /** Sends a blob-service GET with the datastore's auth; `query` is part of what Shared Key signs. */
  async function blobGet(
    location: BlobLocation,
    path: string,
    query: Record<string, string>,
    operation: string,
    stream: boolean,
  ): Promise<PipelineResponse> {
    const encodedPath = `/${enc(location.container)}${path ? '/' + path.split('/').map(enc).join('/') : ''}`;
    const base = new URL(location.accountUrl);
    const fullPath = `${base.pathname.replace(/\/+$/, '')}${encodedPath}`;
    const params = new URLSearchParams(query);
    const headers: Record<string, string> = { 'x-ms-version': STORAGE_API_VERSION, accept: '*/*' };
    const queryText = [params.toString(), location.auth.kind === 'sas' ? location.auth.query : ''].filter(Boolean).join('&');
    const url = `${base.origin}${fullPath}${queryText ? `?${queryText}` : ''}`;
    const auth = location.auth;
    const pipe = auth.kind === 'bearer' ? storageWithToken : auth.kind === 'sharedKey' ? sharedKeyPipeline(auth) : storage;
    return send(pipe, 'GET', url, operation, { headers, stream });
  }

  /** Blob names under `prefix` (for a model registered as a folder), at most a few thousand. */
  async function listBlobs(location: BlobLocation, prefix: string): Promise<string[]> {
    const names: string[] = [];
    let marker = '';
    for (let page = 0; page < 20; page++) {
      const query: Record<string, string> = { comp: 'list', prefix, restype: 'container', ...(marker ? { marker } : {}) };
      const response = await blobGet(location, '', query, 'ml.listModelFiles', false);
      const text = response.bodyAsText ?? '';
      if (response.status !== 200) throw storageError('ml.listModelFiles', response, text, redactor);
      for (const match of text.matchAll(/<Name>([^<]*)<\/Name>/g)) names.push(xmlText(match[1]!));
      marker = xmlText(/<NextMarker>([^<]*)<\/NextMarker>/.exec(text)?.[1] ?? '');
      if (!marker) break;
    }
    return names;
  }

  async function downloadBlob(location: BlobLocation, path: string, destination: string): Promise<MlDownloadResult> {
    const operation = 'ml.downloadModel';
    for (let attempt = 1; ; attempt++) {
      const response = await blobGet(location, path, {}, operation, true);
      if (response.status !== 200) throw storageError(operation, response, response.bodyAsText ?? '', redactor, path);
      const body = response.readableStreamBody;
      if (!body)
        throw new ProviderError({
          code: 'InvalidResponse',
          status: 200,
          message: `${operation} failed: the blob answer had no body.`,
          operation,
        });
      const declared = Number(response.headers.get('content-length'));
      const storedMd5 = response.headers.get('content-md5') ?? response.headers.get('x-ms-blob-content-md5');
      const sha = createHash('sha256');
      const md5 = createHash('md5');
      let size = 0;
      let idle: NodeJS.Timeout | undefined;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          sha.update(chunk);
          md5.update(chunk);
          callback(null, chunk);
        },
      });
      const watch = () => {
        clearTimeout(idle);
        idle = setTimeout(
          () => meter.destroy(Object.assign(new Error('the blob download stalled'), { code: 'ETIMEDOUT' })),
          bodyIdleTimeoutMs,
        );
      };
      meter.on('data', watch);
      watch();
      try {
        await streamPipeline(body as NodeJS.ReadableStream, meter, createWriteStream(destination));
      } catch (error) {
        if (attempt < bodyAttempts) {
          stats.recordRetry();
          continue;
        }
        throw toProviderError(error, operation, redactor);
      } finally {
        clearTimeout(idle);
      }
      if (Number.isFinite(declared) && declared !== size) {
        if (attempt < bodyAttempts) {
          stats.recordRetry();
          continue;
        }
        throw new ProviderError({
          code: 'IncompleteDownload',
          status: 200,
          message: `${operation} failed: the blob ended after ${size} of ${declared} bytes.`,
          retryable: true,
          operation,
        });
      }
      if (storedMd5 && md5.digest('base64') !== storedMd5) {
        throw new ProviderError({
          code: 'Md5Mismatch',
          status: 200,
          message: `${operation} failed: the downloaded bytes do not match the blob's stored Content-MD5.`,
          operation,
        });
      }
      return { sizeBytes: size, sha256: sha.digest('hex'), blob: `${location.account}/${location.container}/${path}` };
    }
  }

  return {
    stats,

    async getModelVersion(ws, name, version): Promise<MlModelVersionInfo> {
      const operation = 'ml.getModelVersion';
      const url = `${workspacePath(ws)}/models/${enc(name)}/versions/${enc(String(version))}?api-version=${ML_API_VERSION}`;
      const body = await armJson<ModelVersionBody>('GET', url, operation, (status, code, detail) => {
        // A missing workspace or group keeps ARM's own code; anything else that is 404 is the model version.
        if (
          status !== 404 ||
          (code &&
            /^(ResourceGroupNotFound|SubscriptionNotFound|ResourceNotFound|WorkspaceNotFound)$/.test(code) &&
            /workspace|resource group|subscription/i.test(detail))
        )
          return undefined;
        return new ProviderError({
          code: 'ModelNotFound',
          status,
          message: `${operation} failed (HTTP 404): ModelNotFound: model '${name}' version ${version} is not registered in workspace '${ws.workspace}' (resource group '${ws.resourceGroup}')${code ? ` [${code}: ${detail}]` : ''}.`,
          operation,
        });
      });
      const modelUri = body.properties?.modelUri;
      if (!modelUri)
        throw new ProviderError({
          code: 'InvalidResponse',
          message: `${operation} failed: model '${name}' version ${version} has no modelUri.`,
          operation,
        });
      return {
        id: body.id ?? '',
        name: body.name ?? String(version),
        version: String(version),
        modelUri,
        ...(body.properties?.modelType ? { modelType: body.properties.modelType } : {}),
      };
    },

    async download(ws, model, file, destination): Promise<MlDownloadResult> {
      const operation = 'ml.downloadModel';
      const parsed = parseDatastoreUri(model.modelUri);
      if (!parsed) {
        throw new ProviderError({
          code: 'ModelUriNotSupported',
          message: `${operation} failed: the model's URI '${model.modelUri.replace(/\?.*$/, '')}' does not name a datastore path (azureml://…/datastores/<name>/paths/<path>).`,
          operation,
        });
      }
      const location = await resolveBlobLocation(ws, parsed.datastore);
      const base = parsed.path.replace(/\/+$/, '');
      const fileName = posix.basename(file);
      // One file registered under the spec's file name: the URI names the blob itself.
      if (!parsed.path.endsWith('/') && posix.basename(base) === fileName) {
        try {
          return await downloadBlob(location, base, destination);
        } catch (error) {
          if (!(error instanceof ProviderError && error.status === 404)) throw error;
        }
      }
      // A folder model: the file at its path under the folder, else the one file with that name anywhere below.
      try {
        return await downloadBlob(location, `${base}/${file}`, destination);
      } catch (error) {
        if (!(error instanceof ProviderError && error.status === 404)) throw error;
      }
      const names = await listBlobs(location, `${base}/`);
      const matches = names.filter((n) => posix.basename(n) === fileName);
      if (matches.length === 1) return downloadBlob(location, matches[0]!, destination);
      const shown = (names.length > 0 ? names : [base])
        .map((n) => n.slice(base.length + 1) || posix.basename(n))
        .slice(0, 8)
        .join(', ');
      throw new ProviderError({
        code: 'ModelFileNotFound',
        status: 404,
        message:
          matches.length > 1
            ? `${operation} failed: model '${model.name}' version ${model.version} holds ${matches.length} files named '${fileName}'; give the path inside the model in model.source.azureml.file.`
            : `${operation} failed: model '${model.name}' version ${model.version} has no file '${file}' (it holds: ${shown}).`,
        operation,
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------

interface ModelVersionBody {
  id?: string;
  name?: string;
  properties?: { modelUri?: string; modelType?: string };
}
interface DatastoreBody {
  properties?: {
    datastoreType?: string;
    accountName?: string;
    containerName?: string;
    endpoint?: string;
    protocol?: string;
    credentials?: { credentialsType?: string };
  };
}
interface DatastoreSecretsBody {
  secretsType?: string;
  key?: string;
  sasToken?: string;
}

/** `azureml://[subscriptions/…/workspaces/<ws>/]datastores/<ds>/paths/<path>` → datastore and path. */
export function parseDatastoreUri(uri: string): { datastore: string; path: string } | undefined {
  const match = /^azureml:\/\/(?:.*\/)?datastores\/([^/]+)\/paths\/(.+)$/i.exec(uri.trim());
  if (!match) return undefined;
  return {
    datastore: decodeURIComponent(match[1]!),
    path: match[2]!
      .split('/')
      .map((p) => decodeURIComponent(p))
      .join('/'),
  };
}

/** Signs a storage request with Shared Key: a fresh x-ms-date, then the Authorization header over all x-ms-* headers. */
function sharedKeyPolicy(auth: { account: string; key: Buffer }): PipelinePolicy {
  return {
    name: 'edgemlStorageSharedKey',
    sendRequest(request, next) {
      request.headers.set('x-ms-date', new Date().toUTCString());
      const url = new URL(request.url);
      const headers: Record<string, string> = {};
      for (const [name, value] of request.headers) headers[name.toLowerCase()] = value;
      const query: Record<string, string> = {};
      for (const [name, value] of url.searchParams) query[name] = value;
      request.headers.set('authorization', sharedKeyAuthorization(auth, request.method, url.pathname, query, headers));
      return next(request);
    },
  };
}

/**
 * Storage Shared Key: HMAC-SHA256 over the verb, eleven standard headers (all empty for a GET without a range),
 * the x-ms-* headers sorted by name, and `/<account><path>` followed by the query parameters sorted by name.
 */
export function sharedKeyAuthorization(
  auth: { account: string; key: Buffer },
  verb: string,
  encodedPath: string,
  query: Record<string, string>,
  headers: Record<string, string>,
): string {
  const canonicalHeaders = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .filter((name) => name.startsWith('x-ms-'))
    .sort()
    .map((name) => `${name}:${headers[name]!.trim()}\n`)
    .join('');
  const canonicalQuery = Object.keys(query)
    .map((name) => name.toLowerCase())
    .sort()
    .map((name) => `\n${name}:${query[name]}`)
    .join('');
  const stringToSign = `${verb}\n${'\n'.repeat(11)}${canonicalHeaders}/${auth.account}${encodedPath}${canonicalQuery}`;
  return `SharedKey ${auth.account}:${createHmac('sha256', auth.key).update(stringToSign, 'utf8').digest('base64')}`;
}

function parseArmError(text: string): { code?: string; message?: string } {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    return { code: body.error?.code, message: body.error?.message };
  } catch {
    return {};
  }
}

const codeByStatus: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'AuthorizationFailed',
  404: 'NotFound',
  409: 'Conflict',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

function httpError(operation: string, status: number, code: string | undefined, detail: string): ProviderError {
  const finalCode = code ?? codeByStatus[status] ?? 'Unknown';
  return new ProviderError({
    code: finalCode,
    status,
    message: `${operation} failed (HTTP ${status}): ${finalCode}: ${detail || 'no details'}`,
    retryable: status === 429 || status >= 500,
    operation,
  });
}

/** Storage answers carry the code in x-ms-error-code and an XML body <Error><Code/><Message/></Error>. */
function storageError(operation: string, response: PipelineResponse, text: string, redactor: Redactor, blob?: string): ProviderError {
  const code = response.headers.get('x-ms-error-code') ?? /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1]?.split('\n')[0] ?? '';
  const where = blob ? ` (blob '${blob}')` : '';
  return httpError(operation, response.status, code, redactor.redact(oneLine(`${xmlText(message)}${where}`)));
}

function enc(part: string): string {
  return encodeURIComponent(part);
}

function xmlText(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
