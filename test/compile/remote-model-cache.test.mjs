// Compile output never depends on this machine's model cache: a remote model (url or Azure ML) compiles to the same
// bytes whether `edgeml fetch` has downloaded it or not, while validate still compares the cached copy with the spec.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import compile from '../../dist/cli/commands/compile.js';
import { readTree } from '../../dist/emit/read-tree.js';
import { loadWorkflow } from '../../dist/program.js';

const dir = mkdtempSync(join(tmpdir(), 'edgeml-remote-cache-'));
cpSync('specs', dir, { recursive: true });
const model = readFileSync(join(dir, 'models', 'text-orientation', 'model.onnx'));
const sha256 = createHash('sha256').update(model).digest('hex');
const original = readFileSync(join(dir, 'text-orientation.yaml'), 'utf8');
const spec = original.replace(
  / {2}source:\n {4}file: [^\n]+\n/,
  `  source:\n    url: { href: "https://models.example.com/cls.onnx", sha256: ${sha256} }\n`,
);
assert.is.not(spec, original, 'the example spec names its model under model.source.file');
writeFileSync(join(dir, 'remote.yaml'), spec);

const cli = () => {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (t) => (out.stdout += t) }, stderr: { write: (t) => (out.stderr += t) }, env: {}, cwd: dir } };
};

test('a url model compiles to the same files before and after it is in the model cache', async () => {
  const before = cli();
  assert.is(await compile(['remote.yaml'], { out: 'out-uncached' }, before.io), 0, before.out.stderr);
  // What `edgeml fetch` leaves behind for a url source: the file under its sha256 (verified by content).
  const entry = join(dir, '.edgeml', 'models', 'url', sha256);
  mkdirSync(entry, { recursive: true });
  writeFileSync(join(entry, 'model.onnx'), model);
  const loaded = await loadWorkflow('remote.yaml', { cwd: dir, env: {} });
  assert.ok(loaded.modelInfo, 'validate reads the cached model');
  assert.is(loaded.modelInfo.inputs[0].name, 'x');
  const after = cli();
  assert.is(await compile(['remote.yaml'], { out: 'out-cached' }, after.io), 0, after.out.stderr);
  const a = await readTree(join(dir, 'out-uncached'));
  const b = await readTree(join(dir, 'out-cached'));
  assert.equal([...b.keys()], [...a.keys()]);
  const differing = [...a.keys()].filter((path) => !Buffer.from(a.get(path).content).equals(Buffer.from(b.get(path).content)));
  assert.equal(differing, []);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
