// Determinism: compiling a spec twice, with a different time zone, locale, working environment and unrelated
// variables, gives identical paths and bytes (no timestamps, absolute paths or environment leaks).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareOutput } from '../../dist/emit/compare-output.js';
import { compileGolden, describeDiagnostics, exampleSpecs, goldenEnv } from './_golden.mjs';

const asTree = (files) =>
  new Map(
    files.map((f) => [
      f.path,
      { content: typeof f.content === 'string' ? Buffer.from(f.content) : f.content, executable: ((f.mode ?? 0o644) & 0o111) !== 0 },
    ]),
  );

for (const spec of exampleSpecs()) {
  test(`${spec} compiles to the same bytes twice`, async () => {
    const first = await compileGolden(spec);
    assert.ok(first.files.length > 0, describeDiagnostics(first));
    const savedTz = process.env.TZ;
    process.env.TZ = 'Pacific/Chatham';
    const second = await compileGolden(spec, {
      ...goldenEnv(spec),
      HOME: '/elsewhere',
      USER: 'someone-else',
      LANG: 'tr_TR.UTF-8',
      EDGEML_UNRELATED: 'x',
    });
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
    assert.equal(
      second.files.map((f) => f.path),
      first.files.map((f) => f.path),
    );
    assert.equal(compareOutput(first.files, asTree(second.files)), []);
    const paths = first.files.map((f) => f.path);
    assert.equal(paths, [...paths].sort(), 'files come sorted by path');
    for (const file of first.files) {
      if (typeof file.content !== 'string') continue;
      assert.not.ok(file.content.includes('\r'), `${file.path} has a CR`);
      if (file.content.length > 0) assert.ok(file.content.endsWith('\n'), `${file.path} lacks a final newline`);
    }
  });
}

test.run();
