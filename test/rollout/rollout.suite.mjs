// Rollout scenarios on a 100-device fleet (run through rollout.test.mjs): a healthy rollout over three rings, a
// failure in ring 2 rolled back with ring-1 devices back on the old content, halt, silent devices, kill -9 and resume,
// rollback to a named revision.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createProgress } from '../../dist/apply/progress.js';
import { readState, writeState } from '../../dist/apply/state.js';
import { historyPath, readHistory } from '../../dist/rollout/history.js';
import { runRollback } from '../../dist/rollout/rollback.js';
import { resolveContent } from '../../dist/plan/secrets.js';
import { apiKeyEnv, apiKeyValue, makeProgressLog } from '../apply/_scenario.mjs';
import { desiredVersion, startFleet, threeRings, withinPercent } from './_fleet.mjs';

const env = { [apiKeyEnv]: apiKeyValue, EDGEML_REGISTRY_USERNAME: 'u', EDGEML_REGISTRY_PASSWORD: 'p' };

async function withFleet(fn) {
  const fleet = await startFleet();
  try {
    await fn(fleet);
  } finally {
    await fleet.close();
  }
}

function rollback(fleet, desired, to) {
  const log = makeProgressLog();
  const state = readState(fleet.tmp.state, 'wf');
  return runRollback({
    hub: fleet.hub,
    target: desired.azure.deployment,
    state,
    saveState: () => writeState(fleet.tmp.state, state),
    historyFile: historyPath(fleet.tmp.state),
    progress: createProgress(log.stream),
    resolve: async (content) => resolveContent(content, { env }).content,
    to,
    timeoutMs: 5000,
    intervalMs: 20,
  });
}

const history = (fleet) => readHistory(historyPath(fleet.tmp.state), 'wf').revisions;
const ringOf = (id) => (withinPercent(id, 10) ? 'canary' : withinPercent(id, 50) ? 'half' : 'rest');

