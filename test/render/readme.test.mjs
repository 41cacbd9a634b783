// The output README (render/readme): file table, images, the six steps with commands and env vars, Mermaid chart.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderReadme, escapeMermaid } from '../../dist/render/readme/index.js';
import { resolveImages } from '../../dist/render/docker/index.js';
import { renderScripts } from '../../dist/render/scripts/index.js';
import { renderBuildContexts } from '../../dist/render/docker/index.js';
import { makeContext, makeIR, makeScoringModule, makeCaptureModule } from '../helpers/ir-fixtures.mjs';
import { renderContracts } from '../../dist/render/contracts/index.js';
import { captureResultsContract } from '../../dist/runtime/contracts/index.js';

const readme = (ctx) => {
  const files = renderReadme(ctx);
  assert.equal(
    files.map((f) => f.path),
    ['README.md'],
  );
  return files[0].content;
};

test('lists every generated script, build context and the manifest, and every image', () => {
  const ctx = makeContext();
  const text = readme(ctx);
  for (const f of renderScripts(ctx)) {
    if (!f.path.endsWith('.sh') && !f.path.endsWith('.env.example') && !f.path.includes('samples/')) continue;
    assert.ok(text.includes(`\`${f.path}\``), `README lists ${f.path}`);
  }
  const contexts = new Set(renderBuildContexts(ctx).map((f) => f.path.split('/').slice(0, 2).join('/') + '/'));
  for (const dir of contexts) assert.ok(text.includes(`\`${dir}\``), `README lists ${dir}`);
  assert.ok(text.includes('`deployment.json`'));
  for (const image of resolveImages(ctx).values()) assert.ok(text.includes(image), image);
});

test('the six steps appear in order with their commands and environment variables', () => {
  const text = readme(makeContext());
  const positions = [1, 2, 3, 4, 5, 6].map((n) => text.indexOf(`\n### ${n}. `));
  assert.ok(
    positions.every((p, i) => p > 0 && (i === 0 || p > positions[i - 1])),
    String(positions),
  );
  assert.match(text, /bash scripts\/01-create-resources\.sh/);
  assert.match(text, /sudo --preserve-env=EDGE_DEVICE_CONNECTION_STRING bash scripts\/02-setup-device\.sh/);
  const step4 = text.slice(text.indexOf('\n### 4. '), text.indexOf('\n### 5. '));
  assert.match(step4, /`EDGEML_REGISTRY_PASSWORD`/);
  const step5 = text.slice(text.indexOf('\n### 5. '), text.indexOf('\n### 6. '));
  assert.match(step5, /`EDGE_DEVICE_HOST`/);
  assert.match(text, /\| `EDGE_DEVICE_CONNECTION_STRING` \| 2 \| no \| yes \|/);
});

test('fleet targets name deployment.fleet.json', () => {
  const ir = makeIR({
    azure: {
      ...makeIR().azure,
      deployment: { kind: 'fleet', id: 'x', targetCondition: "tags.a='b'", priority: 1, layered: false, labels: {}, metrics: {} },
    },
  });
  const text = readme(makeContext(ir));
  assert.ok(text.includes('`deployment.fleet.json`'));
  assert.not.ok(text.includes('`deployment.json`'));
  assert.match(text, /`EDGE_DEVICE_ID`/);
});

