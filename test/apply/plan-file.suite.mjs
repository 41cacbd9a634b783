// `edgeml plan --out FILE` then `edgeml apply FILE`: apply makes exactly the calls the saved plan lists, and refuses
// (before any write) when the spec, the state or what is live changed in between. Against the Azure fixtures; run
// through plan-file.test.mjs, which trusts their certificate.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mutatingRequests } from './_scenario.mjs';
import { withCli } from './_cli-workflow.mjs';

/** What a write request does, as `<plan resource kind>:<name>` or `deployment:<device>`; unknown writes stay visible. */
function classify(request) {
  const path = decodeURIComponent(request.path.split('?')[0]);
  const patterns = [
    [/\/resourcegroups\/([^/]+)$/i, 'resource-group'],
    [/\/Microsoft\.Devices\/IotHubs\/([^/]+)$/i, 'iot-hub'],
    [/\/Microsoft\.ContainerRegistry\/registries\/([^/]+)$/i, 'registry'],
    [/^\/devices\/([^/]+)$/, 'edge-device'],
    [/^\/twins\/([^/]+)$/, 'edge-device tags'],
    [/^\/devices\/([^/]+)\/applyConfigurationContent$/, 'deployment'],
  ];
  for (const [pattern, kind] of patterns) {
    const match = pattern.exec(path);
    if (match) return `${kind}:${match[1]}`;
  }
  return `${request.method} ${path}`;
}

/** The writes a saved plan stands for: its resource creates (a created device is tagged too) and one deployment. */
function expectedWrites(saved) {
  const writes = saved.plan.resources.filter((r) => r.action === 'create').map((r) => `${r.kind}:${r.name}`);
  if (writes.some((w) => w.startsWith('edge-device:'))) writes.push(`edge-device tags:${saved.plan.targetName}`);
  if (saved.plan.modules.length + saved.plan.routes.length + (saved.plan.settings ? 1 : 0) > 0)
    writes.push(`deployment:${saved.plan.targetName}`);
  return writes.sort();
}

const writesOf = (az) => [...new Set(mutatingRequests(az.requests).map(classify))].sort();

test('apply FILE makes exactly the calls the saved plan lists, and a plan of no changes makes none', async () => {
  await withCli(async ({ az, dir, spec, run }) => {
    const planned = await run(['plan', spec, '--out', 'first.plan']);
    assert.is(planned.code, 0, planned.stderr);
    assert.match(planned.stdout, /Saved this plan to first\.plan\. To carry out exactly these changes, run: edgeml apply first\.plan/);
    const saved = JSON.parse(readFileSync(join(dir, 'first.plan'), 'utf8'));
    assert.is(saved.format, 'edgeml-plan');
    assert.is(saved.state.serial, 0);
    assert.not.ok(JSON.stringify(saved).includes('sensor-token'), 'no secret value in the plan file');
    assert.equal(mutatingRequests(az.requests), [], 'plan --out writes nothing in Azure');

    const applied = await run(['apply', 'first.plan']);
    assert.is(applied.code, 0, applied.stderr + applied.stdout);
    assert.equal(writesOf(az), expectedWrites(saved));
    assert.equal(expectedWrites(saved), [
      'deployment:cli-edge',
      'edge-device tags:cli-edge',
      'edge-device:cli-edge',
      'iot-hub:cli-hub',
      'registry:cliacr12345',
      'resource-group:cli-rg',
    ]);

    const again = await run(['plan', spec, '--out', 'second.plan']);
    assert.match(again.stdout, /^No changes\./);
    az.requests.clear();
    const nothing = await run(['apply', 'second.plan']);
    assert.is(nothing.code, 0, nothing.stderr);
    assert.equal(writesOf(az), [], 'an empty plan makes no write');

    // The first plan was made against serial 0; the state has moved on since.
    az.requests.clear();
    const stale = await run(['apply', 'first.plan']);
    assert.is(stale.code, 1);
    assert.match(
      stale.stderr,
      /error EML6025: The state file .* has changed since the plan 'first\.plan' was made \(serial 0 then, \d+ now\)/,
    );
    assert.equal(writesOf(az), []);
  });
});

test('a spec change or a live change between plan and apply FILE is refused before any write', async () => {
  await withCli(async ({ az, dir, spec, run }) => {
    assert.is((await run(['apply', spec])).code, 0);
    const newImage = { SENSOR_IMAGE: 'mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5.1' };

    // What the spec renders changes (an env variable it reads), with the spec text untouched.
    assert.is((await run(['plan', spec, '--out', 'image.plan'], newImage)).code, 0);
    az.requests.clear();
    const rendered = await run(['apply', 'image.plan']);
    assert.is(rendered.code, 1);
    assert.match(
      rendered.stderr,
      /error EML6024: The spec '.*spec\.yaml', or what it renders to, has changed since the plan 'image\.plan' was made/,
    );
    assert.equal(writesOf(az), []);

    // The spec text changes.
    assert.is((await run(['plan', spec, '--out', 'text.plan'])).code, 0);
    const original = readFileSync(spec, 'utf8');
    writeFileSync(spec, original.replace('description: CLI test workflow', 'description: A changed CLI test workflow'));
    const edited = await run(['apply', 'text.plan']);
    assert.is(edited.code, 1);
    assert.match(edited.stderr, /error EML6024/);
    writeFileSync(spec, original);

    // Someone deletes the registry after the plan was made: the plan apply would carry out is no longer the approved one.
    assert.is((await run(['plan', spec, '--out', 'live.plan'], newImage)).code, 0);
    az.arm.registries.clear();
    az.requests.clear();
    const live = await run(['apply', 'live.plan'], newImage);
    assert.is(live.code, 1, live.stdout);
    assert.match(
      live.stderr + live.stdout,
      /error EML6026: What is live in Azure has changed since the plan 'live\.plan' was made: the plan now reads 'Plan: 1 to add, \d+ to change, 0 to destroy\.' where it read 'Plan: 0 to add, 1 to change, 0 to destroy\.'/,
    );
    assert.equal(writesOf(az), []);

    // A plan file that is not one is a clear error, not an attempt to read it as a spec.
    writeFileSync(join(dir, 'broken.plan'), JSON.stringify({ format: 'edgeml-plan', version: 1 }));
    const broken = await run(['apply', 'broken.plan']);
    assert.is(broken.code, 1);
    assert.match(broken.stderr, /error EML6023: The plan file 'broken\.plan' cannot be used: it is incomplete/);
    const withSet = await run(['apply', 'live.plan', '--set', 'name=x']);
    assert.is(withSet.code, 2);
  });
});

test.run();
