// Hostile and malformed input ends in a clear diagnostic at a position: never a stack trace, never a hang.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpecText, loadSpecFile, findInvalidUtf8, MAX_SPEC_BYTES } from '../../dist/parse/load-spec.js';
import { BASE_SPEC, loadText, located, position } from '../helpers/spec-fixtures.mjs';

const ids = (result) => result.diagnostics.map((d) => d.id);

test('duplicate keys are reported at the second key', () => {
  const text = 'a: 1\nb: 2\na: 3\n';
  const result = parseSpecText(text, 'x.yaml');
  assert.equal(ids(result), ['read/duplicateKey']);
  assert.is(result.diagnostics[0].start, text.lastIndexOf('a:'));
});

test('tabs used for indentation are reported', () => {
  const result = parseSpecText('model:\n\tsource: x\n', 'x.yaml');
  assert.ok(ids(result).includes('read/tabIndent'), JSON.stringify(ids(result)));
});

test('a billion-laughs alias bomb stops with a clear error, quickly', () => {
  let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 9; i++)
    text += `a${i}: &a${i} [${Array(10)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;
  const started = Date.now();
  const result = parseSpecText(text, 'bomb.yaml');
  assert.ok(Date.now() - started < 5000, 'bounded time');
  assert.equal(ids(result), ['read/tooManyValues']);
  assert.is(result.spec, undefined);
});

test('__proto__ keys are refused and pollute nothing', () => {
  const text = 'edgeml: 1\n__proto__:\n  polluted: yes\nmodel:\n  __proto__: { isAdmin: true }\n';
  const result = parseSpecText(text, 'x.yaml');
  assert.equal(ids(result), ['read/forbiddenKey', 'read/forbiddenKey']);
  assert.is({}.polluted, undefined);
  assert.is({}.isAdmin, undefined);
  assert.is(result.diagnostics[0].start, text.indexOf('__proto__'));
});

test('1,000-deep nesting (flow and block) ends in a depth error', () => {
  const flow = 'a: ' + '['.repeat(1000) + ']'.repeat(1000) + '\n';
  assert.equal(ids(parseSpecText(flow, 'x.yaml')), ['read/tooDeep']);
  let block = '';
  for (let i = 0; i < 1000; i++) block += ' '.repeat(i) + `k${i}:\n`;
  block += ' '.repeat(1000) + 'v\n';
  assert.equal(ids(parseSpecText(block, 'x.yaml')), ['read/tooDeep']);
});

test('a 10 MB file is refused before it is read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-big-'));
  try {
    const file = join(dir, 'big.yaml');
    writeFileSync(file, 'a: "' + 'x'.repeat(10 * 1024 * 1024) + '"\n');
    const result = loadSpecFile(file, 'big.yaml');
    assert.equal(ids(result), ['read/fileTooLarge']);
    assert.match(result.diagnostics[0].message, String(MAX_SPEC_BYTES));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('invalid UTF-8 is reported at the offending byte', () => {
  const bytes = Buffer.concat([Buffer.from('name: caf'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
  assert.is(findInvalidUtf8(bytes), 9);
  const result = parseSpecText(bytes, 'x.yaml');
  assert.equal(ids(result), ['read/invalidUtf8']);
  assert.is(result.diagnostics[0].start, 9);
  assert.match(result.diagnostics[0].message, '0xc3');
  assert.is(findInvalidUtf8(Buffer.from('héllo ✓ 𝄞')), -1);
  assert.is(findInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80])), 0, 'surrogates are not UTF-8');
  assert.is(findInvalidUtf8(Buffer.from([0xf0, 0x9f])), 0, 'truncated sequence');
});

test('missing file, folder and empty spec', async () => {
  assert.equal(ids(loadSpecFile('/nonexistent/edgeml.yaml', 'edgeml.yaml')), ['read/fileNotFound']);
  assert.equal(ids(loadSpecFile(tmpdir(), 'tmp')), ['read/fileUnreadable']);
  assert.equal(ids(parseSpecText('# nothing\n', 'x.yaml')), ['read/emptySpec']);
  assert.equal(ids(parseSpecText('a: 1\n---\nb: 2\n', 'x.yaml')), ['read/multipleDocuments']);
});

test('custom tags and non-string keys are refused', () => {
  assert.equal(
    ids(parseSpecText('a: !!js/function "x"\n', 'x.yaml')).filter((id) => id !== 'read/yamlWarning'),
    ['read/badTag'],
  );
  assert.equal(ids(parseSpecText('? [a, b]\n: 1\n', 'x.yaml')), ['read/nonStringKey']);
});

test('YAML syntax errors carry positions and no stack', () => {
  const text = 'name: "unterminated\nmodel: {\n';
  const result = parseSpecText(text, 'x.yaml');
  assert.ok(result.diagnostics.length >= 1);
  for (const d of result.diagnostics) {
    assert.ok(d.start !== undefined);
    assert.not.match(d.message, /\n|at .*\.js/);
  }
});

test('shell metacharacters and path traversal in names are diagnostics, not accidents', async () => {
  const text = BASE_SPEC.replace('name: demo', 'name: "demo; rm -rf /"')
    .replace('  scorer:\n', '  "../../etc":\n')
    .replace('sendTo: scorer', 'sendTo: "../../etc"');
  const result = await loadText(text);
  const found = located(result).map((d) => d.id);
  assert.ok(found.includes('schema/badFormat'), found.join());
  assert.ok(found.includes('module-name-valid/invalidCharacters'), found.join());
  const name = located(result).find((d) => d.id === 'schema/badFormat');
  assert.equal({ line: name.line, column: name.column }, position(text, '"demo; rm'));
});

test.run();
