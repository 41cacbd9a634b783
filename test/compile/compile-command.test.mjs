// `edgeml compile` end to end, in-process: writes the output folder, keeps secrets out of it, --check, --set,
// --json, default output folder, and errors that stop before anything is written.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import compile from '../../dist/cli/commands/compile.js';
import { readTree } from '../../dist/emit/read-tree.js';
import { createFixture, FIXTURE_ENV } from './_fixture-spec.mjs';

const fixture = createFixture();
const io = (env = FIXTURE_ENV) => {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: { stdout: { write: (t) => (out.stdout += t) }, stderr: { write: (t) => (out.stderr += t) }, env, cwd: fixture.dir },
  };
};

test('compile writes the output folder with the manifest, build context and secret placeholders only', async () => {
  const { io: cli, out } = io();
  const code = await compile(['spec.yaml'], { out: 'out' }, cli);
  assert.is(code, 0, out.stderr);
  assert.match(out.stdout, /^Wrote \d+ files to out\.\n/);
  const tree = await readTree(join(fixture.dir, 'out'));
  assert.ok(tree.has('deployment.json'));
  assert.ok(tree.has('modules/classifier/model/model.onnx'));
  const manifest = JSON.parse(Buffer.from(tree.get('deployment.json').content).toString());
  const agent = manifest.modulesContent.$edgeAgent['properties.desired'];
  assert.equal(agent.runtime.settings.registryCredentials.fixtureregistry, {
    address: 'fixtureregistry.azurecr.io',
    username: '${ACR_USER}',
    password: '${ACR_PASSWORD}',
  });
  assert.equal(agent.modules.sensor.env.API_TOKEN, { value: '${SENSOR_TOKEN}' });
  for (const [path, entry] of tree) {
    const text = Buffer.from(entry.content).toString('latin1');
    for (const secret of Object.values(FIXTURE_ENV)) assert.not.ok(text.includes(secret), `${path} leaks a secret value`);
    assert.not.ok(text.includes(fixture.dir), `${path} contains the absolute spec folder`);
  }
});

test('--check passes on fresh output and fails naming the first difference after a change', async () => {
  await compile(['spec.yaml'], { out: 'checked' }, io().io);
  const clean = io();
  assert.is(await compile(['spec.yaml'], { out: 'checked', check: true }, clean.io), 0, clean.out.stderr);
  assert.match(clean.out.stdout, /checked is up to date/);

  const manifestPath = join(fixture.dir, 'checked/deployment.json');
  writeFileSync(manifestPath, readFileSync(manifestPath, 'utf8').replace('"timeToLiveSecs": 7200', '"timeToLiveSecs": 1'));
  writeFileSync(join(fixture.dir, 'checked/zz-extra.txt'), 'mine\n');
  const dirty = io();
  assert.is(await compile(['spec.yaml'], { out: 'checked', check: true }, dirty.io), 1);
  assert.match(dirty.out.stderr, /EML4200/);
  assert.match(dirty.out.stderr, /2 file\(s\), first: changed: deployment\.json/);
  assert.match(dirty.out.stdout, /changed: deployment\.json\n {2}not produced by the spec: zz-extra\.txt\n/);

  const json = io();
  assert.is(await compile(['spec.yaml'], { out: 'checked', check: true, json: true }, json.io), 1);
  const report = JSON.parse(json.out.stdout);
  assert.is(report.ok, false);
  assert.equal(report.differences, [
    { kind: 'changed', path: 'deployment.json' },
    { kind: 'extra', path: 'zz-extra.txt' },
  ]);
  assert.equal(
    report.diagnostics.filter((d) => d.category !== 'suggestion').map((d) => d.code),
    ['EML4200'],
  );
});

test("a recompile keeps step 1's record of created resources, and --check ignores it", async () => {
  await compile(['spec.yaml'], { out: 'stateful' }, io().io);
  writeFileSync(join(fixture.dir, 'stateful/scripts/.edgeml-created'), 'group rg-fixture\n');
  const again = io();
  assert.is(await compile(['spec.yaml'], { out: 'stateful' }, again.io), 0, again.out.stderr);
  assert.is(readFileSync(join(fixture.dir, 'stateful/scripts/.edgeml-created'), 'utf8'), 'group rg-fixture\n');
  const check = io();
  assert.is(await compile(['spec.yaml'], { out: 'stateful', check: true }, check.io), 0, check.out.stdout + check.out.stderr);
});

test('an unchanged recompile writes nothing and keeps modification times; a change rewrites the folder', async () => {
  await compile(['spec.yaml'], { out: 'steady' }, io().io);
  const manifest = join(fixture.dir, 'steady/deployment.json');
  const past = new Date('2020-01-01T00:00:00Z');
  utimesSync(manifest, past, past);
  const again = io();
  assert.is(await compile(['spec.yaml'], { out: 'steady' }, again.io), 0, again.out.stderr);
  assert.ok(
    again.out.stdout.startsWith(
      'steady is up to date (' + (await readTree(join(fixture.dir, 'steady'))).size + ' files); nothing written.\n',
    ),
    again.out.stdout,
  );
  assert.is(statSync(manifest).mtime.getTime(), past.getTime(), 'the file was not rewritten');

  // A file edited by hand is not "up to date": the whole folder is replaced, atomically, as on a first compile.
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"timeToLiveSecs": 7200', '"timeToLiveSecs": 1'));
  const repaired = io();
  assert.is(await compile(['spec.yaml'], { out: 'steady' }, repaired.io), 0, repaired.out.stderr);
  assert.match(repaired.out.stdout, /^Wrote \d+ files to steady\.\n/);
  assert.match(readFileSync(manifest, 'utf8'), /"timeToLiveSecs": 7200/);
  assert.is.not(statSync(manifest).mtime.getTime(), past.getTime());
});

