// `edgeml init`: every starter writes a commented spec plus the files it names into a fresh folder, and what it
// writes validates and compiles there; it never overwrites anything, and an unknown name is a usage error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cliRunner } from '../helpers/cli-runner.mjs';
import { compileInMemory } from '../../dist/cli/commands/compile.js';
import { STARTERS } from '../../dist/cli/commands/init.js';

const work = mkdtempSync(join(tmpdir(), 'edgeml-init-'));
const edgeml = cliRunner({ cwd: work, env: { NO_COLOR: '1' } });
test.after(() => rmSync(work, { recursive: true, force: true }));

const listFiles = (dir, prefix = '') =>
  readdirSync(dir)
    .sort()
    .flatMap((entry) =>
      statSync(join(dir, entry)).isDirectory() ? listFiles(join(dir, entry), `${prefix}${entry}/`) : [`${prefix}${entry}`],
    );

for (const [name, starter] of Object.entries(STARTERS)) {
  test(`init --workflow ${name} writes ${starter.file} and the files it names; they validate and compile`, async () => {
    const r = await edgeml(['init', name, '--workflow', name]);
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stderr, '');
    assert.match(r.stdout, `Wrote ${name}/${starter.file}: `);
    assert.match(r.stdout, `edgeml validate ${name}/${starter.file}`);
    const text = readFileSync(join(work, name, starter.file), 'utf8');
    assert.match(text, `# Starter spec from \`edgeml init --workflow ${name}\``);
    assert.ok(text.split('\n').filter((l) => l.startsWith('#')).length > 5, 'the starter is commented');
    const schema = /^# yaml-language-server: \$schema=(.+)$/m.exec(text)?.[1];
    assert.ok(schema && existsSync(resolve(work, name, schema)), `the schema comment points at this install's schema: ${schema}`);

    // Every file it wrote besides the spec is one the spec names, and those are all there: validate finds no error.
    const written = listFiles(join(work, name));
    for (const file of written.filter((f) => f !== starter.file)) assert.match(r.stdout, file, `${file} is listed`);
    const validated = await edgeml(['validate', join(name, starter.file), '--json']);
    assert.is(validated.code, 0, validated.stdout + validated.stderr);
    const report = JSON.parse(validated.stdout);
    assert.is(report.valid, true, validated.stdout);
    // text-orientation deploys from localhost:5000 until REGISTRY_ADDRESS names a registry the devices reach: its spec
    // says so, and validate warns (EML3730). Nothing else may warn.
    const documented = name === 'text-orientation' ? ['EML3730'] : [];
    assert.equal(
      report.diagnostics.filter((d) => d.category !== 'suggestion' && !documented.includes(d.code)).map((d) => d.code),
      [],
      'no error or warning',
    );
    const compiled = await compileInMemory(join(name, starter.file), { cwd: work, env: { REGISTRY_ADDRESS: 'localhost:5000' } });
    assert.ok(compiled.files.length > 0, compiled.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  });
}

test('init refuses to overwrite: one existing file stops it before anything is written', async () => {
  const dir = join(work, 'taken');
  mkdirSync(join(dir, 'samples/text'), { recursive: true });
  writeFileSync(join(dir, 'samples/text/text-upright.jpg'), 'mine');
  const r = await edgeml(['init', 'taken']);
  assert.is(r.code, 1);
  assert.match(r.stderr, "error EML4301: 'taken/samples/text/text-upright.jpg' already exists; edgeml init never overwrites a file");
  assert.equal(listFiles(dir), ['samples/text/text-upright.jpg'], 'nothing was written');
  assert.is(readFileSync(join(dir, 'samples/text/text-upright.jpg'), 'utf8'), 'mine');

  const first = await edgeml(['init', 'twice', '-w', 'wf3']);
  assert.is(first.code, 0, first.stderr);
  const spec = join(work, 'twice/wf3-custom-vision.yaml');
  writeFileSync(spec, `${readFileSync(spec, 'utf8')}# my edit\n`);
  const again = await edgeml(['init', 'twice', '-w', 'wf3']);
  assert.is(again.code, 1);
  assert.match(readFileSync(spec, 'utf8'), '# my edit', 'the edited spec survives');
});

test('init with an unknown workflow is a usage error naming the choices; the default is the runnable example', async () => {
  const r = await edgeml(['init', 'nope', '--workflow', 'wf9']);
  assert.is(r.code, 2);
  assert.match(r.stderr, "error EML4300: There is no starter workflow named 'wf9'.");
  assert.match(r.stderr, 'text-orientation, wf1, wf2, wf3, wf4, machine-anomaly');
  assert.not.ok(existsSync(join(work, 'nope')));

  const byFile = await edgeml(['init', 'by-file', '-w', 'wf2-object-detection.yaml']);
  assert.is(byFile.code, 0, byFile.stderr);
  assert.ok(existsSync(join(work, 'by-file/wf2-object-detection.yaml')), 'the example file name works too');

  const plain = await edgeml(['init', 'plain']);
  assert.is(plain.code, 0, plain.stderr);
  assert.ok(existsSync(join(work, 'plain/text-orientation.yaml')));
  assert.ok(existsSync(join(work, 'plain/models/text-orientation/model.onnx')));
});

test.run();
