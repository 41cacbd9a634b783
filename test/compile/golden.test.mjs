// Golden tests: every specs/*.yaml compiles in memory to exactly the paths and bytes under generated/<name>/.
// On a mismatch the actual output goes to .baselines/local/<name>/ (with .delete markers) for review.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readTree } from '../../dist/emit/read-tree.js';
import { compareOutput, contentBytes } from '../../dist/emit/compare-output.js';
import { SCRIPT_STATE_FILES } from '../../dist/render/scripts/index.js';
import { canaryValue, compileGolden, describeDiagnostics, exampleSpecs, goldenEnv, root, secretNames } from './_golden.mjs';

const specs = exampleSpecs();

test('there are example specs to check', () => {
  assert.ok(specs.length > 0);
});

function writeLocalBaseline(name, files, differences) {
  const local = join(root, '.baselines/local', name);
  rmSync(local, { recursive: true, force: true });
  for (const file of files) {
    const target = join(local, ...file.path.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, contentBytes(file.content), { mode: file.mode ?? 0o644 });
  }
  for (const difference of differences.filter((d) => d.kind === 'extra')) {
    const marker = join(local, ...difference.path.split('/')) + '.delete';
    mkdirSync(dirname(marker), { recursive: true });
    writeFileSync(marker, '');
  }
}

for (const spec of specs) {
  test(`${spec} compiles to generated/<name>/ byte for byte`, async () => {
    const compiled = await compileGolden(spec);
    assert.ok(compiled.files.length > 0, `${spec} did not compile:\n${describeDiagnostics(compiled)}`);
    const name = compiled.name;
    // Run-time state (scripts run from generated/<name>/) is not part of the golden output.
    const differences = compareOutput(compiled.files, await readTree(join(root, 'generated', name)), SCRIPT_STATE_FILES);
    if (differences.length > 0) {
      writeLocalBaseline(name, compiled.files, differences);
      const first = differences[0];
      assert.unreachable(
        `generated/${name}/${first.path} has changed. Run \`npm run accept\` if the new output is correct.` +
          ` (${differences.length} difference(s): ${differences
            .slice(0, 5)
            .map((d) => `${d.kind} ${d.path}`)
            .join(', ')};` +
          ` actual output in .baselines/local/${name}/)`,
      );
    } else {
      rmSync(join(root, '.baselines/local', name), { recursive: true, force: true });
    }
  });

  test(`${spec}: no secret value, absolute path or machine detail appears in any output file`, async () => {
    const env = goldenEnv(spec);
    const compiled = await compileGolden(spec, env);
    assert.ok(compiled.ir && compiled.files.length > 0, describeDiagnostics(compiled));
    const forbidden = [...secretNames(compiled.ir).map((name) => canaryValue(name)), root.replace(/\/$/, ''), compiled.ir.specDir];
    for (const file of compiled.files) {
      const text = Buffer.from(contentBytes(file.content)).toString('latin1');
      for (const value of forbidden) assert.not.ok(text.includes(value), `${file.path} contains '${value}'`);
    }
  });
}

test.run();
