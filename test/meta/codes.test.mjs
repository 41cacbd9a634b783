// The diagnostic catalogue: every code is unique across blocks and checks, sits in its stage's block, and every
// check has a test file that exercises each of its messages.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHECKS } from '../../dist/check/index.js';

const codesDir = join(process.cwd(), 'dist', 'diagnostics', 'codes');

async function allMessages() {
  const entries = [];
  for (const file of readdirSync(codesDir)
    .filter((f) => f.endsWith('.js'))
    .sort()) {
    const module = await import(pathToFileURL(join(codesDir, file)).href);
    for (const [blockName, block] of Object.entries(module)) {
      if (!block || typeof block !== 'object') continue;
      for (const [id, def] of Object.entries(block))
        if (def && typeof def.code === 'string') entries.push({ where: `${file}:${blockName}.${id}`, code: def.code });
    }
  }
  for (const check of CHECKS)
    for (const [id, def] of Object.entries(check.meta.messages)) entries.push({ where: `check ${check.meta.id}/${id}`, code: def.code });
  return entries;
}

test('codes are unique and well formed', async () => {
  const entries = await allMessages();
  assert.ok(entries.length > 100, `found ${entries.length} messages`);
  const byCode = new Map();
  for (const e of entries) {
    assert.match(e.code, /^EML[1-7]\d{3}$/, e.where);
    assert.ok(!byCode.has(e.code), `${e.code} used by ${byCode.get(e.code)} and ${e.where}`);
    byCode.set(e.code, e.where);
  }
});

test('semantic checks use the 3xxx block, are registered and have ids matching their files', () => {
  const rules = readdirSync(join(process.cwd(), 'src', 'check', 'rules'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.replace(/\.ts$/, ''));
  assert.equal(CHECKS.map((c) => c.meta.id).sort(), rules.sort(), 'every file in src/check/rules is registered in src/check/index.ts');
  for (const check of CHECKS) {
    for (const def of Object.values(check.meta.messages)) assert.match(def.code, /^EML3\d{3}$/, check.meta.id);
    assert.ok(check.meta.description.length > 10, `${check.meta.id} has a description`);
  }
});

test('every check has a test file naming each of its messages', () => {
  for (const check of CHECKS) {
    const file = join(process.cwd(), 'test', 'check', `${check.meta.id}.test.mjs`);
    assert.ok(existsSync(file), `test/check/${check.meta.id}.test.mjs exists`);
    const text = readFileSync(file, 'utf8');
    const missing = Object.keys(check.meta.messages).filter((id) => !text.includes(`'${id}'`));
    assert.equal(missing, [], `test/check/${check.meta.id}.test.mjs covers every message`);
  }
});

test('docs/diagnostics.md lists every code with its cause and fix', async () => {
  const { renderDiagnosticsDoc } = await import('../../scripts/diagnostics-doc.mjs');
  const expected = await renderDiagnosticsDoc();
  const actual = readFileSync(join(process.cwd(), 'docs', 'diagnostics.md'), 'utf8');
  assert.ok(actual === expected, 'docs/diagnostics.md is out of date: run `npm run docs`');
});

test.run();
