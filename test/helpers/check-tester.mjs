// Test helper in the style of ESLint's RuleTester: `valid` specs must produce no diagnostic of the check; each
// `invalid` case lists the exact diagnostics expected (message id and position), no more and no fewer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CHECKS } from '../../dist/check/index.js';
import { loadText, position } from './spec-fixtures.mjs';

export function runCheckCases(checkId, { valid = [], invalid = [] }) {
  const check = CHECKS.find((c) => c.meta.id === checkId);
  if (!check) throw new Error(`unknown check '${checkId}'`);
  const messageIds = Object.keys(check.meta.messages);
  const seen = new Set();
  const unique = (text) => {
    if (seen.has(text)) throw new Error(`${checkId}: duplicate case`);
    seen.add(text);
  };

  valid.forEach((c, i) => {
    const spec = typeof c === 'string' ? { text: c } : c;
    unique(spec.text);
    test(`${checkId}: valid #${i + 1}${spec.name ? ` (${spec.name})` : ''}`, async () => {
      const result = await loadText(spec.text, spec.options);
      const own = result.diagnostics.filter((d) => d.id.startsWith(`${checkId}/`));
      assert.equal(
        own.map((d) => d.message),
        [],
        'expected no diagnostics from this check',
      );
    });
  });

  invalid.forEach((c, i) => {
    unique(c.text);
    if (!c.errors?.length) throw new Error(`${checkId}: invalid case #${i + 1} lists no errors`);
    for (const e of c.errors) if (!messageIds.includes(e.messageId)) throw new Error(`${checkId}: unknown messageId '${e.messageId}'`);
    test(`${checkId}: invalid #${i + 1}${c.name ? ` (${c.name})` : ''}`, async () => {
      const result = await loadText(c.text, c.options);
      const own = result.diagnostics.filter((d) => d.id.startsWith(`${checkId}/`));
      // Expected errors are listed in source order; those with `at` also assert the line and column.
      const actual = own.map((d, k) => {
        const messageId = d.id.slice(checkId.length + 1);
        return c.errors[k]?.at ? { messageId, ...lineColumn(result.text, d.start) } : { messageId };
      });
      const expected = c.errors.map((e) =>
        e.at ? { messageId: e.messageId, ...position(c.text, e.at, e.occurrence ?? 0) } : { messageId: e.messageId },
      );
      assert.equal(actual, expected, `diagnostics: ${JSON.stringify(own.map((d) => d.message))}`);
      for (const d of own) assert.ok(d.code.startsWith('EML3'), 'semantic checks use 3xxx codes');
    });
  });
  test.run();
}

function lineColumn(text, start) {
  if (start === undefined) return {};
  const before = text.slice(0, start).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}
