// Ring conditions and health gates as pure functions: which devices a ring reaches (checked by evaluating the
// generated IoT Hub condition with the fixture hub's own query parser) and every gate verdict.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bucketOf, ringTargetCondition, reachesWholeFleet } from '../../dist/rollout/ring-conditions.js';
import { evaluateGate } from '../../dist/rollout/gate.js';
import { classifyAgent } from '../../dist/rollout/ring-health.js';
import { compileTargetCondition } from '../fixtures/azure/iothub-server.mjs';

const gate = (extra = {}) => ({ minDevices: 5, maxFailedPercent: 10, waitSeconds: 60, metrics: {}, ...extra });
const ring = (name, extra = {}) => ({ name, gate: gate(), ...extra });
const ids = Array.from({ length: 10_000 }, (_, i) => `device-${i}`);

test('buckets are stable and spread evenly: 10% of 10,000 ids land within ±1.5 points', () => {
  assert.is(bucketOf('cam-001'), bucketOf('cam-001'));
  const share = ids.filter((id) => bucketOf(id) < 100).length / ids.length;
  assert.ok(Math.abs(share - 0.1) < 0.015, `share ${share}`);
  assert.ok(ids.every((id) => Number.isInteger(bucketOf(id)) && bucketOf(id) >= 0 && bucketOf(id) < 1000));
});

test('cumulative ring conditions select the devices the hub would: each ring adds devices and keeps the earlier ones', () => {
  const rings = [ring('canary', { percent: 5 }), ring('lab', { condition: "tags.site='lab'" }), ring('half', { percent: 50 }), ring('all')];
  const rows = ids.slice(0, 2000).map((id, i) => ({
    deviceId: id,
    tags: { role: 'camera', site: i % 10 === 0 ? 'lab' : 'plant', edgeml: { rolloutBucket: bucketOf(id) } },
    capabilities: { iotEdge: true },
  }));
  const selected = rings.map((_, k) => {
    const condition = ringTargetCondition("tags.role='camera'", rings, k);
    const matches = compileTargetCondition(condition);
    return new Set(rows.filter(matches).map((r) => r.deviceId));
  });
  assert.is(ringTargetCondition("tags.role='camera'", rings, 0), "(tags.role='camera') AND (tags.edgeml.rolloutBucket < 50)");
  assert.is(
    ringTargetCondition("tags.role='camera'", rings, 2),
    "(tags.role='camera') AND (((tags.site='lab')) OR (tags.edgeml.rolloutBucket < 500))",
  );
  assert.is(ringTargetCondition("tags.role='camera'", rings, 3), "tags.role='camera'");
  for (let k = 1; k < selected.length; k++) {
    assert.ok(
      [...selected[k - 1]].every((id) => selected[k].has(id)),
      `ring ${k + 1} keeps ring ${k}'s devices`,
    );
    assert.ok(selected[k].size > selected[k - 1].size, `ring ${k + 1} adds devices`);
  }
  const expectedCanary = rows.filter((r) => r.tags.edgeml.rolloutBucket < 50).length;
  assert.is(selected[0].size, expectedCanary);
  assert.is(selected[3].size, rows.length);
  assert.equal(
    rings.map((_, k) => reachesWholeFleet(rings, k)),
    [false, false, false, true],
  );
  // A device without the bucket tag (added after tagging) stays out of share rings until the whole fleet.
  const untagged = { deviceId: 'new', tags: { role: 'camera' }, capabilities: { iotEdge: true } };
  assert.not.ok(compileTargetCondition(ringTargetCondition("tags.role='camera'", rings, 0))(untagged));
});

const health = (targeted, healthy, failed, metrics = {}) => ({ targeted, healthy, failed, metrics, failures: [] });