test('compile shows what it produced, written or up to date: files by kind, the module graph, the next commands', async () => {
  const first = io();
  assert.is(await compile(['spec.yaml'], { out: 'shown' }, first.io), 0, first.out.stderr);
  const again = io();
  assert.is(await compile(['spec.yaml'], { out: 'shown' }, again.io), 0, again.out.stderr);
  const tree = await readTree(join(fixture.dir, 'shown'));
  const paths = [...tree.keys()];
  for (const { out } of [first, again]) {
    const counted = [
      ...out.stdout.matchAll(/^ {2}(deployment manifests|Dockerfiles|module files|step scripts|README|other files) +(\d+) /gm),
    ];
    assert.equal(
      counted.map((m) => m[1]),
      ['deployment manifests', 'Dockerfiles', 'module files', 'step scripts', 'README', 'other files'],
      out.stdout,
    );
    assert.is(
      counted.reduce((n, m) => n + Number(m[2]), 0),
      paths.length,
      'every file is counted once',
    );
    const dockerfiles = paths.filter((p) => /^modules\/[^/]+\/Dockerfile\./.test(p)).length;
    assert.is(Number(counted[1][2]), dockerfiles);
    assert.match(out.stdout, /^ {2}sensor\/temperatureOutput → IoT Hub \(\$upstream\) +route sensorToCloud$/m);
    assert.match(out.stdout, /^ {2}classifier \(no routes\)$/m, 'a module nothing routes to is listed too');
    assert.match(out.stdout, /^Next:\n {2}edgeml test spec\.yaml +score the spec's sample images/m);
    assert.match(out.stdout, /^ {2}edgeml plan spec\.yaml +see what apply would create on Azure \(or follow shown\/README\.md\)$/m);
  }
  const json = io();
  assert.is(await compile(['spec.yaml'], { out: 'shown', json: true }, json.io), 0);
  const report = JSON.parse(json.out.stdout);
  assert.equal(report.summary.graph, [{ from: 'sensor/temperatureOutput', to: 'IoT Hub ($upstream)', via: 'route sensorToCloud' }]);
  assert.equal(report.summary.standalone, ['classifier']);
});

test('--set overrides a spec value before compiling', async () => {
  const { io: cli, out } = io();
  assert.is(await compile(['spec.yaml'], { out: 'with-set', set: ['storeAndForward.ttl=60'] }, cli), 0, out.stderr);
  const manifest = JSON.parse(readFileSync(join(fixture.dir, 'with-set/deployment.json'), 'utf8'));
  assert.is(manifest.modulesContent.$edgeHub['properties.desired'].storeAndForwardConfiguration.timeToLiveSecs, 60);
});

test('the default output folder is generated/<name>; --json lists the files written', async () => {
  const { io: cli, out } = io();
  assert.is(await compile(['spec.yaml'], { json: true }, cli), 0, out.stderr);
  const report = JSON.parse(out.stdout);
  assert.is(report.ok, true);
  assert.is(report.out, 'generated/fixture-classifier');
  assert.ok(report.files.includes('deployment.json'));
  assert.ok(existsSync(join(fixture.dir, 'generated/fixture-classifier/deployment.json')));
});

test('a spec with errors prints diagnostics, exits 1 and writes nothing', async () => {
  writeFileSync(
    join(fixture.dir, 'broken.yaml'),
    readFileSync(join(fixture.dir, 'spec.yaml'), 'utf8').replace('type: scoring', 'type: scorer'),
  );
  const { io: cli, out } = io();
  assert.is(await compile(['broken.yaml'], { out: 'broken-out' }, cli), 1);
  assert.match(out.stderr, /EML\d{4}/);
  assert.is(out.stdout, '');
  assert.not.ok(existsSync(join(fixture.dir, 'broken-out')));
});

test('a missing secret variable does not matter for compile: output holds references only', async () => {
  const { io: cli, out } = io({});
  assert.is(await compile(['spec.yaml'], { out: 'no-env' }, cli), 0, out.stderr);
  const withEnv = await readTree(join(fixture.dir, 'out'));
  const withoutEnv = await readTree(join(fixture.dir, 'no-env'));
  assert.equal([...withoutEnv.keys()], [...withEnv.keys()]);
  assert.ok(Buffer.from(withoutEnv.get('deployment.json').content).equals(Buffer.from(withEnv.get('deployment.json').content)));
});

test('refuses an output folder that holds the spec or a file it names', async () => {
  for (const target of ['.', 'models']) {
    const { io: cli, out } = io();
    assert.is(await compile(['spec.yaml'], { out: target }, cli), 1, target);
    assert.match(out.stderr, /EML4103/);
  }
  assert.ok(existsSync(join(fixture.dir, 'models/orientation.onnx')));
});

test('no spec argument is a usage error', async () => {
  const { io: cli } = io();
  assert.is(await compile([], {}, cli), 2);
});

test.after(() => fixture.cleanup());
test.run();
