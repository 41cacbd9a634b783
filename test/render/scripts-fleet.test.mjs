// The fleet lifecycle of the compiled scripts, run for real against a fake `az` (test/fixtures/fake-az) that keeps a
// fake IoT Hub: step 4 leaves exactly one live deployment of the workflow after a change (the superseded one is
// deleted once the new one applied), and step 6 takes the modules off the targeted devices before deleting the
// deployments, leaving devices the fleet does not target alone. Both steps run twice: they are idempotent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fakeAz = fileURLToPath(new URL('../fixtures/fake-az/az.mjs', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'edgeml-fleet-'));
const out = join(work, 'out');
const hubDir = join(work, 'hub');
const bin = join(work, 'bin');

function compile(...sets) {
  const r = spawnSync(
    process.execPath,
    ['bin/edgeml.js', 'compile', 'specs/text-orientation.yaml', '--out', out, ...sets.flatMap((s) => ['--set', s])],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, REGISTRY_ADDRESS: 'registry.example.com', NO_COLOR: '1' },
    },
  );
  assert.is(r.status, 0, r.stdout + r.stderr);
  return JSON.parse(readFileSync(join(out, 'deployment.fleet.json'), 'utf8'));
}

function step(script, ...args) {
  const r = spawnSync('bash', [join(out, 'scripts', script), ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: work, FAKE_AZ_DIR: hubDir, EDGEML_DEPLOY_TIMEOUT: '5' },
  });
  assert.is(r.status, 0, `${script} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

const hub = () => JSON.parse(readFileSync(join(hubDir, 'hub.json'), 'utf8'));
const liveIds = () =>
  hub()
    .deployments.map((d) => d.id)
    .sort();
const calls = () => readFileSync(join(hubDir, 'calls'), 'utf8').trim().split('\n');
const recorded = () => {
  try {
    return readFileSync(join(out, 'scripts/.edgeml-created'), 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

const jq = spawnSync('jq', ['--version']);
if (jq.status !== 0) {
  console.log('NOTICE: jq is not installed; the fleet scripts cannot run here (skipped)');
  test.skip('steps 4 and 6 keep one live deployment per fleet and take the modules off at teardown', () => {});
} else {
  test.before(() => {
    mkdirSync(hubDir);
    mkdirSync(bin);
    writeFileSync(join(bin, 'az'), `#!/usr/bin/env bash\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(fakeAz)} "$@"\n`);
    chmodSync(join(bin, 'az'), 0o755);
    writeFileSync(
      join(hubDir, 'hub.json'),
      JSON.stringify({
        sequence: 0,
        deployments: [],
        devices: {
          'scanner-1': { tags: { role: 'scanner' }, modules: [] },
          'scanner-2': { tags: { role: 'scanner' }, modules: [] },
          'printer-1': { tags: { role: 'printer' }, modules: ['spooler'] },
        },
      }),
    );
  });

  test('steps 4 and 6 keep one live deployment per fleet and take the modules off at teardown', () => {
    const first = compile();
    step('04-deploy.sh');
    step('04-deploy.sh');
    assert.equal(liveIds(), [first.id], 'a re-run creates nothing new');
    assert.equal(hub().devices['scanner-1'].modules, ['orientation', 'scanner']);

    // A change gives a new content-hashed deployment; the superseded one goes once the new one applied.
    const second = compile('modules.orientation.concurrency=3');
    assert.is.not(second.id, first.id);
    step('04-deploy.sh');
    const output = step('04-deploy.sh');
    assert.equal(liveIds(), [second.id], 'one live deployment after a change');
    assert.equal(recorded(), [`deployment ${second.id}`]);
    assert.match(output, /already exists/);
    const deletedFirst = calls().findIndex((c) => c.startsWith(`iot|edge|deployment|delete|`) && c.includes(`|${first.id}|`));
    const createdSecond = calls().findIndex((c) => c.startsWith('iot|edge|deployment|create|') && c.includes(`|${second.id}|`));
    assert.ok(createdSecond >= 0 && deletedFirst > createdSecond, 'the old deployment is deleted only after the new one exists');

    // Teardown: a runtime-only deployment takes the modules off, then every deployment is deleted.
    step('06-teardown.sh', '--yes');
    const again = step('06-teardown.sh', '--yes');
    assert.match(again, /lists nothing/);
    assert.equal(liveIds(), [], 'no deployment is left');
    assert.equal(recorded(), []);
    const devices = hub().devices;
    assert.equal(devices['scanner-1'].modules, [], 'no modules left on a targeted device');
    assert.equal(devices['scanner-2'].modules, []);
    assert.equal(devices['printer-1'].modules, ['spooler'], 'a device the fleet does not target is untouched');
    const log = calls();
    const teardown = `${second.id.replace(/-[0-9a-f]{12}$/, '')}-teardown`;
    const createTeardown = log.findIndex((c) => c.startsWith('iot|edge|deployment|create|') && c.includes(`|${teardown}|`));
    const deleteSecond = log.findIndex((c) => c.startsWith('iot|edge|deployment|delete|') && c.includes(`|${second.id}|`));
    const deleteTeardown = log.findIndex((c) => c.startsWith('iot|edge|deployment|delete|') && c.includes(`|${teardown}|`));
    assert.ok(createTeardown >= 0 && createTeardown < deleteSecond && deleteSecond < deleteTeardown, log.join('\n'));
    const content = hub().deployments.length === 0 && log[createTeardown];
    assert.ok(content, 'the runtime-only deployment was created with a target condition');
    assert.ok(log[createTeardown].includes("|--target-condition|tags.role='scanner'|"), log[createTeardown]);
  });

  test.after(() => rmSync(work, { recursive: true, force: true }));
}

test.run();