test('gate verdicts: wait, pass, early failure after minDevices, silent devices judged at the deadline, metrics', () => {
  const cases = [
    ['still converging', gate(), health(20, 3, 0), 1000, 'wait'],
    ['everyone healthy', gate(), health(20, 20, 0), 1000, 'pass'],
    ['failures under the limit', gate(), health(20, 18, 2), 1000, 'pass'],
    ['failures over the limit before minDevices reported: keep waiting', gate({ minDevices: 5 }), health(20, 0, 3), 1000, 'wait'],
    ['failures over the limit once minDevices reported: fail at once', gate({ minDevices: 5 }), health(20, 2, 3), 1000, 'fail'],
    ['deadline: silent devices count as failed', gate(), health(20, 16, 0), 61_000, 'fail'],
    ['deadline: few silent devices are within the limit', gate(), health(20, 18, 0), 61_000, 'pass'],
    ['deadline: too few reported', gate({ minDevices: 10 }), health(20, 9, 0), 61_000, 'fail'],
    ['deadline: the ring is smaller than minDevices', gate({ minDevices: 10 }), health(4, 4, 0), 61_000, 'fail'],
    ['empty ring keeps waiting until the deadline', gate({ minDevices: 0 }), health(0, 0, 0), 1000, 'wait'],
    ['custom metric over maxDevices', gate({ metrics: { errors: { maxDevices: 0 } } }), health(20, 20, 0, { errors: 1 }), 1000, 'fail'],
    ['custom metric over maxPercent', gate({ metrics: { errors: { maxPercent: 10 } } }), health(20, 20, 0, { errors: 3 }), 1000, 'fail'],
    [
      'custom metric not computed yet',
      gate({ metrics: { errors: { maxDevices: 0 } } }),
      health(20, 20, 0, { errors: undefined }),
      1000,
      'pass',
    ],
  ];
  for (const [name, g, h, elapsed, expected] of cases) assert.is(evaluateGate(g, h, elapsed).verdict, expected, name);
  assert.match(
    evaluateGate(gate(), health(20, 16, 0), 61_000).reason,
    /0 failed and 4 did not report within 60s \(20% of 20\); the gate allows 10%/,
  );
});

const agent = (desired, reported) => ({
  deviceId: 'd',
  etag: 'e',
  tags: {},
  configurations: {},
  desired: { $version: 3, ...desired },
  reported,
});
const modules = { detector: { type: 'docker', status: 'running', settings: { image: 'img:2' } } };

test('device health from the $edgeAgent twin (iotedge-facts §7.2)', () => {
  const ok = {
    lastDesiredVersion: 3,
    lastDesiredStatus: { code: 200 },
    modules: { detector: { runtimeStatus: 'running', settings: { image: 'img:2' } } },
  };
  assert.is(classifyAgent(agent({ modules }, ok)).kind, 'healthy');
  assert.is(classifyAgent(agent({ modules }, { ...ok, lastDesiredVersion: 2 })).kind, 'pending');
  const pull = classifyAgent(
    agent({ modules }, { lastDesiredVersion: 3, lastDesiredStatus: { code: 500, description: 'The operation was canceled' } }),
  );
  assert.equal(pull, { kind: 'failed', reason: 'edgeAgent reports code 500: The operation was canceled' });
  const crash = classifyAgent(
    agent(
      { modules },
      { ...ok, modules: { detector: { runtimeStatus: 'backoff', exitCode: 1, restartCount: 4, settings: { image: 'img:2' } } } },
    ),
  );
  assert.is(crash.kind, 'failed');
  assert.match(crash.reason, /module 'detector' is backoff, desired running \(exit code 1, restarts 4\)/);
  // Not created yet, or still the old image: pending, not failed.
  assert.is(classifyAgent(agent({ modules }, { ...ok, modules: {} })).kind, 'pending');
  assert.is(
    classifyAgent(agent({ modules }, { ...ok, modules: { detector: { runtimeStatus: 'running', settings: { image: 'img:1' } } } })).kind,
    'pending',
  );
});

test.run();
