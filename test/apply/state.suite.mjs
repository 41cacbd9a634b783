// The state file edgeml can trust: every malformed file is a located diagnostic (never an internal error), old
// formats are migrated, concurrent applies are refused by the lock instead of interleaving, a lock left by a killed
// run is taken over, and `edgeml state recover` rebuilds a lost file from the ownership tags so destroy still removes
// everything. Against the Azure fixtures; run through state.test.mjs, which trusts their certificate.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { root, withCli } from './_cli-workflow.mjs';

const statePath = (dir) => join(dir, '.edgeml/state/cli-wf.json');

test('every malformed state file is a located error from plan, apply and destroy, and nothing is called', async () => {
  await withCli(async ({ az, dir, spec, run }) => {
    const cases = [
      { name: 'null', text: 'null\n', code: 'EML6020', at: '1:1', says: /must be a JSON object, not null/ },
      { name: 'a list', text: '[]\n', code: 'EML6020', at: '1:1', says: /not a list/ },
      {
        name: 'wrong type',
        text: '{\n  "version": 2,\n  "serial": 3,\n  "workflow": "cli-wf",\n  "iotHub": { "name": "cli-hub", "created": "yes" }\n}\n',
        code: 'EML6020',
        at: '5:45',
        says: /'iotHub\.created' must be true or false/,
      },
      {
        name: 'wrong list item',
        text: '{"version":2,"workflow":"cli-wf","configurations":["a",7]}',
        code: 'EML6020',
        at: '1:56',
        says: /'configurations\.1' must be a non-empty string/,
      },
      {
        name: 'unknown field',
        text: '{"version":2,"workflow":"cli-wf","resources":{}}',
        code: 'EML6020',
        at: '1:46',
        says: /'resources' is not a field/,
      },
      {
        name: 'truncated',
        text: '{\n  "version": 2,\n  "workflow": "cli-wf",\n  "device": { "name": "cli-e',
        code: 'EML6001',
        at: '4:',
        says: /not valid JSON/,
      },
      { name: 'unknown version', text: '{"version":9,"workflow":"cli-wf"}', code: 'EML6002', at: '1:12', says: /format version '9'/ },
      { name: 'a folder', folder: true, code: 'EML6001', at: '', says: /it is a folder/ },
    ];
    for (const c of cases) {
      rmSync(statePath(dir), { recursive: true, force: true });
      mkdirSync(join(dir, '.edgeml/state'), { recursive: true });
      if (c.folder) mkdirSync(statePath(dir));
      else writeFileSync(statePath(dir), c.text);
      az.requests.clear();
      for (const command of [
        ['plan', spec],
        ['apply', spec],
        ['destroy', spec, '--yes'],
      ]) {
        const result = await run(command);
        const what = `${command[0]} with a state file that is ${c.name}: ${result.stderr}`;
        assert.is(result.code, 1, what);
        assert.not.match(result.stderr, /internal error|TypeError|at .*\.js:\d+/i, what);
        assert.match(
          result.stderr,
          new RegExp(`${statePath(dir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${c.at ? `:${c.at}` : ''}.* - error ${c.code}: `),
          what,
        );
        assert.match(result.stderr, c.says, what);
        if (c.code !== 'EML6002') assert.match(result.stderr, /edgeml state recover/, `${what}: the hint offers recovery, not deletion`);
      }
      const writes = az.requests.filter((r) => r.method !== 'GET' && !/token|oauth2|listkeys/i.test(r.path));
      assert.equal(writes, [], `no Azure writes with a state file that is ${c.name}`);
      assert.not.ok(existsSync(`${statePath(dir)}.lock`), 'the lock is released after the refusal');
    }
  });
});

test('a version 1 state file is read and migrated to version 2 with a serial', async () => {
  await withCli(async ({ dir, spec, run }) => {
    assert.is((await run(['apply', spec])).code, 0);
    const v2 = JSON.parse(readFileSync(statePath(dir), 'utf8'));
    assert.is(v2.version, 2);
    assert.ok(v2.serial > 0);
    const { serial: _serial, ...v1 } = { ...v2, version: 1 };
    writeFileSync(statePath(dir), JSON.stringify(v1));
    const again = await run(['apply', spec]);
    assert.is(again.code, 0, again.stderr);
    const migrated = JSON.parse(readFileSync(statePath(dir), 'utf8'));
    assert.is(migrated.version, 2);
    assert.is(migrated.device.created, true);
    assert.ok(migrated.serial >= 1);
  });
});

