// `edgeml test` and `edgeml validate` on the telemetry example: the fitted model flags exactly the injected anomalies
// of the generated readings, message files from --messages, unscorable lines, expectations, and a feature list that
// does not fit the model's input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliRunner } from '../helpers/cli-runner.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const expected = JSON.parse(readFileSync(join(root, 'specs/samples/telemetry/readings.expected.json'), 'utf8'));
const run = cliRunner({ cwd: root, env: { ...process.env, NO_COLOR: '1' } });

/** A copy of the example (spec, model, samples) in a temp folder, with the spec text edited. */
function example(edit = (text) => text) {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-telemetry-cli-'));
  mkdirSync(join(dir, 'models/machine-anomaly'), { recursive: true });
  mkdirSync(join(dir, 'samples/telemetry'), { recursive: true });
  copyFileSync(join(root, 'specs/models/machine-anomaly/model.onnx'), join(dir, 'models/machine-anomaly/model.onnx'));
  copyFileSync(join(root, 'specs/samples/telemetry/readings.jsonl'), join(dir, 'samples/telemetry/readings.jsonl'));
  mkdirSync(join(dir, 'contracts'));
  copyFileSync(
    join(root, 'specs/contracts/simulated-temperature-sensor.schema.json'),
    join(dir, 'contracts/simulated-temperature-sensor.schema.json'),
  );
  writeFileSync(join(dir, 'spec.yaml'), edit(readFileSync(join(root, 'specs/machine-anomaly.yaml'), 'utf8')));
  return { dir, spec: join(dir, 'spec.yaml'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('edgeml test on the example flags exactly the injected anomalies, and says so per line', async () => {
  const json = await run(['test', 'specs/machine-anomaly.yaml', '--json']);
  assert.is(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout);
  assert.equal(report.files, [{ file: 'specs/samples/telemetry/readings.jsonl', lines: 200, scored: 200, skipped: 0, flagged: 20 }]);
  assert.equal(
    report.messages.filter((m) => m.result.anomaly).map((m) => m.line),
    expected.anomalies.map((a) => a.line),
  );
  const text = await run(['test', 'specs/machine-anomaly.yaml']);
  assert.is(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`line +${expected.anomalies[0].line}  score [01]\\.\\d{4}  ANOMALY`));
  assert.match(text.stdout, /200 message\(s\), 200 scored, 0 not scored, 20 anomalies \(threshold 0\.3\)\./);
  assert.match(text.stdout, /expect 20 anomalies on specs\/samples\/telemetry\/readings\.jsonl: ok/);
});

test('--messages scores another file; lines without a required field are not scored and reported once', async () => {
  const ex = example();
  try {
    writeFileSync(
      join(ex.dir, 'mine.jsonl'),
      [
        JSON.stringify({ machine: { temperature: 60, pressure: 5.6 } }),
        JSON.stringify({ machine: { temperature: 60 } }),
        JSON.stringify({
          input: 'readings',
          deviceId: 'press-7',
          body: { machine: { temperature: 118, pressure: 11.4 }, ambient: { temperature: 21, humidity: 25 } },
        }),
      ].join('\n') + '\n',
    );
    const r = await cliRunner({ cwd: ex.dir, env: { ...process.env, NO_COLOR: '1' } })(['test', 'spec.yaml', '--messages', 'mine.jsonl']);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /line +1 {2}score 0\.\d{4} {2}\(defaults: ambientTemperature, ambientHumidity\)/);
    assert.match(r.stdout, /line +3 {2}score [01]\.\d{4} {2}ANOMALY/);
    assert.match(r.stdout, /3 message\(s\), 2 scored, 1 not scored, 1 anomaly/);
    assert.match(
      r.stderr,
      /warning EML7303: 1 line\(s\) of 'mine\.jsonl' were not scored; the first: message rejected on input 'readings': \$body\.machine\.pressure is missing/,
    );
  } finally {
    ex.cleanup();
  }
});

test('a wrong expect.anomalies fails at its line', async () => {
  const ex = example((t) => t.replace('anomalies: 20', 'anomalies: 3'));
  try {
    const r = await cliRunner({ cwd: ex.dir, env: { ...process.env, NO_COLOR: '1' } })(['test', 'spec.yaml']);
    assert.is(r.code, 1);
    const line =
      readFileSync(ex.spec, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('anomalies: 3')) + 1;
    assert.match(r.stderr, new RegExp(`spec\\.yaml:${line}:\\d+ - error EML7304: model\\.expect\\.anomalies is 3, but 20 message\\(s\\)`));
  } finally {
    ex.cleanup();
  }
});

test('validate compares the features with the model input: three features for a [batch, 4] model', async () => {
  const ex = example((t) => t.replace(/ {4}- \{ name: ambientHumidity.*\n/, ''));
  try {
    const r = await cliRunner({ cwd: ex.dir, env: { ...process.env, NO_COLOR: '1' } })(['validate', 'spec.yaml']);
    assert.is(r.code, 1, r.stdout + r.stderr);
    const line =
      readFileSync(ex.spec, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('name: machineTemperature')) + 1;
    assert.match(
      r.stdout + r.stderr,
      new RegExp(
        `spec\\.yaml:${line}:\\d+ - error EML2603: Model input 'readings' \\[batch, 4\\] takes 4 numbers per row, but the spec gives 3 \\(3 features\\)\\.`,
      ),
    );
  } finally {
    ex.cleanup();
  }
});

test.run();
