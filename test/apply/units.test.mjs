// Apply stage, pure and local parts: the state file (atomic, versioned, ownership rules), the convergence
// predicate of iotedge-facts §7.2, the progress display, and the destroy order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { emptyState, hasCreatedResources, readState, recordResource, statePath, writeState, StateError } from '../../dist/apply/state.js';
import { evaluateConvergence, waitForConvergence } from '../../dist/apply/convergence.js';
import { createProgress } from '../../dist/apply/progress.js';
import { destroyList } from '../../dist/apply/destroy.js';
import { tempDir } from './_scenario.mjs';

test('state: default path is .edgeml/state/<name>.json next to the spec; --state wins', () => {
  assert.is(statePath('specs/a.yaml', 'wf', undefined, '/w'), '/w/specs/.edgeml/state/wf.json');
  assert.is(statePath('specs/a.yaml', 'wf', 'my.json', '/w'), '/w/my.json');
});

test('state: written atomically with mode 600, read back, unknown versions and bad JSON refused', () => {
  const tmp = tempDir('edgeml-state-');
  try {
    assert.equal(readState(tmp.state, 'wf'), emptyState('wf'));
    const state = {
      ...emptyState('wf'),
      device: { name: 'd', created: true },
      images: { m: { ref: 'r:1', digest: 'sha256:x', contextHash: 'h' } },
    };
    writeState(tmp.state, state, new Date('2026-01-01T00:00:00Z'));
    const back = readState(tmp.state, 'wf');
    assert.equal(back.device, { name: 'd', created: true });
    assert.is(back.updatedAt, '2026-01-01T00:00:00.000Z');
    assert.is(statSync(tmp.state).mode & 0o777, 0o600);
    assert.equal(readdirSync(dirname(tmp.state)), ['wf.json'], 'no temp file left behind');
    writeFileSync(tmp.state, JSON.stringify({ version: 99 }));
    assert.throws(
      () => readState(tmp.state, 'wf'),
      (e) => e instanceof StateError && e.kind === 'version',
    );
    writeFileSync(tmp.state, '{"version":1,');
    assert.throws(
      () => readState(tmp.state, 'wf'),
      (e) => e instanceof StateError && e.kind === 'unreadable',
    );
  } finally {
    tmp.cleanup();
  }
});

test('state: "created" is sticky, and an interrupted create counts as edgeml\'s', () => {
  assert.equal(recordResource(undefined, { name: 'rg', created: false }), { name: 'rg', created: false });
  assert.equal(recordResource({ name: 'rg', created: true }, { name: 'rg', id: '/x', created: false }), {
    name: 'rg',
    id: '/x',
    created: true,
  });
  assert.equal(recordResource({ name: 'rg', created: false, creating: true }, { name: 'rg', created: false }), {
    name: 'rg',
    created: true,
  });
  // A record for another name says nothing about this one.
  assert.equal(recordResource({ name: 'old', created: true }, { name: 'rg', created: false }), { name: 'rg', created: false });
  assert.not.ok(hasCreatedResources({ ...emptyState('wf'), resourceGroup: { name: 'rg', created: false } }));
  assert.ok(hasCreatedResources({ ...emptyState('wf'), configurations: ['c-0123456789ab'] }));
});

test('destroy order is the reverse of creation and lists only what edgeml created', () => {
  const state = {
    ...emptyState('wf'),
    resourceGroup: { name: 'rg', created: false },
    iotHub: { name: 'hub', created: true },
    registry: { name: 'acr', created: false, creating: true },
    device: { name: 'd', created: true },
    configurations: ['c-0123456789ab'],
  };
  assert.equal(
    destroyList(state).map((i) => `${i.kind} ${i.name}`),
    ['deployment c-0123456789ab', 'edge device d', 'container registry acr', 'IoT hub hub'],
  );
});

function twins({ desiredVersion = 3, lastVersion = 3, code = 200, modules = {}, reportedModules = {}, hubCode = 200, hubLast = 2 } = {}) {
  return {
    agent: {
      desired: {
        $version: desiredVersion,
        systemModules: { edgeAgent: { settings: { image: 'agent:1.5' } }, edgeHub: { status: 'running', settings: { image: 'hub:1.5' } } },
        modules,
      },
      reported: {
        lastDesiredVersion: lastVersion,
        lastDesiredStatus: { code, description: code === 200 ? '' : 'bad' },
        systemModules: {
          edgeAgent: { runtimeStatus: 'running', settings: { image: 'agent:1.5' } },
          edgeHub: { runtimeStatus: 'running', settings: { image: 'hub:1.5' } },
        },
        modules: reportedModules,
      },
    },
    hub: { desired: { $version: 2 }, reported: { lastDesiredVersion: hubLast, lastDesiredStatus: { code: hubCode } } },
  };
}

const mod = (image, status = 'running') => ({ status, settings: { image } });
const rep = (image, runtimeStatus = 'running', extra = {}) => ({ runtimeStatus, settings: { image }, ...extra });

