// `edgeml validate` as a user runs it: exit codes, code frames, --json, colour rules, --strict, --help.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_SPEC, editSpec } from '../helpers/spec-fixtures.mjs';

const bin = join(process.cwd(), 'bin', 'edgeml.js');
const dir = mkdtempSync(join(tmpdir(), 'edgeml-cli-'));
const write = (name, text) => (writeFileSync(join(dir, name), text), name);
const run = (args, env = {}) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });

test('a valid spec exits 0', () => {
  const r = run(['validate', write('ok.yaml', BASE_SPEC)]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, 'ok.yaml: valid');
});

test('an invalid spec exits 1 with file:line:column, a code frame and a hint, and no stack trace', () => {
  write('bad.yaml', editSpec(['  platform: amd64', '  platform: amd46']));
  const r = run(['validate', 'bad.yaml']);
  assert.is(r.status, 1);
  assert.match(r.stderr, "bad.yaml:9:13 - error EML2003: 'amd46' is not a valid value for target.platform. Did you mean 'amd64'?");
  assert.match(r.stderr, '  9 |   platform: amd46\n');
  assert.match(r.stderr, '|             ^^^^^');
  assert.match(r.stderr, 'hint: Use one of: amd64, arm64v8, arm32v7.');
  assert.not.match(r.stderr, /at .*\.js:\d+/);
  assert.not.match(r.stderr, '\u001b[', 'no colour when not a terminal');
});

test('a folder stands for the YAML specs directly inside it', () => {
  const folder = mkdtempSync(join(dir, 'specs-'));
  writeFileSync(join(folder, 'b.yml'), BASE_SPEC);
  writeFileSync(join(folder, 'a.yaml'), BASE_SPEC);
  writeFileSync(join(folder, 'notes.txt'), 'not a spec');
  const r = run(['validate', folder]);
  assert.is(r.status, 0, r.stderr);
  assert.equal(
    r.stdout
      .trim()
      .split('\n')
      .map((line) => line.replace(/ \(.*\)$/, '')),
    [`${join(folder, 'a.yaml')}: valid`, `${join(folder, 'b.yml')}: valid`],
  );
});

test('several specs: every one is checked, exit 1 if any is invalid', () => {
  const r = run(['validate', 'ok.yaml', 'bad.yaml', 'missing.yaml']);
  assert.is(r.status, 1);
  assert.match(r.stdout, 'ok.yaml: valid');
  assert.match(r.stderr, 'bad.yaml:9:13');
  assert.match(r.stderr, 'EML1001');
});

test('--json prints machine-readable diagnostics with line and column', () => {
  const r = run(['validate', '--json', 'bad.yaml']);
  assert.is(r.status, 1);
  const report = JSON.parse(r.stdout);
  assert.is(report.valid, false);
  const d = report.diagnostics.find((x) => x.category === 'error');
  assert.equal([d.code, d.id, d.line, d.column, d.category], ['EML2003', 'schema/badEnum', 9, 13, 'error']);
});

test('colour only with FORCE_COLOR, never with NO_COLOR or --no-color', () => {
  assert.match(run(['validate', 'bad.yaml'], { FORCE_COLOR: '1' }).stderr, '\u001b[');
  assert.not.match(run(['validate', 'bad.yaml', '--no-color'], { FORCE_COLOR: '1' }).stderr, '\u001b[');
  assert.not.match(run(['validate', 'bad.yaml'], { NO_COLOR: '1' }).stderr, '\u001b[');
});

test('warnings pass unless --strict', () => {
  write('warn.yaml', editSpec(['routes:\n', '  sensor:\n    type: container\n    image: contoso/sensor\nroutes:\n']));
  const relaxed = run(['validate', 'warn.yaml']);
  assert.is(relaxed.status, 0, relaxed.stderr);
  assert.match(relaxed.stderr, 'warning EML3906');
  assert.is(run(['validate', '--strict', 'warn.yaml']).status, 1);
});

test('usage errors exit 2; --help and --version exit 0', () => {
  assert.is(run(['validate']).status, 2);
  assert.is(run(['frobnicate']).status, 2);
  const help = run(['validate', '--help']);
  assert.is(help.status, 0);
  assert.match(help.stdout, 'Usage: edgeml validate');
  for (const command of ['compile', 'test', 'run', 'plan', 'apply', 'status', 'destroy']) {
    const r = run([command, '--help']);
    assert.is(r.status, 0, `${command} --help`);
    assert.match(r.stdout, `Usage: edgeml ${command}`);
  }
  assert.match(run(['--version']).stdout, /^\d+\.\d+\.\d+/);
});

test('--set reaches validation', () => {
  const r = run(['validate', 'ok.yaml', '--set', 'target.platform=sparc']);
  assert.is(r.status, 1);
  assert.match(r.stderr, "'sparc' is not a valid value for target.platform");
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
