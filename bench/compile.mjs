// Benchmark: cold `edgeml compile` against `node -e 0`, and a 50-module, 1,000-route spec against a 2-module one.
// Every figure is the median of alternating runs in this one process, so machine load affects both sides alike.
// Usage: node bench/compile.mjs [runs=9]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'edgeml.js');
const runs = Number(process.argv[2] ?? 9);
const work = mkdtempSync(join(tmpdir(), 'edgeml-bench-'));

/** A spec with one scoring module, `containers` container modules and `routes` routes between them. */
function syntheticSpec(containers, routes) {
  const lines = [
    'edgeml: 1',
    `name: bench-${containers}-${routes}`,
    'task: image-classification',
    'model:',
    '  source: { file: model.onnx }',
    '  labels: ["0", "180"]',
    '  preprocess: { width: 192, height: 48, resize: pad-right, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }',
    'target: { platform: amd64 }',
    'azure:',
    '  resourceGroup: rg',
    '  iotHub: { name: bench-hub }',
    '  registry: { create: { name: benchregistry } }',
    '  device: { id: dev1 }',
    'modules:',
    '  scorer: { type: scoring, port: 8080 }',
  ];
  for (let i = 0; i < containers; i++) {
    lines.push(
      `  m${i}:`,
      '    type: container',
      `    image: contoso/stage${i}:1.0.${i}`,
      '    inputs: [in1, in2]',
      '    outputs: [out1, out2]',
      `    env: { STAGE: "${i}", LOG_LEVEL: info }`,
      `    ports: [${9000 + i}]`,
    );
  }
  lines.push('routes:');
  for (let r = 0; r < routes; r++) {
    const from = r % containers;
    const to = (r * 7 + 1) % containers;
    lines.push(`  - from: m${from}.out${(r % 2) + 1}`, `    to: m${to}.in${((r >> 1) % 2) + 1}`);
    // Container modules are not known to send JSON, so conditions use message properties rather than $body.
    if (r % 3 === 0) lines.push(`    when: "as_number(score) > ${(r % 10) / 10} AND $outputName = 'out${(r % 2) + 1}'"`);
    if (r % 5 === 0) lines.push(`    priority: ${r % 10}`);
  }
  return lines.join('\n') + '\n';
}

function setup() {
  copyFileSync(join(root, 'specs', 'models', 'text-orientation', 'model.onnx'), join(work, 'model.onnx'));
  writeFileSync(join(work, 'big.yaml'), syntheticSpec(49, 1000));
  writeFileSync(join(work, 'small.yaml'), syntheticSpec(1, 1));
}

function time(args, cwd) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, status: result.status, stderr: result.stderr };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

setup();
// Each compile writes a new output folder (a first compile: every file is created). 'recompile wf3' replaces the
// folder of the previous run with one changed value, so it also removes the old files; an unchanged recompile
// writes nothing and is not measured.
const fresh = (name, i) => join(work, `out-${name}-${i}`);
const cases = {
  'node -e 0': () => time(['-e', '0'], root),
  'compile wf3': (i) => time([bin, 'compile', 'specs/wf3-custom-vision.yaml', '--out', fresh('wf3', i)], root),
  'recompile wf3, one change': (i) =>
    time([bin, 'compile', 'specs/wf3-custom-vision.yaml', '--out', join(work, 'out-wf3-again'), '--set', `description=run ${i}`], root),
  'compile 2 modules': (i) => time([bin, 'compile', 'small.yaml', '--out', fresh('small', i)], work),
  'compile 50 modules, 1000 routes': (i) => time([bin, 'compile', 'big.yaml', '--out', fresh('big', i)], work),
};
const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
const statuses = {};
for (let i = 0; i < runs; i++) {
  for (const [name, run] of Object.entries(cases)) {
    const r = run(i);
    for (const kind of ['wf3', 'small', 'big']) rmSync(fresh(kind, i), { recursive: true, force: true });
    samples[name].push(r.ms);
    statuses[name] = r.status;
    if (r.status !== 0 && i === 0 && name !== 'node -e 0')
      console.error(`${name} exited ${r.status}:\n${r.stderr.split('\n').slice(0, 6).join('\n')}`);
  }
}
const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
// Whether the runs above started from the build's V8 code cache (bin/load-cli.cjs), as an installed edgeml does.
const cacheProbe = spawnSync(process.execPath, ['-e', "process.stdout.write(String(require('./bin/load-cli.cjs').loadCli()?.cacheUsed))"], {
  cwd: root,
  encoding: 'utf8',
});
console.log(
  `edgeml compile benchmark: ${runs} alternating runs, median wall time; ${cpus().length} cores, Node ${process.version}; code cache used: ${cacheProbe.stdout || 'no bundle'}`,
);
for (const [name, ms] of Object.entries(m)) console.log(`  ${name.padEnd(34)} ${ms.toFixed(1).padStart(8)} ms   (exit ${statuses[name]})`);
console.log(`  cold compile wf3 / node -e 0          ${(m['compile wf3'] / m['node -e 0']).toFixed(2)}x   (target <= 2.5x)`);
console.log(`  recompile wf3 / node -e 0             ${(m['recompile wf3, one change'] / m['node -e 0']).toFixed(2)}x`);
console.log(
  `  50 modules + 1000 routes / 2 modules   ${(m['compile 50 modules, 1000 routes'] / m['compile 2 modules']).toFixed(2)}x   (target <= 1.5x)`,
);
rmSync(work, { recursive: true, force: true });
