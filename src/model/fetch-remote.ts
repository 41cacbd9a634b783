// Makes a spec's remote model (azureml or url) available in the model cache: uses a verified cached copy, else
// downloads it (Azure ML provider or HTTPS), then introspects it against the spec. Shared by `edgeml fetch` and apply.
// Model stage; the Azure SDK code is imported only when an Azure ML download is really needed.
import { rm } from 'node:fs/promises';
import { catalogueDiagnostic, type DataOf, type Diagnostic } from '../diagnostics/types.js';
import { fetchMessages, type FetchMessageId } from '../diagnostics/codes/fetch.js';
import type { AzureIR, WorkflowIR } from '../ir/types.js';
import { isProviderError, type MlModelProvider, type RequestStats } from '../providers/types.js';
import {
  commitCacheEntry,
  discardTemp,
  isRemoteSource,
  specModelCacheLocation,
  tempPathFor,
  verifyCacheEntry,
  type CacheLocation,
  type CacheRecord,
  type RemoteModelSource,
} from './cache.js';
import { displayUrl, fetchUrlModel, ModelFetchError, type UrlFetchOptions } from './fetch-url.js';
import type { ModelInfo } from './model-info.js';

/** Test seam and private-endpoint override: storage base URL used instead of https://<account>.blob.<suffix>. */
export const STORAGE_ENDPOINT_ENV = 'EDGEML_STORAGE_ENDPOINT';

