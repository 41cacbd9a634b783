// The model cache: entry paths per source, names that cannot escape the cache, atomic commit with a record, and
// verification on every use (url: sha256; azureml: size and sha256 recorded at download).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CACHE_RECORD_FILE,
  cacheEntryDir,
  cacheEntryFile,
  commitCacheEntry,
  modelCacheRoot,
  specModelCacheLocation,
  tempPathFor,
  verifiedCacheDir,
  verifyCacheEntry,
} from '../../dist/model/cache.js';

const dir = mkdtempSync(join(tmpdir(), 'edgeml-cache-'));
const bytes = readFileSync(new URL('../../specs/models/text-orientation/model.onnx', import.meta.url));
const sha = createHash('sha256').update(bytes).digest('hex');
const aml = { kind: 'azureml', name: 'resnet', version: 3, file: 'model.onnx' };
const url = { kind: 'url', url: 'https://example.com/m.onnx?token=abc', sha256: sha.toUpperCase(), file: 'model.onnx' };
const ir = (source, workspace = 'edgeml-ws') => ({ model: { source }, azure: { ml: { workspace, resourceGroup: 'rg' } } });

test('the root is .edgeml/models next to the spec unless EDGEML_MODEL_CACHE says otherwise', () => {
  assert.is(modelCacheRoot('/specs', {}), join('/specs', '.edgeml', 'models'));
  assert.is(modelCacheRoot('/specs', { EDGEML_MODEL_CACHE: 'cache' }, '/work'), join('/work', 'cache'));
  assert.is(modelCacheRoot('/specs', { EDGEML_MODEL_CACHE: '/abs/cache' }, '/work'), '/abs/cache');
});

test('one folder per source: azureml/<workspace>/<name>/<version>, url/<sha256>', () => {
  assert.is(cacheEntryDir('/c', aml, 'ws'), join('/c', 'azureml', 'ws', 'resnet', '3'));
  assert.is(cacheEntryDir('/c', url, undefined), join('/c', 'url', sha));
  assert.equal(specModelCacheLocation(ir({ ...aml, file: 'onnx/model.onnx' }), '/c'), {
    dir: join('/c', 'azureml', 'edgeml-ws', 'resnet', '3'),
    file: join('/c', 'azureml', 'edgeml-ws', 'resnet', '3', 'onnx', 'model.onnx'),
  });
  assert.is(specModelCacheLocation({ model: { source: { kind: 'file', path: 'm.onnx' } }, azure: {} }, '/c'), undefined);
});

test('names that would leave the cache are refused', () => {
  assert.throws(() => cacheEntryDir('/c', { ...aml, name: '..' }, 'ws'), /cannot be used/);
  assert.throws(() => cacheEntryDir('/c', { ...aml, name: 'a/b' }, 'ws'), /cannot be used/);
  assert.throws(() => cacheEntryDir('/c', aml, undefined), /workspace/);
  assert.throws(() => cacheEntryFile('/c/e', '../../x.onnx'), /outside/);
});

test('commit moves the temp file into place and records size and sha256; nothing else is left behind', async () => {
  const location = specModelCacheLocation(ir(aml), join(dir, 'root'));
  const temp = await tempPathFor(location.file);
  writeFileSync(temp, bytes);
  await commitCacheEntry(location, temp, {
    kind: 'azureml',
    file: 'model.onnx',
    sizeBytes: bytes.length,
    sha256: sha,
    downloadedAt: new Date().toISOString(),
    origin: 'x',
  });
  assert.equal(readdirSync(location.dir).sort(), [CACHE_RECORD_FILE, 'model.onnx']);
  const check = await verifyCacheEntry(location, aml);
  assert.ok(check.ok);
  assert.is(await verifiedCacheDir(ir(aml), join(dir, 'root')), location.dir);
});

test('an azureml entry that was changed, truncated or has no record is not used', async () => {
  const root = join(dir, 'root');
  const location = specModelCacheLocation(ir(aml), root);
  appendFileSync(location.file, 'x');
  const grown = await verifyCacheEntry(location, aml);
  assert.is(grown.ok, false);
  assert.is(grown.reason, 'mismatch');
  assert.match(grown.detail, /size/);
  writeFileSync(location.file, Buffer.concat([bytes.subarray(0, 10), Buffer.alloc(bytes.length - 10)]));
  const edited = await verifyCacheEntry(location, aml);
  assert.is(edited.reason, 'mismatch');
  assert.match(edited.detail, /sha256/);
  assert.is(await verifiedCacheDir(ir(aml), root), undefined);
  rmSync(join(location.dir, CACHE_RECORD_FILE));
  writeFileSync(location.file, bytes);
  assert.is((await verifyCacheEntry(location, aml)).reason, 'missing');
});

test('a url entry is checked against the spec sha256 (case does not matter)', async () => {
  const root = join(dir, 'root');
  const location = specModelCacheLocation(ir(url), root);
  assert.is((await verifyCacheEntry(location, url)).reason, 'missing');
  const temp = await tempPathFor(location.file);
  writeFileSync(temp, bytes);
  await commitCacheEntry(location, temp, {
    kind: 'url',
    file: 'model.onnx',
    sizeBytes: bytes.length,
    sha256: sha,
    downloadedAt: '',
    origin: 'https://example.com/m.onnx',
  });
  assert.ok((await verifyCacheEntry(location, url)).ok);
  assert.not.match(readFileSync(join(location.dir, CACHE_RECORD_FILE), 'utf8'), /token/, 'the record holds no query string');
  const other = { ...url, sha256: '0'.repeat(64) };
  assert.is(await verifiedCacheDir(ir(other), root), undefined);
});

test.after(() => {
  rmSync(dir, { recursive: true, force: true });
  assert.not.ok(existsSync(dir));
});
test.run();
