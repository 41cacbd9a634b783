// MlModelProvider against the HTTPS ARM/AAD + Azure ML + Blob fixtures, through @azure/identity and
// @azure/core-rest-pipeline with edgeml's retry policy. Run by ml.test.mjs (needs NODE_EXTRA_CA_CERTS from runTrusted).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { startAzureFixtures } from '../fixtures/azure/index.mjs';
import { rejects } from '../helpers/rejects.mjs';
import { testUnless } from '../helpers/requires.mjs';

const az = await startAzureFixtures();
Object.assign(process.env, az.env);
const { createMlModelProvider, parseDatastoreUri } = await import('../../dist/providers/azure/ml.js');
const { ProviderError, createRequestStats } = await import('../../dist/providers/types.js');

const model = readFileSync(new URL('../../specs/models/text-orientation/model.onnx', import.meta.url));
const modelSha = createHash('sha256').update(model).digest('hex');
const ws = { resourceGroup: 'ml-rg', workspace: 'edgeml-ws' };
const dir = mkdtempSync(join(tmpdir(), 'edgeml-ml-'));
const fastRetry = { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 4 };
const newProvider = (extra = {}) =>
  createMlModelProvider({
    subscriptionId: az.subscriptionId,
    endpoint: az.armUrl,
    storageEndpoint: az.storageEndpoint,
    retry: fastRetry,
    stats: createRequestStats(),
    ...extra,
  });

const single = az.ml.registerModel({ ...ws, name: 'text-orientation', version: 1, files: { 'model.onnx': model } });
az.ml.registerModel({
  ...ws,
  name: 'text-orientation-folder',
  version: 2,
  files: { 'model.onnx': model, 'labels.txt': Buffer.from('0\n180\n'), 'conda.yaml': Buffer.from('name: x\n') },
  layout: 'folder',
});

/** Every secret the fixtures know: the client secret, storage keys and SAS tokens. */
function knownSecrets() {
  const out = [az.clientSecret];
  for (const account of az.ml.state.accounts.values()) out.push(account.key);
  for (const w of az.ml.state.workspaces.values())
    for (const ds of w.datastores.values()) if (ds.sasToken) out.push(ds.sasToken, decodeURIComponent(/sig=([^&]+)/.exec(ds.sasToken)[1]));
  return out;
}
function assertNoSecrets(text, what) {
  for (const s of knownSecrets()) assert.not.ok(text.includes(s), `${what} contains a secret`);
}
async function readAll(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}
const sha = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

test('datastore URIs: long and short azureml:// forms', () => {
  assert.equal(
    parseDatastoreUri(
      'azureml://subscriptions/s/resourcegroups/rg/workspaces/w/datastores/workspaceblobstore/paths/LocalUpload/ab/model.onnx',
    ),
    { datastore: 'workspaceblobstore', path: 'LocalUpload/ab/model.onnx' },
  );
  assert.equal(parseDatastoreUri('azureml://datastores/ds/paths/models/m/'), { datastore: 'ds', path: 'models/m/' });
  assert.is(parseDatastoreUri('azureml://registries/r/models/m/versions/1'), undefined);
});

