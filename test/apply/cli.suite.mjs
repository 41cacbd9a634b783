// The plan / apply / status / destroy commands end to end on a real spec (compiled in memory exactly as compile
// does) against the Azure fixtures, including an apply process killed after each step and then re-run.
// Run through cli.test.mjs, which makes this process trust the fixture certificate.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mutatingRequests } from './_scenario.mjs';
import { root, sensorToken, withCli } from './_cli-workflow.mjs';

test('plan, apply, plan again, status, destroy through the commands', async () => {
  await withCli(async ({ az, dir, spec, run, outputs }) => {
    const first = await run(['plan', spec, '--detailed-exitcode']);
    assert.is(first.code, 2, first.stderr);
    assert.match(first.stdout, /# resource_group "cli-rg" will be created/);
    assert.match(first.stdout, /# edge_device "cli-edge" will be created/);
    assert.match(first.stdout, /\+ module "sensor" \{/);
    assert.match(first.stdout, /\+ env\.TOKEN\s+= \(known after apply\)|\+ env\.TOKEN\s+= \(sensitive\)/);
    assert.match(first.stdout, /Plan: \d+ to add, 0 to change, 0 to destroy\./);
    const json = JSON.parse((await run(['plan', spec, '--json'])).stdout);
    assert.is(json.changes, true);

    const applied = await run(['apply', spec, '--connection-string-file', 'device.conn']);
    assert.is(applied.code, 0, applied.stderr + applied.stdout);
    assert.match(applied.stdout, /✓ IoT hub cli-hub: created/);
    assert.match(applied.stdout, /✓ modules running on cli-edge: 3 modules as desired/);
    assert.is(statSync(join(dir, 'device.conn')).mode & 0o777, 0o600);
    assert.match(readFileSync(join(dir, 'device.conn'), 'utf8'), /^HostName=.*;DeviceId=cli-edge;SharedAccessKey=/);
    assert.ok(existsSync(join(dir, '.edgeml/state/cli-wf.json')));
    assert.is(az.device.moduleTwin('cli-edge', '$edgeAgent').desired.modules.sensor.env.TOKEN.value, sensorToken);

    az.requests.clear();
    const again = await run(['plan', spec, '--detailed-exitcode']);
    assert.is(again.code, 0, again.stderr);
    assert.is(again.stdout, 'No changes. The live deployment matches the spec.\n');
    assert.equal(mutatingRequests(az.requests), []);

    // The same workflow as a fleet whose target condition matches no device of the (now existing) hub.
    const fleetText = readFileSync(spec, 'utf8').replace(
      '  device:\n    id: cli-edge\n',
      `  fleet:\n    id: cli-fleet\n    targetCondition: "tags.role='kiosk'"\n`,
    );
    writeFileSync(join(dir, 'fleet.yaml'), fleetText);
    const fleetPlan = await run(['plan', 'fleet.yaml']);
    assert.is(fleetPlan.code, 0, fleetPlan.stderr);
    assert.match(fleetPlan.stdout, /Target: tags\.role='kiosk' matches 0 IoT Edge devices now\./);
    const conditionLine = fleetText.split('\n').findIndex((line) => line.includes('targetCondition')) + 1;
    assert.match(
      fleetPlan.stderr,
      new RegExp(
        `fleet\\.yaml:${conditionLine}:\\d+ - warning EML6009: The target condition tags\\.role='kiosk' matches no IoT Edge device in hub 'cli-hub'`,
      ),
    );

    writeFileSync(join(dir, 'badfleet.yaml'), fleetText.replace(`tags.role='kiosk'`, `tags.role == 'kiosk'`));
    const badPlan = await run(['plan', 'badfleet.yaml']);
    assert.is(badPlan.code, 1);
    assert.match(
      badPlan.stderr,
      new RegExp(`badfleet\\.yaml:${conditionLine}:\\d+ - error EML6011: IoT Hub rejects the target condition tags\\.role == 'kiosk'`),
    );

    const changedPlan = await run(['plan', spec, '--detailed-exitcode'], {
      SENSOR_IMAGE: 'mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5.1',
    });
    assert.is(changedPlan.code, 2);
    assert.match(
      changedPlan.stdout,
      /~ image = "mcr\.microsoft\.com\/azureiotedge-simulated-temperature-sensor:1\.5" -> "mcr\.microsoft\.com\/azureiotedge-simulated-temperature-sensor:1\.5\.1"/,
    );

    const shown = await run(['apply', spec, '--show-connection-string']);
    assert.is(shown.code, 0, shown.stderr);
    assert.is(shown.stdout.split('Device connection string: HostName=').length - 1, 1, 'printed exactly once');
    assert.not.ok(readFileSync(join(dir, '.edgeml/state/cli-wf.json'), 'utf8').includes('SharedAccessKey'));
    const deviceKey = /SharedAccessKey=(\S+)/.exec(shown.stdout)[1];
    outputs.splice(outputs.indexOf(shown.stdout), 1);

    const status = await run(['status', spec]);
    assert.is(status.code, 0, status.stderr);
    assert.match(status.stdout, /Device cli-edge: converged/);
    assert.match(
      status.stdout,
      /^sensor\s+running\s+running\s+mcr\.microsoft\.com\/azureiotedge-simulated-temperature-sensor:1\.5\s+0\s+0\s+\d{4}-/m,
    );
    const statusJson = JSON.parse((await run(['status', spec, '--json'])).stdout);
    assert.is(statusJson.status.report.converged, true);

    const asJson = await run(['apply', spec, '--json']);
    assert.is(asJson.code, 0, asJson.stderr);
    const doc = JSON.parse(asJson.stdout);
    assert.is(doc.ok, true);
    assert.is(doc.deployed, false);
    assert.ok(doc.requests.total > 0 && doc.requests.retries === 0);
    assert.not.match(asJson.stdout, /✓/, 'no progress lines in --json output');

    const refused = await run(['destroy', spec]);
    assert.is(refused.code, 1);
    assert.match(refused.stderr, /EML6006/);
    assert.ok(az.device.exists('cli-edge'), 'nothing deleted without --yes');

    const destroyed = await run(['destroy', spec, '--yes']);
    assert.is(destroyed.code, 0, destroyed.stderr);
    assert.match(destroyed.stdout, /Destroy complete: 4 deleted\./);
    const order = destroyed.stdout
      .split('\n')
      .filter((l) => l.startsWith('✓ delete'))
      .map((l) => l.split(' ').slice(2, -1).join(' '));
    assert.equal(order, ['edge device cli-edge', 'container registry cliacr12345', 'IoT hub cli-hub', 'resource group cli-rg']);
    assert.is(az.arm.groups.size, 0);
    assert.not.ok(existsSync(join(dir, '.edgeml/state/cli-wf.json')));
    const gone = await run(['status', spec]);
    assert.is(gone.stdout, "Not deployed: IoT hub 'cli-hub' does not exist.\n");
    const nothing = await run(['destroy', spec, '--yes']);
    assert.is(nothing.code, 0);
    assert.match(nothing.stderr, /EML6008/);

    const all = outputs.join('\n');
    for (const secret of [sensorToken, az.hubOwnerKey, az.clientSecret, deviceKey])
      assert.not.ok(all.includes(secret), 'a secret reached the output');
  });
});

test('destroy asks on a terminal and deletes only after "yes"', async () => {
  await withCli(async ({ az, spec, run }) => {
    assert.is((await run(['apply', spec])).code, 0);
    const { Readable } = await import('node:stream');
    const answer = (text) => Object.assign(Readable.from([text]), { isTTY: true });
    const no = await run(['destroy', spec], {}, answer('y\n'));
    assert.is(no.code, 1);
    assert.match(no.stderr, /Type 'yes' to delete/);
    assert.match(no.stderr, /- edge device cli-edge/);
    assert.ok(az.device.exists('cli-edge'));
    const yes = await run(['destroy', spec], {}, answer('yes\n'));
    assert.is(yes.code, 0, yes.stderr);
    assert.not.ok(az.device.exists('cli-edge'));
  });
});

/** Starts `edgeml apply` as a process and kills it (SIGKILL) right after its `n`-th finished step. */
function applyKilledAfter(spec, dir, env, n) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/edgeml.js'), 'apply', spec], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let killed = false;
    child.stdout.on('data', (d) => {
      out += d;
      const done = out.split('\n').filter((l) => /^[✓–]/.test(l)).length;
      if (!killed && done >= n) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code, signal) => resolve({ out, code, signal, killed }));
  });
}

test('an apply killed after any step converges when run again, and destroy then removes everything', async () => {
  for (const n of [1, 2, 3, 4, 5]) {
    await withCli(async ({ az, dir, spec, env, run }) => {
      const killed = await applyKilledAfter(spec, dir, env, n);
      assert.ok(killed.killed, `the apply process reached step ${n}: ${killed.out}`);
      assert.is(killed.signal, 'SIGKILL');
      const rerun = await run(['apply', spec]);
      assert.is(rerun.code, 0, `re-run after a kill at step ${n}: ${rerun.stdout}${rerun.stderr}`);
      const state = JSON.parse(readFileSync(join(dir, '.edgeml/state/cli-wf.json'), 'utf8'));
      for (const key of ['resourceGroup', 'iotHub', 'registry', 'device'])
        assert.is(state[key].created, true, `${key} after a kill at step ${n}`);
      assert.is((await run(['destroy', spec, '--yes'])).code, 0);
      assert.is(az.arm.groups.size, 0, `everything removed after a kill at step ${n}`);
    });
  }
});

test.run();
