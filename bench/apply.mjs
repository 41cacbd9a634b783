// Benchmark of plan / apply / re-apply against the local Azure fixture servers (real SDK providers, simulated
// device): REST calls (by method, as the providers count them and as the servers saw them) and wall time.
// Usage: npm run build && node bench/apply.mjs [--runs N] [--write]   (--write updates bench/RESULTS-apply.md)
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { writeFileSync } from 'node:fs';
import { runTrusted } from '../test/fixtures/azure/tls.mjs';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
const write = args.includes('--write');

if (!process.env.EDGEML_TEST_TLS_DIR) {
  // The fixture servers use a throwaway certificate the SDKs must trust: re-run this file in a child that does.
  await runTrusted(new URL(import.meta.url), { EDGEML_BENCH_ARGS: JSON.stringify(args) });
} else {
  await bench();
}

async function bench() {
  const loadAtStart = loadavg()[0].toFixed(2);
  const { startAzureFixtures } = await import('../test/fixtures/azure/index.mjs');
  const { makeDesired, makeProviders, makeProgressLog, mutatingRequests, tempDir, apiKeyEnv, apiKeyValue } = await import(
    '../test/apply/_scenario.mjs'
  );
  const { runApply } = await import('../dist/apply/apply.js');
  const { computePlan } = await import('../dist/plan/compute-plan.js');
  const { createProgress } = await import('../dist/apply/progress.js');

  const env = { [apiKeyEnv]: apiKeyValue };
  const rows = new Map();
  const record = (name, ms, stats, requests) => {
    const list = rows.get(name) ?? [];
    list.push({ ms, total: stats.total, byMethod: stats.byMethod, server: requests.length, mutating: mutatingRequests(requests).length });
    rows.set(name, list);
  };

  async function measure(name, az, fn) {
    az.requests.clear();
    const started = performance.now();
    const stats = await fn();
    record(name, performance.now() - started, stats, [...az.requests]);
  }

  const apply = (az, tmp, desired) => {
    const providers = makeProviders(az, desired.azure);
    return runApply({
      desired,
      providers,
      docker: async () => {
        throw new Error('no docker in this benchmark');
      },
      statePath: tmp.state,
      env,
      progress: createProgress(makeProgressLog().stream),
      stdout: makeProgressLog().stream,
      timeoutMs: 10_000,
      pollIntervalMs: 20,
    }).then((outcome) => {
      if (!outcome.ok) throw new Error(JSON.stringify(outcome.diagnostics));
      return providers.stats;
    });
  };
  const plan = async (az, desired) => {
    const providers = makeProviders(az, desired.azure);
    await computePlan(desired, providers, env);
    return providers.stats;
  };

  for (let i = 0; i < runs; i++) {
    const az = await startAzureFixtures({ deviceBehavior: { delayMs: 20 } });
    Object.assign(process.env, az.env);
    const tmp = tempDir('edgeml-bench-');
    try {
      const v1 = makeDesired();
      const v2 = makeDesired({ detectorImage: 'edgemltestacr.azurecr.io/wf/detector:2.0-bbbbbbbbbbbb-amd64' });
      await measure('device: plan (nothing exists)', az, () => plan(az, v1));
      await measure('device: apply (create all, deploy, converge)', az, () => apply(az, tmp, v1));
      await measure('device: plan (no changes)', az, () => plan(az, v1));
      await measure('device: re-apply (no changes)', az, () => apply(az, tmp, v1));
      await measure('device: apply (one image changed)', az, () => apply(az, tmp, v2));
    } finally {
      await az.close();
      tmp.cleanup();
    }

    const fleetAz = await startAzureFixtures({ deviceBehavior: { delayMs: 20 } });
    Object.assign(process.env, fleetAz.env);
    const fleetTmp = tempDir('edgeml-bench-fleet-');
    try {
      const f1 = makeDesired({ fleet: true });
      const f2 = makeDesired({ fleet: true, detectorImage: 'edgemltestacr.azurecr.io/wf/detector:2.0-bbbbbbbbbbbb-amd64' });
      const setup = makeProviders(fleetAz, f1.azure);
      await setup.arm.ensureResourceGroup(f1.azure.resourceGroup, 'westeurope');
      await setup.arm.ensureIotHub(f1.azure.resourceGroup, f1.azure.iotHub.name, { location: 'westeurope', sku: 'S1', units: 1 });
      const hub = await setup.iotHub();
      for (let d = 0; d < 10; d++) {
        await hub.createEdgeDevice(`cam-${d}`);
        await hub.updateDeviceTags(`cam-${d}`, { role: 'camera' });
      }
      await measure('fleet (10 devices): apply (first deployment)', fleetAz, () => apply(fleetAz, fleetTmp, f1));
      await measure('fleet (10 devices): re-apply (no changes)', fleetAz, () => apply(fleetAz, fleetTmp, f1));
      await measure('fleet (10 devices): apply (swap to new content)', fleetAz, () => apply(fleetAz, fleetTmp, f2));
    } finally {
      await fleetAz.close();
      fleetTmp.cleanup();
    }
  }

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const lines = [
    '| scenario | REST calls (client) | by method | server saw | mutating | wall time, median (min–max) |',
    '| --- | ---: | --- | ---: | ---: | --- |',
  ];
  for (const [name, list] of rows) {
    const first = list[0];
    const methods = Object.entries(first.byMethod)
      .sort()
      .map(([m, c]) => `${m} ${c}`)
      .join(', ');
    const ms = list.map((r) => r.ms);
    const stable = list.every((r) => r.total === first.total) ? '' : ` (varies: ${list.map((r) => r.total).join('/')})`;
    lines.push(
      `| ${name} | ${first.total}${stable} | ${methods} | ${first.server} | ${first.mutating} | ${median(ms).toFixed(0)} ms (${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)}) |`,
    );
  }
  const table = lines.join('\n');
  process.stdout.write(`${table}\n`);
  if (write || JSON.parse(process.env.EDGEML_BENCH_ARGS ?? '[]').includes('--write')) {
    const doc = `# apply benchmark

Command: \`npm run build && node bench/apply.mjs --runs ${runs} --write\`
Date: ${new Date().toISOString()}
Machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}; 1-minute load average at start ${loadAtStart} (the machine is shared: wall times vary with load; call counts vary only with the number of status polls a run needed)

What runs: the real ARM and IoT Hub SDK providers against the local HTTPS fixture servers
(\`test/fixtures/azure\`), with a simulated edge device that reports convergence 20 ms after a new desired
version; convergence and fleet metrics are polled every 20 ms. ${runs} runs per scenario, each on fresh fixtures.
"REST calls (client)" counts every request the providers sent (retries and long-running-operation polls included;
MSAL's token requests are not counted by the providers); "server saw" is the fixtures' request log, which also has
the AAD token requests; "mutating" counts PUT/PATCH/DELETE and POSTs other than key/credential reads (listKeys for
the hub connection string and listCredentials for the registry password are POSTs that change nothing).
Wall time is dominated by the simulated device delay and the poll interval, not by edgeml.

${table}
`;
    writeFileSync(new URL('./RESULTS-apply.md', import.meta.url), doc);
    process.stdout.write('Wrote bench/RESULTS-apply.md\n');
  }
}