test('convergence: all four conditions of §7.2 hold', () => {
  const t = twins({ modules: { a: mod('a:1'), b: mod('b:1', 'stopped') }, reportedModules: { a: rep('a:1'), b: rep('b:1', 'stopped') } });
  const r = evaluateConvergence(t.agent, t.hub);
  assert.ok(r.converged, r.problems.join('; '));
  assert.equal(
    r.modules.map((m) => [m.name, m.ok]),
    [
      ['edgeAgent', true],
      ['edgeHub', true],
      ['a', true],
      ['b', true],
    ],
  );
});

test('convergence: each unmet condition is reported and blocks convergence', () => {
  const cases = [
    [{ lastVersion: 2 }, /edgeAgent has not processed desired version 3 yet \(last 2\)/],
    [{ code: 500 }, /edgeAgent reports code 500: bad/],
    [{ modules: { a: mod('a:2') }, reportedModules: { a: rep('a:1') } }, /module 'a' runs image a:1, desired a:2/],
    [
      {
        modules: { a: mod('a:1') },
        reportedModules: { a: rep('a:1', 'backoff', { exitCode: 1, restartCount: 4, statusDescription: 'boom' }) },
      },
      /module 'a' is backoff, desired running \(exit code 1, restarts 4\): boom/,
    ],
    [{ modules: { a: mod('a:1') } }, /module 'a' is not reported yet/],
    [{ hubCode: 400 }, /edgeHub reports code 400/],
    [{ hubLast: 1 }, /edgeHub has not processed desired version 2 yet/],
  ];
  for (const [input, pattern] of cases) {
    const t = twins(input);
    const r = evaluateConvergence(t.agent, t.hub);
    assert.not.ok(r.converged, JSON.stringify(input));
    assert.match(r.problems.join('\n'), pattern);
  }
  const rejected = twins({ code: 412 });
  assert.ok(evaluateConvergence(rejected.agent, rejected.hub).rejected);
});

test('waitForConvergence polls until converged and stops at the timeout', async () => {
  let now = 0;
  const clock = { now: () => now, sleep: async (ms) => void (now += ms) };
  let reads = 0;
  const good = twins();
  const late = twins({ lastVersion: 2 });
  const done = await waitForConvergence(async () => (++reads < 3 ? late : good), { timeoutMs: 1000, intervalMs: 100, clock });
  assert.ok(done.converged);
  assert.is(reads, 3);
  now = 0;
  const timedOut = await waitForConvergence(async () => late, { timeoutMs: 1000, intervalMs: 100, clock });
  assert.ok(timedOut.timedOut);
  assert.ok(now <= 1000);
});

test('progress: one plain line per step with ✓/✗/– and the time; live line rewrites on a terminal', async () => {
  let t = 0;
  const out = [];
  const progress = createProgress({ write: (s) => out.push(s), isTTY: false }, { now: () => t });
  await progress.step('first', async (c) => {
    c.update('ignored when not a tty');
    t += 1500;
    c.done('created');
  });
  await progress
    .step('second', async () => {
      t += 12_345;
      throw new Error('x');
    })
    .catch(() => {});
  progress.skip('third', 'unchanged');
  assert.is(out.join(''), '✓ first: created (1.5s)\n✗ second (12s)\n– third (unchanged)\n');
  const tty = [];
  const live = createProgress({ write: (s) => tty.push(s), isTTY: true }, { now: () => 0 });
  await live.step('build', async (c) => c.update('step 1/3'));
  assert.equal(tty, ['… build', '\r\x1b[K… build: step 1/3', '\r\x1b[K✓ build (0.0s)\n']);
});

test('a corrupt or unknown-version state file stops apply before any call; no subscription is EML6005', async () => {
  const { runApply } = await import('../../dist/apply/apply.js');
  const { createAzureProviders } = await import('../../dist/apply/azure-providers.js');
  const { makeDesired } = await import('./_scenario.mjs');
  const tmp = tempDir('edgeml-state-bad-');
  const untouchable = new Proxy(
    {},
    {
      get: (_t, name) => {
        if (name === 'then') return undefined;
        throw new Error(`provider used: ${String(name)}`);
      },
    },
  );
  try {
    mkdirSync(dirname(tmp.state), { recursive: true });
    for (const [text, code] of [
      ['{ nope', 'EML6001'],
      ['{"version":7}', 'EML6002'],
    ]) {
      writeFileSync(tmp.state, text);
      const outcome = await runApply({
        desired: makeDesired(),
        providers: { arm: untouchable, iotHub: async () => untouchable },
        docker: async () => untouchable,
        statePath: tmp.state,
        env: {},
        progress: createProgress({ write: () => true }),
        stdout: { write: () => true },
        timeoutMs: 10,
        pollIntervalMs: 1,
      });
      assert.equal(
        outcome.diagnostics.map((d) => d.code),
        [code],
      );
    }
  } finally {
    tmp.cleanup();
  }
  let error;
  try {
    await createAzureProviders(makeDesired().azure, { env: {} });
  } catch (e) {
    error = e;
  }
  assert.is(error?.diagnostic?.code, 'EML6005');
});

test.run();
