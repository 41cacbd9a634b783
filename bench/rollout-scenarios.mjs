// The scenarios of bench/rollout.mjs (run through runTrusted). Each scenario starts from a fleet that already runs
// v1, then applies v2 under the scenario's device behaviour, counting the IoT Hub requests of that step alone.
import { createProgress } from '../dist/apply/progress.js';
import { readState, writeState } from '../dist/apply/state.js';
import { historyPath } from '../dist/rollout/history.js';
import { runRollback } from '../dist/rollout/rollback.js';
import { resolveContent } from '../dist/plan/secrets.js';
import { apiKeyEnv, apiKeyValue, makeProgressLog } from '../test/apply/_scenario.mjs';
import { desiredVersion, startFleet, threeRings, withinPercent } from '../test/rollout/_fleet.mjs';

const devices = Number(process.env.EDGEML_BENCH_DEVICES ?? 100);
const ringOf = (id) => (withinPercent(id, 10) ? 'canary' : withinPercent(id, 50) ? 'half' : 'rest');

async function scenario(name, { rollout = threeRings({ waitSeconds: 2 }), fresh = false, prepare = () => {}, step } = {}) {
  const fleet = await startFleet({ devices });
  try {
    if (!fresh) {
      const first = await fleet.apply(desiredVersion('v1', rollout ?? undefined));
      if (!first.outcome.ok) throw new Error(`${name}: v1 did not roll out: ${first.log}`);
    }
    await prepare(fleet);
    fleet.az.requests.clear();
    const started = Date.now();
    const result = await step(fleet, rollout);
    const calls = fleet.calls();
    return { name, ...result, ...calls, seconds: (Date.now() - started) / 1000 };
  } finally {
    await fleet.close();
  }
}

const applyVersion = (version) => async (fleet, rollout) => {
  const { outcome } = await fleet.apply(desiredVersion(version, rollout ?? undefined));
  const r = outcome.rollout;
  return {
    outcome: r ? r.outcome : outcome.ok ? 'succeeded' : 'failed',
    rings: r ? `${r.rings.filter((x) => x.verdict.verdict === 'pass').length}/${rollout.rings.length}` : '-',
  };
};
const applyV2 = applyVersion('v2');

const rows = [];
// Baseline: the same v1 → v2 update applied to every device at once (no rollout section).
rows.push(await scenario('all at once (no rings), baseline', { rollout: null, step: applyV2 }));
rows.push(await scenario('healthy, 3 rings', { step: applyV2 }));
rows.push(await scenario('first rollout, 3 rings (writes bucket tags)', { fresh: true, step: applyVersion('v1') }));
rows.push(
  await scenario('ring 2 image pulls fail → rollback', {
    prepare: (f) =>
      f.ids
        .filter((id) => ringOf(id) === 'half')
        .forEach((id) => f.az.device.setBehavior(id, { delayMs: 5, agentStatus: { code: 500, description: 'image pull failed' } })),
    step: applyV2,
  }),
);
rows.push(
  await scenario('canary crash-loop → rollback', {
    prepare: (f) =>
      f.ids
        .filter((id) => ringOf(id) === 'canary')
        .slice(0, 1)
        .forEach((id) => f.az.device.setBehavior(id, { delayMs: 5, failModule: { name: 'detector', runtimeStatus: 'backoff' } })),
    step: applyV2,
  }),
);
rows.push(
  await scenario('ring 2 devices silent → halt', {
    rollout: threeRings({ onFailure: 'halt', waitSeconds: 2 }),
    prepare: (f) =>
      f.ids
        .filter((id) => ringOf(id) === 'half')
        .filter((_, i) => i % 3 === 0)
        .forEach((id) => f.az.device.setBehavior(id, { offline: true })),
    step: applyV2,
  }),
);
rows.push(
  await scenario('unchanged re-run', {
    step: async (fleet, rollout) =>
      applyV2(fleet, rollout).then(() => {
        fleet.az.requests.clear();
        return applyV2(fleet, rollout);
      }),
  }),
);
rows.push(
  await scenario('rollback --to 1 after v2', {
    step: async (fleet, rollout) => {
      await applyV2(fleet, rollout);
      fleet.az.requests.clear();
      const state = readState(fleet.tmp.state, 'wf');
      const result = await runRollback({
        hub: fleet.hub,
        target: desiredVersion('v2', rollout).azure.deployment,
        state,
        saveState: () => writeState(fleet.tmp.state, state),
        historyFile: historyPath(fleet.tmp.state),
        progress: createProgress(makeProgressLog().stream),
        resolve: async (content) =>
          resolveContent(content, { env: { [apiKeyEnv]: apiKeyValue, EDGEML_REGISTRY_USERNAME: 'u', EDGEML_REGISTRY_PASSWORD: 'p' } })
            .content,
        to: 1,
        timeoutMs: 5000,
        intervalMs: 20,
      });
      return { outcome: `back to revision ${result.rolledBackTo}`, rings: '-' };
    },
  }),
);

const baseline = rows[0];
const header = ['scenario', 'outcome', 'rings', 'REST calls', 'mutating', 'calls vs baseline', 'seconds'];
const table = rows.map((r) => [
  r.name,
  r.outcome,
  r.rings,
  String(r.rest),
  String(r.mutating),
  `${(r.rest / baseline.rest).toFixed(2)}x`,
  r.seconds.toFixed(1),
]);
console.log(`Rollout scenarios on ${devices} devices (each from a fleet running v1; the step's IoT Hub requests only):\n`);
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map(() => '---').join(' | ')} |`);
for (const row of table) console.log(`| ${row.join(' | ')} |`);