test('Mermaid chart: flowchart LR, modules, HTTP edge, routes with escaped conditions', () => {
  const ir = makeIR();
  ir.routes.push({
    name: 'toScorer',
    path: ['routes', 1],
    from: { kind: 'devices' },
    to: { kind: 'module', module: 'people-detection-service', input: 'in1' },
    when: `$body.tag = "a|b" AND $body.n > 2 # x`,
  });
  const text = readme(makeContext(ir));
  const chart = text.slice(text.indexOf('```mermaid\n') + 11, text.indexOf('\n```', text.indexOf('```mermaid')));
  const lines = chart.split('\n');
  assert.is(lines[0], 'flowchart LR');
  assert.ok(lines.includes('  m0["people-detection-service<br/>(scoring)"]'));
  assert.ok(lines.includes('  m1 -.->|"HTTP POST"| m0'));
  assert.ok(lines.includes('  m1 -->|"detectionsToCloud: detections, when $body.predictions[0].probability #gt;= 0.5"| upstream'));
  const devices = lines.find((l) => l.startsWith('  devices -->'));
  assert.is(
    devices,
    '  devices -->|"toScorer: device telemetry → in1, when $body.tag = #quot;a#124;b#quot; AND $body.n #gt; 2 #35; x"| m0',
  );
  // Inside every label, nothing that would end it early.
  for (const line of lines.slice(1)) {
    const label = /\|"(.*)"\|/.exec(line)?.[1] ?? /\["(.*)"\]/.exec(line)?.[1];
    if (label) assert.not.match(label, /["|`\n]/, line);
  }
});

test('escapeMermaid escapes # first so entity codes are not double-escaped', () => {
  assert.is(escapeMermaid('#"<>|`'), '#35;#quot;#lt;#gt;#124;#96;');
  assert.is(escapeMermaid('a\nb'), 'a b');
});

test('Azure Stack Edge: step 2 runs in the Ubuntu VM on the appliance, with the connection string; no managed IoT Edge', () => {
  const ir = makeIR({ target: { ...makeIR().target, device: 'databox-edge' } });
  const text = readme(makeContext(ir));
  const step2 = text.slice(text.indexOf('\n### 2. '), text.indexOf('\n### 3. '));
  assert.match(step2, /Runs in the Ubuntu VM on the Azure Stack Edge appliance, as root/);
  assert.match(step2, /02-setup-device\.sh --checklist/);
  assert.match(step2, /EDGE_DEVICE_CONNECTION_STRING/);
  assert.not.match(text, /Configure compute/);
});

test('a fleet pulling from a loopback registry is warned about next to its images', () => {
  const base = makeIR();
  const fleet = {
    kind: 'fleet',
    id: 'scanners',
    targetCondition: "tags.role='scanner'",
    priority: 10,
    layered: false,
    labels: {},
    metrics: {},
  };
  const loopback = readme(
    makeContext(makeIR({ azure: { ...base.azure, registry: { kind: 'anonymous', address: 'localhost:5000' }, deployment: fleet } })),
  );
  assert.match(
    loopback,
    /> \*\*Warning:\*\* registry localhost:5000 is a loopback address: every device of the fleet would pull these images from itself\./,
  );
  const cloud = readme(makeContext(makeIR({ azure: { ...base.azure, deployment: fleet } })));
  assert.not.match(cloud, /loopback/);
});

test('a scoring module that cannot run on the target shows no image', () => {
  const ir = makeIR({
    target: { platform: 'arm32v7', accelerator: 'none', device: 'raspberry-pi', os: 'debian-12', runtime: '1.5' },
    modules: [makeScoringModule()],
  });
  const text = readme(makeContext(ir));
  assert.match(text, /\| people-detection-service \| scoring \| `\(none for this target\)` \|/);
});

test('every output contract becomes a schema file and a field table in the README', () => {
  const schema = captureResultsContract('object-detection');
  const inline = {
    type: 'object',
    required: ['t'],
    properties: { t: { type: 'number', minimum: -40, maximum: 125, description: 'Temperature | °C' } },
  };
  const capture = makeCaptureModule({ contracts: { detections: { origin: 'generated', schema } } });
  const sensor = makeScoringModule({
    name: 'sensor',
    kind: 'container',
    outputs: ['temp', 'raw'],
    contracts: {
      temp: { origin: 'inline', schema: inline, description: 'Readings', path: [] },
      raw: { origin: 'file', file: 'missing.json', path: [] },
    },
  });
  const ctx = makeContext(makeIR({ modules: [makeScoringModule(), capture, sensor] }));
  const files = renderContracts(ctx);
  assert.equal(
    files.map((f) => f.path),
    ['contracts/image-capture-od.detections.schema.json', 'contracts/sensor.temp.schema.json'],
    'outputs without a schema get no file',
  );
  assert.equal(JSON.parse(files[0].content), schema);
  const text = readme(ctx);
  assert.match(text, '### image-capture-od.detections');
  assert.match(text, '| `summary.topProbability` | number | yes | 0..1 |');
  assert.match(text, '| `predictions[i].probability` | number | no | 0..1 |');
  assert.match(text, '### sensor.temp\n\nReadings\n');
  assert.match(text, '| `t` | number | yes | -40..125 | Temperature \\| °C |', 'pipes in descriptions are escaped');
  assert.match(text, '| `contracts/sensor.temp.schema.json` |');
  assert.not.match(text, 'sensor.raw');
});

test.run();