/** A fetch problem as a finished diagnostic from the fetch catalogue (EML65xx). */
export class ModelCacheError extends Error {
  override readonly name = 'ModelCacheError';
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

export function fetchDiagnostic<K extends FetchMessageId>(id: K, data: DataOf<(typeof fetchMessages)[K]>): Diagnostic {
  return catalogueDiagnostic('fetch', fetchMessages, id, data);
}

const fail = <K extends FetchMessageId>(id: K, data: DataOf<(typeof fetchMessages)[K]>): ModelCacheError =>
  new ModelCacheError(fetchDiagnostic(id, data));

/** "Azure ML model 'resnet' version 3" / "model at https://host/path" */
export function describeRemoteModel(source: RemoteModelSource): string {
  return source.kind === 'azureml' ? `Azure ML model '${source.name}' version ${source.version}` : `model at ${displayUrl(source.url)}`;
}

export interface EnsureModelOptions {
  /** Cache root (modelCacheRoot()). */
  cacheRoot: string;
  /** Opens the Azure ML provider; called only when an azureml model must be downloaded. */
  mlProvider?: () => Promise<MlModelProvider>;
  url?: UrlFetchOptions;
  /** Warnings along the way (e.g. a corrupt cached copy that is replaced). */
  onDiagnostic?: (diagnostic: Diagnostic) => void;
}

export interface CachedModel {
  /** Absolute path of the model file in the cache. */
  file: string;
  /** The entry folder (what introspection's cacheDir expects). */
  dir: string;
  /** True when this call downloaded it. */
  downloaded: boolean;
  record: CacheRecord;
}

/** Returns the cached model, downloading it first when it is missing or fails verification. Throws ModelCacheError. */
export async function ensureCachedModel(ir: Pick<WorkflowIR, 'model' | 'azure'>, options: EnsureModelOptions): Promise<CachedModel> {
  const source = ir.model.source;
  if (!isRemoteSource(source)) throw fail('notRemote', { kind: source.kind });
  if (source.kind === 'azureml' && !ir.azure.ml) throw fail('workspaceMissing', undefined);
  let location: CacheLocation;
  try {
    location = specModelCacheLocation(ir, options.cacheRoot)!;
  } catch (error) {
    throw fail('modelUnreadable', { what: describeRemoteModel(source), message: (error as Error).message });
  }
  const check = await verifyCacheEntry(location, source);
  if (check.ok) return { file: location.file, dir: location.dir, downloaded: false, record: check.record };
  if (check.reason === 'mismatch') {
    options.onDiagnostic?.(fetchDiagnostic('cacheInvalid', { file: location.file, detail: check.detail }));
    await rm(location.file, { force: true });
  }
  const record =
    source.kind === 'url' ? await downloadUrl(source, location, options) : await downloadAzureMl(ir.azure.ml!, source, location, options);
  return { file: location.file, dir: location.dir, downloaded: true, record };
}

async function downloadUrl(
  source: Extract<RemoteModelSource, { kind: 'url' }>,
  location: CacheLocation,
  options: EnsureModelOptions,
): Promise<CacheRecord> {
  try {
    return await fetchUrlModel(source.url, source.sha256, location, options.url);
  } catch (error) {
    if (!(error instanceof ModelFetchError)) throw error;
    if (error.kind === 'hash-mismatch')
      throw fail('hashMismatch', { url: displayUrl(source.url), expected: error.details.expected!, actual: error.details.actual! });
    throw fail('downloadFailed', { what: describeRemoteModel(source), code: error.kind, message: error.message });
  }
}

async function downloadAzureMl(
  ml: NonNullable<AzureIR['ml']>,
  source: Extract<RemoteModelSource, { kind: 'azureml' }>,
  location: CacheLocation,
  options: EnsureModelOptions,
): Promise<CacheRecord> {
  const what = describeRemoteModel(source);
  const temp = await tempPathFor(location.file);
  try {
    if (!options.mlProvider) throw new Error('ensureCachedModel: an azureml source needs options.mlProvider.');
    const provider = await options.mlProvider();
    const workspace = { resourceGroup: ml.resourceGroup, workspace: ml.workspace };
    const version = await provider.getModelVersion(workspace, source.name, source.version);
    const result = await provider.download(workspace, version, source.file, temp);
    const record: CacheRecord = {
      kind: 'azureml',
      file: source.file,
      sizeBytes: result.sizeBytes,
      sha256: result.sha256,
      downloadedAt: new Date().toISOString(),
      origin: version.id || `${ml.workspace}/${source.name}/${source.version}`,
    };
    await commitCacheEntry(location, temp, record);
    return record;
  } catch (error) {
    if (isProviderError(error)) throw fail('downloadFailed', { what, code: error.code, message: error.message });
    throw error;
  } finally {
    await discardTemp(temp);
  }
}

/**
 * Reads the cached model with onnxruntime and compares it with the spec, so a wrong model/spec pairing stops an
 * apply before any image is built. Returns the model's description; throws ModelCacheError on a mismatch.
 */
export async function checkCachedModel(ir: Pick<WorkflowIR, 'model' | 'task'>, file: string): Promise<ModelInfo> {
  const { introspectModel, ModelIntrospectionError } = await import('./introspect.js');
  const { compareModelWithSpec } = await import('./compare.js');
  const what = describeRemoteModel(ir.model.source as RemoteModelSource);
  let info: ModelInfo;
  try {
    info = await introspectModel(file);
  } catch (error) {
    if (error instanceof ModelIntrospectionError) throw fail('modelUnreadable', { what, message: error.message });
    throw error;
  }
  const problems = compareModelWithSpec(ir, info);
  if (problems.length > 0) throw fail('modelMismatch', { what, problems: problems.map((p) => p.message).join(' ') });
  return info;
}

export interface MlProviderSettings {
  env: Readonly<Record<string, string | undefined>>;
  stats?: RequestStats;
}

/** Opens the Azure ML provider for a workflow's Azure settings (same sign-in and endpoints as apply). */
export async function openMlProvider(azure: AzureIR, settings: MlProviderSettings): Promise<MlModelProvider> {
  const subscriptionId = azure.subscription ?? settings.env.AZURE_SUBSCRIPTION_ID ?? '';
  const { createMlModelProvider } = await import('../providers/azure/ml.js');
  return createMlModelProvider({
    subscriptionId,
    endpoint: azure.endpoints?.resourceManager,
    authorityHost: azure.endpoints?.authority ?? settings.env.AZURE_AUTHORITY_HOST,
    storageEndpoint: settings.env[STORAGE_ENDPOINT_ENV] || undefined,
    ...(settings.stats ? { stats: settings.stats } : {}),
  });
}

export interface RemoteModelLoaderSettings extends MlProviderSettings {
  cwd: string;
}

/**
 * For apply: a function that returns the path of the spec's verified, spec-checked remote model, fetching it on the
 * first call only (several scoring images share one download). Undefined when the spec's model is local.
 */
export function createRemoteModelLoader(ir: WorkflowIR, settings: RemoteModelLoaderSettings): (() => Promise<string>) | undefined {
  if (!isRemoteSource(ir.model.source)) return undefined;
  let pending: Promise<string> | undefined;
  const load = async (): Promise<string> => {
    const { modelCacheRoot } = await import('./cache.js');
    const cached = await ensureCachedModel(ir, {
      cacheRoot: modelCacheRoot(ir.specDir, settings.env, settings.cwd),
      mlProvider: () => openMlProvider(ir.azure, settings),
    });
    await checkCachedModel(ir, cached.file);
    return cached.file;
  };
  return () => (pending ??= load());
}

/**
 * For apply: puts the spec's remote model in the cache before the spec is rendered, so the rendered scoring config
 * (and with it the image tag) is the one a later run with the cached model renders too. Returns the problem as a
 * diagnostic, or undefined when the model is cached (or local).
 */
export async function prefetchSpecModel(ir: WorkflowIR, settings: RemoteModelLoaderSettings): Promise<Diagnostic | undefined> {
  if (!isRemoteSource(ir.model.source)) return undefined;
  const { modelCacheRoot } = await import('./cache.js');
  try {
    await ensureCachedModel(ir, {
      cacheRoot: modelCacheRoot(ir.specDir, settings.env, settings.cwd),
      mlProvider: () => openMlProvider(ir.azure, settings),
    });
    return undefined;
  } catch (error) {
    if (error instanceof ModelCacheError) return error.diagnostic;
    throw error;
  }
}
