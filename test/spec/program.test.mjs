// The Program owns the stages: each runs once and is cached (the spec is read once however many stages a command
// asks for), the IR it hands out is frozen, and the desired deployment is the typed form of the manifest it renders.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProgram } from '../../dist/program.js';
import { BASE_SPEC } from '../helpers/spec-fixtures.mjs';

function specFolder(text = BASE_SPEC) {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-program-'));
  writeFileSync(join(dir, 'spec.yaml'), text);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('the spec is loaded once: later stages use the checked stage they already have', async () => {
  const { dir, cleanup } = specFolder();
  try {
    const program = createProgram('spec.yaml', { cwd: dir, env: {}, introspect: false, sets: ['azure.ml.workspace=ml-workspace'] });
    const checked = await program.getCheckedWorkflow();
    assert.is(checked.ir.name, 'demo');
    // A change on disk after the load is not seen: the stages are not re-run.
    writeFileSync(join(dir, 'spec.yaml'), BASE_SPEC.replace('name: demo', 'name: other'));
    const outputs = await program.getOutputs();
    assert.is(outputs.ir, checked.ir, 'the same frozen IR');
    assert.is(await program.getOutputs(), outputs, 'outputs are cached');
    assert.ok(Object.isFrozen(outputs.ir.azure));
    assert.is(outputs.desired.workflow, 'demo');
  } finally {
    cleanup();
  }
});

test('the desired deployment is the typed deployment the manifest file holds', async () => {
  const { dir, cleanup } = specFolder();
  try {
    const outputs = await createProgram('spec.yaml', {
      cwd: dir,
      env: {},
      introspect: false,
      sets: ['azure.ml.workspace=ml-workspace'],
    }).getOutputs();
    const manifest = outputs.files.find((f) => f.path === 'deployment.json');
    assert.equal(JSON.parse(manifest.content), outputs.desired.content);
    assert.equal(outputs.desired.images.map((i) => i.module).sort(), ['camera', 'scorer']);
  } finally {
    cleanup();
  }
});

test("a route's condition is parsed once, at lowering, into the frozen IR", async () => {
  const { dir, cleanup } = specFolder(
    BASE_SPEC.replace('    to: upstream\n', '    to: upstream\n    when: "$body.summary.topProbability >= 0.5"\n'),
  );
  try {
    const checked = await createProgram('spec.yaml', { cwd: dir, env: {}, introspect: false }).getCheckedWorkflow();
    const route = checked.ir.routes[0];
    assert.is(route.when, '$body.summary.topProbability >= 0.5');
    assert.equal(route.condition.errors, []);
    assert.ok(route.condition.expr && Object.isFrozen(route.condition.expr));
  } finally {
    cleanup();
  }
});

test('a spec with errors has diagnostics and no IR, outputs or deployment', async () => {
  const { dir, cleanup } = specFolder(BASE_SPEC.replace('task: image-classification', 'task: dancing'));
  try {
    const outputs = await createProgram('spec.yaml', {
      cwd: dir,
      env: {},
      introspect: false,
      sets: ['azure.ml.workspace=ml-workspace'],
    }).getOutputs();
    assert.ok(outputs.diagnostics.some((d) => d.category === 'error'));
    assert.is(outputs.ir, undefined);
    assert.equal(outputs.files, []);
    assert.is(outputs.desired, undefined);
  } finally {
    cleanup();
  }
});

test.run();
