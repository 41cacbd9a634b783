// Robustness: edited copies of the example specs (lines dropped, doubled or re-indented, values swapped for odd YAML,
// nodes replaced by other types) never make the pipeline throw: every outcome is output or diagnostics. A fixed seed
// keeps failures reproducible; the spec that failed is printed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { compileInMemory } from '../../dist/cli/commands/compile.js';

const dir = mkdtempSync(join(tmpdir(), 'edgeml-mutations-'));
cpSync('specs', dir, { recursive: true });
const examples = readdirSync('specs')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(join('specs', f), 'utf8'));
const env = { RTSP_URL: 'rtsp://camera/stream', ACR_USER: 'u', ACR_PASSWORD: 'p' };

function random(seed) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

const ODD_SCALARS = [
  '',
  '~',
  '[]',
  '{}',
  '-1',
  '1e309',
  "'",
  '"x"',
  '!!str 1',
  '[1, [2, {}]]',
  '{a: }',
  '99999999999999999999',
  '${env:}',
  '$',
  '__proto__',
  '../../etc',
  '.inf',
  '*',
];
const ODD_VALUES = [
  null,
  true,
  0,
  -1,
  1.5,
  '',
  'x',
  'a.b',
  '*',
  'upstream',
  [],
  [1],
  ['a', 'b'],
  {},
  { a: 1 },
  { file: 'x' },
  [{ from: 'a', to: 'b' }],
  '${env:NOPE}',
];

function mutateLines(text, next) {
  const lines = text.split('\n');
  const pick = (list) => list[Math.floor(next() * list.length)];
  for (let k = 0; k < 1 + Math.floor(next() * 3); k++) {
    const i = Math.floor(next() * lines.length);
    const op = Math.floor(next() * 4);
    if (op === 0) lines.splice(i, 1);
    else if (op === 1) lines.splice(i, 0, pick(lines));
    else if (op === 2) lines[i] = lines[i].replace(/:\s*(.+)$/, () => `: ${pick(ODD_SCALARS)}`);
    else lines[i] = `  ${lines[i]}`;
  }
  return lines.join('\n');
}

function mutateNodes(text, next) {
  const data = parse(text);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const paths = (node, path = [], out = []) => {
    if (path.length) out.push(path);
    if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) paths(v, [...path, Array.isArray(node) ? Number(k) : k], out);
    return out;
  };
  for (let k = 0; k < 1 + Math.floor(next() * 3); k++) {
    const path = pick(paths(data));
    let parent = data;
    for (const key of path.slice(0, -1)) parent = parent[key];
    parent[path.at(-1)] = structuredClone(pick(ODD_VALUES));
  }
  return stringify(data);
}

for (const [name, mutate, count] of [
  ['line edits', mutateLines, 150],
  ['node replacements', mutateNodes, 150],
]) {
  test(`${count} ${name} of the example specs end in output or diagnostics, never an exception`, async () => {
    const next = random(20261125);
    for (let i = 0; i < count; i++) {
      const text = mutate(examples[Math.floor(next() * examples.length)], next);
      writeFileSync(join(dir, 'mutated.yaml'), text);
      try {
        const result = await compileInMemory('mutated.yaml', { cwd: dir, env });
        assert.ok(result.files.length > 0 || result.diagnostics.some((d) => d.category === 'error'), 'files or an error');
      } catch (error) {
        assert.unreachable(`${name} #${i} threw ${error?.stack ?? error}\n--- spec ---\n${text}`);
      }
    }
  });
}

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