test('healthy rollout: three rings widen 10 → ~50 → 100 devices, the old deployment retires, a re-run writes nothing', async () => {
  await withFleet(async (fleet) => {
    const v1 = desiredVersion('v1', threeRings());
    const first = await fleet.apply(v1);
    assert.ok(first.outcome.ok, first.log + JSON.stringify(first.outcome.diagnostics));
    assert.is(first.outcome.rollout.outcome, 'succeeded');

    const v2 = desiredVersion('v2', threeRings());
    fleet.az.requests.clear();
    const second = await fleet.apply(v2);
    assert.ok(second.outcome.ok, second.log + JSON.stringify(second.outcome.diagnostics));
    const rings = second.outcome.rollout.rings;
    assert.equal(
      rings.map((r) => [r.ring, r.verdict.verdict]),
      [
        ['canary', 'pass'],
        ['half', 'pass'],
        ['all', 'pass'],
      ],
    );
    const expected = [fleet.ids.filter((id) => withinPercent(id, 10)).length, fleet.ids.filter((id) => withinPercent(id, 50)).length, 100];
    assert.equal(
      rings.map((r) => r.health.targeted),
      expected,
    );
    assert.ok(expected[0] >= 3 && expected[0] < 25 && expected[1] > 30 && expected[1] < 70, `ring sizes ${expected}`);
    assert.equal(second.outcome.rollout.retired, [v1.configurationId]);
    assert.equal(fleet.ownDeployments(), [v2.configurationId]);
    for (const id of fleet.ids) assert.is(fleet.image(id), 'edgemltestacr.azurecr.io/wf/detector:v2', id);
    assert.is(fleet.image('not-a-camera'), undefined);
    assert.equal(
      history(fleet).map((r) => [r.revision, r.outcome, r.ringsPassed]),
      [
        [1, 'succeeded', 3],
        [2, 'succeeded', 3],
      ],
    );
    // Buckets were written once (first rollout); the second wrote no tags.
    assert.is(fleet.az.requests.where({ server: 'hub', method: 'PATCH', path: /^\/twins\// }).length, 0);

    fleet.az.requests.clear();
    const again = await fleet.apply(v2);
    assert.is(again.outcome.rollout.outcome, 'unchanged');
    assert.is(fleet.calls().mutating, 0);
  });
});

test('a ring-2 failure above the threshold rolls back: ring-1 devices return to the old content', async () => {
  await withFleet(async (fleet) => {
    const v1 = desiredVersion('v1', threeRings());
    assert.ok((await fleet.apply(v1)).outcome.ok);
    // Image pulls fail on the devices ring 2 adds (edgeAgent reports 500, as iotedge-facts §7.1 describes).
    const failing = fleet.ids.filter((id) => ringOf(id) === 'half');
    for (const id of failing)
      fleet.az.device.setBehavior(id, { delayMs: 5, agentStatus: { code: 500, description: 'image pull failed: manifest unknown' } });

    const v2 = desiredVersion('v2', threeRings());
    const { outcome, log } = await fleet.apply(v2);
    assert.not.ok(outcome.ok);
    assert.is(outcome.diagnostics[0].code, 'EML6401', log);
    assert.match(outcome.diagnostics[0].message, /ring 'half'/);
    assert.is(outcome.rollout.outcome, 'rolled-back');
    assert.equal(
      outcome.rollout.rings.map((r) => [r.ring, r.verdict.verdict]),
      [
        ['canary', 'pass'],
        ['half', 'fail'],
      ],
    );
    assert.equal(fleet.ownDeployments(), [v1.configurationId]);
    const canary = fleet.ids.filter((id) => ringOf(id) === 'canary');
    assert.ok(canary.length > 0);
    // Every device, the canary ones that ran v2 included, is told v1 again.
    await waitFor(() => fleet.ids.every((id) => fleet.image(id) === 'edgemltestacr.azurecr.io/wf/detector:v1'));
    const last = history(fleet).at(-1);
    assert.equal([last.revision, last.outcome, last.ringsPassed], [2, 'rolled-back', 1]);
    assert.match(last.reason, /half/);
    assert.equal(readState(fleet.tmp.state, 'wf').configurations, [v1.configurationId]);
  });
});

test('halt keeps the rings reached; devices that go silent count as failed; rollback then returns everyone', async () => {
  await withFleet(async (fleet) => {
    const v1 = desiredVersion('v1', threeRings({ onFailure: 'halt', waitSeconds: 1 }));
    assert.ok((await fleet.apply(v1)).outcome.ok);
    // A third of ring 2's new devices go offline: they never report the new deployment.
    const silent = fleet.ids.filter((id) => ringOf(id) === 'half').filter((_, i) => i % 3 === 0);
    for (const id of silent) fleet.az.device.setBehavior(id, { offline: true });
    const v2 = desiredVersion('v2', threeRings({ onFailure: 'halt', waitSeconds: 1 }));
    const { outcome, log } = await fleet.apply(v2);
    assert.is(outcome.diagnostics[0].code, 'EML6402', log);
    assert.match(outcome.diagnostics[0].message, /did not report within 1s/);
    assert.equal(fleet.ownDeployments(), [v1.configurationId, v2.configurationId].sort());
    assert.is(history(fleet).at(-1).outcome, 'halted');

    const result = await rollback(fleet, v2);
    assert.equal([result.rolledBackTo, result.recreated, result.deleted], [1, false, [v2.configurationId]]);
    assert.equal(fleet.ownDeployments(), [v1.configurationId]);
    await waitFor(() => fleet.ids.every((id) => fleet.image(id) === 'edgemltestacr.azurecr.io/wf/detector:v1'));
    assert.equal(
      history(fleet).map((r) => [r.revision, r.kind, r.outcome]),
      [
        [1, 'rollout', 'succeeded'],
        [2, 'rollout', 'rolled-back'],
        [3, 'rollback', 'succeeded'],
      ],
    );
  });
});

test('a crash-looping module in the canary ring stops the rollout before ring 2', async () => {
  await withFleet(async (fleet) => {
    assert.ok((await fleet.apply(desiredVersion('v1', threeRings()))).outcome.ok);
    for (const id of fleet.ids.filter((id) => ringOf(id) === 'canary').slice(0, 1)) {
      fleet.az.device.setBehavior(id, {
        delayMs: 5,
        failModule: { name: 'detector', runtimeStatus: 'backoff', exitCode: 139, statusDescription: 'exited with 139' },
      });
    }
    const { outcome } = await fleet.apply(desiredVersion('v2', threeRings()));
    assert.equal(
      outcome.rollout.rings.map((r) => [r.ring, r.verdict.verdict]),
      [['canary', 'fail']],
    );
    assert.match(outcome.rollout.rings[0].health.failures[0], /module 'detector' is backoff, desired running \(exit code 139/);
    assert.ok(
      fleet.ids.filter((id) => ringOf(id) !== 'canary').every((id) => fleet.image(id) === 'edgemltestacr.azurecr.io/wf/detector:v1'),
    );
  });
});

test('kill -9 in the middle of ring 2, then a re-run resumes at ring 2 and finishes without creating the deployment again', async () => {
  await withFleet(async (fleet) => {
    assert.ok((await fleet.apply(desiredVersion('v1', threeRings()))).outcome.ok);
    // Ring 2's new devices take a while, so the child is still judging ring 2 when it is killed.
    for (const id of fleet.ids.filter((id) => ringOf(id) === 'half')) fleet.az.device.setBehavior(id, { delayMs: 1500 });
    const file = historyPath(fleet.tmp.state);
    const child = spawn(
      process.execPath,
      [
        fileURLToPath(new URL('./_apply-child.mjs', import.meta.url)),
        JSON.stringify({
          az: { armUrl: fleet.az.armUrl, authorityHost: fleet.az.authorityHost, subscriptionId: fleet.az.subscriptionId },
          statePath: fleet.tmp.state,
          version: 'v2',
          env: { ...fleet.az.env, ...env },
        }),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    const v2 = desiredVersion('v2', threeRings());
    // Killed while it judges ring 2: the history says so and the deployment already reaches ring 2 (bucket < 500).
    await waitFor(
      () =>
        existsSync(file) &&
        readHistory(file, 'wf').revisions.at(-1)?.ringIndex === 1 &&
        / < 500\)$/.test(fleet.az.configurations.get(v2.configurationId)?.targetCondition ?? ''),
      20_000,
      () => output,
    );
    child.kill('SIGKILL');
    assert.is(await exited, 'SIGKILL');
    assert.equal(
      fleet.ownDeployments(),
      [desiredVersion('v1', threeRings()).configurationId, v2.configurationId].sort(),
      'both deployments live at the kill',
    );

    const createdAt = fleet.az.configurations.get(v2.configurationId).createdTimeUtc;
    for (const id of fleet.ids) fleet.az.device.setBehavior(id, { delayMs: 5 });
    fleet.az.requests.clear();
    const resumed = await fleet.apply(v2);
    assert.ok(resumed.outcome.ok, resumed.log + JSON.stringify(resumed.outcome.diagnostics));
    assert.match(resumed.log, /Resuming revision 2 at ring 2 of 3/);
    assert.equal(
      resumed.outcome.rollout.rings.map((r) => r.ring),
      ['half', 'all'],
    );
    assert.match(resumed.log, /ring 2\/3 'half': deployment \S+: already reaches the ring/);
    assert.equal(fleet.ownDeployments(), [v2.configurationId]);
    assert.is(
      fleet.az.configurations.get(v2.configurationId).createdTimeUtc,
      createdAt,
      'the deployment of the killed run was kept, not created again',
    );
    // One widening (ring 3) and one retirement: ring 2's condition was already in place.
    assert.is(fleet.az.requests.where({ server: 'hub', method: 'PUT', path: /^\/configurations\// }).length, 1, resumed.log);
    assert.equal(
      history(fleet).map((r) => [r.revision, r.outcome, r.ringsPassed]),
      [
        [1, 'succeeded', 3],
        [2, 'succeeded', 3],
      ],
    );
  });
});

test('rollback --to a revision whose deployment is gone deploys its recorded content again, then removes the newer one', async () => {
  await withFleet(async (fleet) => {
    const v1 = desiredVersion('v1', threeRings());
    const v2 = desiredVersion('v2', threeRings());
    assert.ok((await fleet.apply(v1)).outcome.ok);
    assert.ok((await fleet.apply(v2)).outcome.ok);
    assert.equal(fleet.ownDeployments(), [v2.configurationId]);
    const result = await rollback(fleet, v2, 1);
    assert.equal([result.rolledBackTo, result.recreated, result.deleted], [1, true, [v2.configurationId]]);
    assert.equal(fleet.ownDeployments(), [v1.configurationId]);
    await waitFor(() => fleet.ids.every((id) => fleet.image(id) === 'edgemltestacr.azurecr.io/wf/detector:v1'));
    // Secrets were resolved again from the environment, never stored: the history holds only references.
    const text = readFileSync(historyPath(fleet.tmp.state), 'utf8');
    assert.not.ok(text.includes(apiKeyValue));
    assert.ok(text.includes('${' + apiKeyEnv + '}'));
    assert.is(fleet.az.device.moduleTwin(fleet.ids[0], '$edgeAgent').desired.modules.detector.env.API_KEY.value, apiKeyValue);
    let error;
    try {
      await rollback(fleet, v2, 9);
    } catch (e) {
      error = e;
    }
    assert.is(error?.diagnostic?.code, 'EML6406');
  });
});

async function waitFor(predicate, timeoutMs = 5000, describe = () => '') {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test.run();