/** Starts `edgeml apply` as its own process; resolves with its exit code and output. */
function applyProcess(spec, dir, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/edgeml.js'), 'apply', spec], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr, pid: child.pid }));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('two applies started 0, 150 and 400 ms apart: one is refused naming the other, and the state matches what is live', async () => {
  for (const gapMs of [0, 150, 400]) {
    await withCli(async ({ az, dir, spec, env, run }) => {
      // The winner's first write to Azure answers only after 1.5 s, so it still holds the lock when the other starts,
      // however fast the machine (the loser is refused before it sends any request).
      az.faults.add({ server: 'arm', method: 'PUT', kind: 'slow', delayMs: 1500, times: 1 });
      const first = applyProcess(spec, dir, env);
      await sleep(gapMs);
      const second = applyProcess(spec, dir, env);
      const results = await Promise.all([first, second]);
      const ok = results.filter((r) => r.code === 0);
      const refused = results.filter((r) => r.code !== 0);
      assert.is(ok.length, 1, `exactly one apply succeeds (${gapMs} ms apart): ${results.map((r) => r.stdout + r.stderr).join('\n---\n')}`);
      assert.is(refused.length, 1);
      const [winner] = ok;
      assert.match(refused[0].stderr, /error EML6021: Another edgeml run is using the state file/);
      assert.match(
        refused[0].stderr,
        new RegExp(`'edgeml apply' by .+ on ${hostname()} \\(pid ${winner.pid}\\)`),
        'names the run that holds the lock',
      );
      assert.not.match(refused[0].stdout, /✓/, 'the refused apply did nothing');

      const state = JSON.parse(readFileSync(statePath(dir), 'utf8'));
      for (const key of ['resourceGroup', 'iotHub', 'registry', 'device'])
        assert.is(state[key].created, true, `${key} recorded (${gapMs} ms apart)`);
      assert.ok(az.device.exists('cli-edge'));
      assert.not.ok(existsSync(`${statePath(dir)}.lock`), 'the lock is gone once the winner finished');
      const plan = await run(['plan', spec, '--detailed-exitcode']);
      assert.is(plan.code, 0, `the state and the live deployment agree: ${plan.stdout}`);
      const destroyed = await run(['destroy', spec, '--yes']);
      assert.match(destroyed.stdout, /Destroy complete: 4 deleted\./);
      assert.is(az.arm.groups.size, 0, 'destroy removed everything the winner created');
    });
  }
});

test('a lock left by a run that is gone is taken over with a warning; a live one is respected', async () => {
  await withCli(async ({ dir, spec, run }) => {
    mkdirSync(join(dir, '.edgeml/state'), { recursive: true });
    const lock = { user: 'someone', host: hostname(), pid: 2 ** 22 + 17, command: 'apply', startedAt: '2026-01-01T00:00:00.000Z' };
    writeFileSync(`${statePath(dir)}.lock`, JSON.stringify(lock));
    const taken = await run(['apply', spec]);
    assert.is(taken.code, 0, taken.stderr);
    assert.match(taken.stderr, /warning EML6022: Took over the state lock of a run that is no longer running: 'edgeml apply' by someone/);
    assert.not.ok(existsSync(`${statePath(dir)}.lock`));

    writeFileSync(`${statePath(dir)}.lock`, JSON.stringify({ ...lock, host: 'another-machine', pid: 1 }));
    const held = await run(['destroy', spec, '--yes']);
    assert.is(held.code, 1);
    assert.match(held.stderr, /error EML6021: .*'edgeml apply' by someone on another-machine \(pid 1\), started 2026-01-01T00:00:00\.000Z/);
    assert.match(held.stderr, /delete .*cli-wf\.json\.lock/);
    assert.ok(existsSync(`${statePath(dir)}.lock`), 'a lock from another machine is never removed');
  });
});

test('after the state file is lost, state recover finds what edgeml created and destroy removes exactly that', async () => {
  await withCli(async ({ az, dir, spec, run }) => {
    // A resource group that existed before edgeml: recover must not claim it.
    az.arm.groups.set('cli-rg', { name: 'cli-rg', location: 'westeurope', tags: { owner: 'ops' } });
    assert.is((await run(['apply', spec])).code, 0);
    const applied = JSON.parse(readFileSync(statePath(dir), 'utf8'));
    rmSync(statePath(dir));

    const lost = await run(['destroy', spec, '--yes']);
    assert.match(lost.stderr, /EML6008/, 'without a state file destroy knows nothing');
    const recovered = await run(['state', 'recover', spec]);
    assert.is(recovered.code, 0, recovered.stderr);
    assert.match(recovered.stdout, /resource group cli-rg: not created by edgeml/);
    assert.match(recovered.stdout, /IoT hub cli-hub: created by edgeml/);
    assert.match(recovered.stdout, /container registry cliacr12345: created by edgeml/);
    assert.match(recovered.stdout, /edge device cli-edge: created by edgeml/);
    const state = JSON.parse(readFileSync(statePath(dir), 'utf8'));
    for (const key of ['resourceGroup', 'iotHub', 'registry', 'device']) assert.is(state[key].created, applied[key].created, key);

    const destroyed = await run(['destroy', spec, '--yes']);
    assert.is(destroyed.code, 0, destroyed.stderr);
    assert.match(destroyed.stdout, /Destroy complete: 3 deleted\./);
    assert.not.ok(az.device.exists('cli-edge'));
    assert.equal([...az.arm.groups.keys()], ['cli-rg'], 'the resource group edgeml did not create is kept');
    const status = await run(['status', spec]);
    assert.is(status.stdout, "Not deployed: IoT hub 'cli-hub' does not exist.\n");
  });
});

test('state recover keeps an unreadable file as .bak and replaces it', async () => {
  await withCli(async ({ dir, spec, run }) => {
    assert.is((await run(['apply', spec])).code, 0);
    writeFileSync(statePath(dir), 'null');
    const recovered = await run(['state', 'recover', spec, '--json']);
    assert.is(recovered.code, 0, recovered.stderr);
    const doc = JSON.parse(recovered.stdout);
    assert.is(doc.backup, `${statePath(dir)}.bak`);
    assert.is(readFileSync(doc.backup, 'utf8'), 'null');
    assert.is(JSON.parse(readFileSync(statePath(dir), 'utf8')).device.created, true);
    assert.is((await run(['destroy', spec, '--yes'])).code, 0);
  });
});

test.run();
