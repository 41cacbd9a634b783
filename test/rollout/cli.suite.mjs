// `edgeml plan` shows the rings, `edgeml rollout` rolls a fleet out ring by ring, `edgeml history` lists the
// revisions and `edgeml rollback --to` returns to one, on a real spec against the Azure fixtures (12 devices).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzureFixtures } from '../fixtures/azure/index.mjs';
import { cliRunner } from '../helpers/cli-runner.mjs';
import { createArmProvider } from '../../dist/providers/azure/arm.js';
import { createIotHubProvider } from '../../dist/providers/azure/iothub.js';

const spec = (armUrl, { image = 'sensor:1.0', rollout = true } = {}) => `edgeml: 1
name: roll
description: A sensor module rolled out to a fleet ring by ring.
task: image-classification
model:
  source:
    file: model.onnx
  labels: ["0", "180"]
  preprocess:
    width: 192
    height: 48
  postprocess:
    format: classification
target:
  platform: amd64
  runtime: "1.6"
azure:
  resourceGroup: roll-rg
  location: westeurope
  iotHub: { name: roll-hub }
  registry: { address: "localhost:5000" }
  fleet:
    id: roll
    targetCondition: "tags.role='sensor'"
${
  rollout
    ? `    rollout:
      onFailure: rollback
      rings:
        - name: canary
          percent: 25
          gate: { minDevices: 1, maxFailedPercent: 0, waitSeconds: 5 }
        - name: all
          gate: { minDevices: 6, maxFailedPercent: 10, waitSeconds: 5 }
`
    : ''
}  endpoints:
    resourceManager: ${armUrl}
modules:
  sensor:
    type: container
    image: "localhost:5000/${image}"
routes:
  - from: sensor.*
    to: upstream
`;

test('plan shows the rings, rollout widens them, history lists revisions, rollback --to returns', async () => {
  const az = await startAzureFixtures({ deviceBehavior: { delayMs: 5 } });
  Object.assign(process.env, az.env);
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-rollout-cli-'));
  try {
    const arm = createArmProvider({
      subscriptionId: az.subscriptionId,
      endpoint: az.armUrl,
      authorityHost: az.authorityHost,
      pollIntervalMs: 5,
    });
    await arm.ensureResourceGroup('roll-rg', 'westeurope');
    await arm.ensureIotHub('roll-rg', 'roll-hub', { location: 'westeurope', sku: 'S1', units: 1 });
    const hub = createIotHubProvider({ connectionString: await arm.getIotHubOwnerConnectionString('roll-rg', 'roll-hub') });
    for (let i = 1; i <= 12; i++) {
      await hub.createEdgeDevice(`sensor-${i}`);
      await hub.updateDeviceTags(`sensor-${i}`, { role: 'sensor' });
    }
    copyFileSync(fileURLToPath(new URL('../../specs/models/text-orientation/model.onnx', import.meta.url)), join(dir, 'model.onnx'));
    const run = cliRunner({ cwd: dir, env: { ...process.env, ...az.env, EDGEML_APPLY_POLL_MS: '10', NO_COLOR: '1' } });
    writeFileSync(join(dir, 'v1.yaml'), spec(az.armUrl, { image: 'sensor:1.0' }));
    writeFileSync(join(dir, 'v2.yaml'), spec(az.armUrl, { image: 'sensor:2.0' }));
    writeFileSync(join(dir, 'plain.yaml'), spec(az.armUrl, { rollout: false }));

    const plan = await run(['plan', 'v1.yaml']);
    assert.is(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /Rollout: 2 rings, on a failed gate roll back\./);
    assert.match(plan.stdout, /1\. canary\s+25%\s+\d+ devices? now\s+gate: 1 reporting, at most 0% failed, wait 5s/);
    assert.match(plan.stdout, /2\. all\s+the whole fleet\s+12 devices now/);
    const planJson = JSON.parse((await run(['plan', 'v1.yaml', '--json'])).stdout);
    assert.equal(
      planJson.rollout.rings.map((r) => r.name),
      ['canary', 'all'],
    );

    const plain = await run(['rollout', 'plain.yaml']);
    assert.is(plain.code, 1);
    assert.match(plain.stderr, /EML6408/);

    const first = await run(['rollout', 'v1.yaml']);
    assert.is(first.code, 0, first.stderr + first.stdout);
    assert.match(first.stdout, /✓ ring 1\/2 'canary': health gate: passed/);
    assert.match(
      first.stdout,
      /Rollout of revision 1: succeeded: canary passed \(\d+\/\d+ healthy, \d+s\), all passed \(12\/12 healthy, \d+s\)\./,
    );
    const second = await run(['rollout', 'v2.yaml', '--json']);
    assert.is(second.code, 0, second.stderr + second.stdout);
    const report = JSON.parse(second.stdout);
    assert.equal(
      [report.rollout.outcome, report.rollout.revision, report.rollout.rings.map((r) => r.verdict.verdict)],
      ['succeeded', 2, ['pass', 'pass']],
    );
    assert.is(report.rollout.rings[1].targeted, 12);

    const history = await run(['history', 'v2.yaml']);
    assert.is(history.code, 0, history.stderr);
    assert.match(history.stdout, /^REV\s+KIND\s+STARTED \(UTC\)\s+CONTENT\s+RINGS\s+OUTCOME/);
    assert.match(history.stdout, /^1\s+rollout\s+\d{4}-\d\d-\d\d \S+\s+[0-9a-f]{12}\s+2\/2\s+succeeded\s*$/m);
    assert.match(history.stdout, /^2\s+rollout\s+.*2\/2\s+succeeded \(live\)/m);

    const back = await run(['rollback', 'v2.yaml', '--to', '1']);
    assert.is(back.code, 0, back.stderr + back.stdout);
    assert.match(back.stdout, /Rollback complete: revision 3 returns the fleet to revision 1/);
    assert.is(az.device.moduleTwin('sensor-1', '$edgeAgent').desired.modules.sensor.settings.image, 'localhost:5000/sensor:1.0');
    const json = JSON.parse((await run(['history', 'v2.yaml', '--json'])).stdout);
    assert.equal(
      json.revisions.map((r) => [r.revision, r.kind, r.outcome, r.live]),
      [
        [1, 'rollout', 'succeeded', true],
        [2, 'rollout', 'succeeded', false],
        [3, 'rollback', 'succeeded', true],
      ],
    );
    const bad = await run(['rollback', 'v2.yaml', '--to', 'two']);
    assert.is(bad.code, 2);
  } finally {
    await az.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
