// `edgeml run specs/ocr.yaml`: the capture module sends the rendered pages through the OCR scoring module (three
// models, one request per page) and every upstream message nests each line's orientation and text; the route
// condition on the first line's turn picks the route; every message validates against the output's contract.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OCR_TRUTH, gradeOcr } from '../helpers/ocr-cascade.mjs';
import { compileContract } from '../../dist/contracts/validate.js';
import { readFileSync } from 'node:fs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'edgeml-runocr-'));
mkdirSync(join(work, 'tmp'));
test.after(() => rmSync(work, { recursive: true, force: true }));

test('one message per page, each line with its turn and text nested under stages; routed by the first line', () => {
  const r = spawnSync(process.execPath, ['bin/edgeml.js', 'run', 'specs/ocr.yaml', '--frames', '3', '--set', 'modules.scanner.fps=4'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', DOCKER_HOST: 'tcp://127.0.0.1:9', TMPDIR: join(work, 'tmp') },
    timeout: 300_000,
  });
  assert.is(r.status, 0, r.stderr);
  assert.not.match(r.stderr, 'EML7110', 'edgeml run found no message breaking its contract');
  const messages = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.is(messages.length, 3);
  // The contract the compiler renders for the capture output (goldens), nested stages included.
  const contract = compileContract(JSON.parse(readFileSync(join(root, 'generated/ocr/contracts/scanner.pages.schema.json'), 'utf8')));
  for (const m of messages) {
    assert.equal(contract(m.body), [], `${m.properties.frameOrigin} matches the contract`);
    const file = m.properties.frameOrigin;
    const lines = m.body.predictions;
    assert.is(lines.length, OCR_TRUTH[file].length, file);
    for (const line of lines) {
      assert.is(line.tagName, 'text');
      assert.is(line.quad.length, 4);
      assert.ok([0, 180].includes(line.stages.orientation.rotated));
      assert.is(line.stages.orientation.predictions[0].tagName, String(line.stages.orientation.rotated));
    }
    const read = lines.map((l) => ({ text: l.stages.text.predictions[0]?.text ?? '', turned: l.stages.orientation.rotated }));
    const { pairs, accuracy } = gradeOcr(file, read);
    assert.ok(accuracy >= 0.95, `${file}: ${JSON.stringify(pairs)}`);
    assert.is(m.route, lines[0].stages.orientation.rotated === 180 ? 'turnedLines' : 'allPages');
  }
});

test.run();