test('a single-file model version downloads with Shared Key auth; bytes, size and sha256 are right', async () => {
  az.requests.clear();
  const provider = newProvider();
  const version = await provider.getModelVersion(ws, 'text-orientation', 1);
  assert.match(version.modelUri, /datastores\/workspaceblobstore\/paths\/LocalUpload\//);
  const out = join(dir, 'single.onnx');
  const result = await provider.download(ws, version, 'model.onnx', out);
  assert.is(result.sizeBytes, model.length);
  assert.is(result.sha256, modelSha);
  assert.is(sha(out), modelSha);
  const blobGets = az.requests.where({ server: 'blob', method: 'GET' });
  assert.is(blobGets.length, 1);
  assert.is(blobGets[0].status, 200);
  assert.is(az.requests.count({ server: 'arm', method: 'POST', path: /listSecrets$/ }), 1);
  assert.is(provider.stats.retries, 0);
});

test('a folder model yields the file the spec names', async () => {
  const provider = newProvider();
  const version = await provider.getModelVersion(ws, 'text-orientation-folder', 2);
  assert.ok(version.modelUri.endsWith('/'));
  const out = join(dir, 'folder.onnx');
  const result = await provider.download(ws, version, 'model.onnx', out);
  assert.is(result.sha256, modelSha);
  const error = await rejects(provider.download(ws, version, 'weights.onnx', join(dir, 'nope')));
  assert.instance(error, ProviderError);
  assert.is(error.code, 'ModelFileNotFound');
  assert.match(error.message, /labels\.txt/);
});

test('SAS and identity-based datastores work too', async () => {
  az.ml.setDatastoreCredentials(ws.resourceGroup, ws.workspace, 'Sas');
  try {
    const provider = newProvider();
    const version = await provider.getModelVersion(ws, 'text-orientation', 1);
    assert.is((await provider.download(ws, version, 'model.onnx', join(dir, 'sas.onnx'))).sha256, modelSha);
    const blobGet = az.requests.where({ server: 'blob', method: 'GET' }).at(-1);
    assert.ok(blobGet.query.sig, 'SAS signature sent');
    az.ml.setDatastoreCredentials(ws.resourceGroup, ws.workspace, 'None');
    const before = az.requests.count({ server: 'arm', method: 'POST', path: /listSecrets$/ });
    assert.is((await provider.download(ws, version, 'model.onnx', join(dir, 'aad.onnx'))).sha256, modelSha);
    assert.is(
      az.requests.count({ server: 'arm', method: 'POST', path: /listSecrets$/ }),
      before,
      'no secrets listed for an identity-based datastore',
    );
  } finally {
    az.ml.setDatastoreCredentials(ws.resourceGroup, ws.workspace, 'AccountKey');
  }
});

test('a wrong storage key is refused by the blob server (the signature is really checked)', async () => {
  const account = az.ml.state.accounts.get(single.account);
  account.serverKey = Buffer.alloc(64, 9).toString('base64');
  try {
    const provider = newProvider();
    const version = await provider.getModelVersion(ws, 'text-orientation', 1);
    const error = await rejects(provider.download(ws, version, 'model.onnx', join(dir, 'badkey.onnx')));
    assert.instance(error, ProviderError);
    assert.is(error.status, 403);
    assert.is(error.code, 'AuthenticationFailed');
    assert.not.ok(error.retryable);
    assertNoSecrets(error.message + inspect(error), 'the error');
  } finally {
    delete account.serverKey;
  }
});

// @azure/storage-blob is present only as a dependency of azure-iot-device; when it is, it signs independently of us.
const storageSdk = await import('@azure/storage-blob').catch(() => undefined);
testUnless(test, storageSdk ? undefined : '@azure/storage-blob is not installed')(
  'the blob fixture agrees with the Azure Storage SDK on Shared Key (so the fixture checks the real scheme)',
  async () => {
    const sdk = storageSdk;
    const url = `${az.storageEndpoint}/${single.account}/${single.container}/${single.names[0]}`;
    const client = new sdk.BlobClient(url, new sdk.StorageSharedKeyCredential(single.account, single.key), {
      retryOptions: { maxTries: 1 },
    });
    const bytes = await readAll((await client.download()).readableStreamBody);
    assert.is(createHash('sha256').update(bytes).digest('hex'), modelSha);
    const wrong = new sdk.BlobClient(url, new sdk.StorageSharedKeyCredential(single.account, Buffer.alloc(64, 3).toString('base64')), {
      retryOptions: { maxTries: 1 },
    });
    const error = await rejects(wrong.download());
    assert.is(error.statusCode, 403);
  },
);

test('model not found and workspace not found are clear ProviderErrors', async () => {
  const provider = newProvider();
  const missing = await rejects(provider.getModelVersion(ws, 'text-orientation', 99));
  assert.instance(missing, ProviderError);
  assert.is(missing.code, 'ModelNotFound');
  assert.is(missing.status, 404);
  assert.match(missing.message, /'text-orientation' version 99/);
  const noWs = await rejects(provider.getModelVersion({ resourceGroup: 'ml-rg', workspace: 'other-ws' }, 'text-orientation', 1));
  assert.is(noWs.code, 'ResourceNotFound');
  assert.match(noWs.message, /other-ws/);
});

test('a caller who may not list datastore secrets gets AuthorizationFailed', async () => {
  const ds = az.ml.state.workspaces.get('ml-rg/edgeml-ws').datastores.get('workspaceblobstore');
  ds.denySecrets = true;
  try {
    const provider = newProvider();
    const version = await provider.getModelVersion(ws, 'text-orientation', 1);
    const error = await rejects(provider.download(ws, version, 'model.onnx', join(dir, 'denied.onnx')));
    assert.instance(error, ProviderError);
    assert.is(error.code, 'AuthorizationFailed');
    assert.is(error.status, 403);
    assert.is(error.operation, 'ml.listDatastoreSecrets');
    assert.not.ok(error.retryable);
  } finally {
    ds.denySecrets = false;
  }
});

test('429 with Retry-After, 503, dropped connections and a broken-off body are retried', async () => {
  const provider = newProvider();
  az.faults.add({ server: 'arm', method: 'GET', path: /\/models\//, kind: 'throttle', retryAfterSeconds: 0 });
  az.faults.add({ server: 'arm', method: 'GET', path: /\/datastores\//, kind: 'unavailable' });
  az.faults.add({ server: 'arm', method: 'POST', path: /listSecrets$/, kind: 'drop' });
  az.faults.add({ server: 'blob', method: 'GET', kind: 'drop' });
  const version = await provider.getModelVersion(ws, 'text-orientation', 1);
  const result = await provider.download(ws, version, 'model.onnx', join(dir, 'retried.onnx'));
  assert.is(result.sha256, modelSha);
  assert.is(provider.stats.retries, 4);
  assert.is(az.faults.pending, 0);

  az.faults.add({ server: 'blob', method: 'GET', kind: 'truncate' });
  const again = newProvider();
  const truncated = await again.download(ws, version, 'model.onnx', join(dir, 'truncated.onnx'));
  assert.is(truncated.sha256, modelSha, 'a body that broke off is downloaded again');
  assert.is(sha(join(dir, 'truncated.onnx')), modelSha);
});

test('a blob whose bytes do not match its stored MD5 is refused', async () => {
  const reg = az.ml.registerModel({ ...ws, name: 'tampered', version: 1, files: { 'model.onnx': model } });
  az.ml.tamperBlob(reg.account, reg.container, reg.names[0], Buffer.concat([model.subarray(0, 100), Buffer.alloc(50)]));
  const provider = newProvider();
  const version = await provider.getModelVersion(ws, 'tampered', 1);
  const error = await rejects(provider.download(ws, version, 'model.onnx', join(dir, 'tampered.onnx')));
  assert.is(error.code, 'Md5Mismatch');
});

test('no secret appears in errors, results or the request log', async () => {
  const provider = newProvider();
  const version = await provider.getModelVersion(ws, 'text-orientation', 1);
  const result = await provider.download(ws, version, 'model.onnx', join(dir, 'log.onnx'));
  assertNoSecrets(JSON.stringify(result) + inspect(result) + JSON.stringify(version), 'results');
  az.faults.add({ server: 'blob', method: 'GET', kind: 'unavailable', times: 10 });
  const error = await rejects(provider.download(ws, version, 'model.onnx', join(dir, 'fail.onnx')));
  assert.is(error.code, 'ServiceUnavailable');
  assert.ok(error.retryable);
  assertNoSecrets(error.message + inspect(error) + error.stack, 'the error');
  az.faults.clear();
});

test.after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await az.close();
  assert.not.ok(existsSync(dir));
});
test.run();
