// Benchmark: the telemetry scoring module's pipeline (feature paths, bounded queue, batch scoring, decoding, result
// messages) against raw onnxruntime session.run on the same feature vectors, messages per second. Each side runs in a
// fresh child process (same thread settings: one intra-op thread, as the module uses), alternating, so neither is
// handicapped by what ran before it. Two arrival patterns: a burst (everything queued at once, so the pipeline batches
// up to maxBatch) and one at a time (each message waits for its result, batch size 1).
// Usage: npm run build && node bench/telemetry.mjs [messages=20000] [rounds=3]
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const messages = Number(process.argv[2] ?? 20000);
const rounds = Number(process.argv[3] ?? 3);
const worker = fileURLToPath(new URL('./telemetry-worker.mjs', import.meta.url));

function measure(side, pattern) {
  const run = spawnSync(process.execPath, [worker, side, pattern, String(messages)], { encoding: 'utf8', timeout: 300_000 });
  if (run.status !== 0) throw new Error(`${side}/${pattern} failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `Telemetry scoring, ${messages} messages per run, ${rounds} alternating rounds, ${cpus().length} cores (${cpus()[0].model}), Node ${process.version}\n`,
);
console.log('| arrival | raw session.run msg/s | pipeline msg/s | pipeline / raw | pipeline CPU ms/msg | raw CPU ms/msg |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const pattern of ['burst', 'one-at-a-time']) {
  const raw = [];
  const pipe = [];
  for (let r = 0; r < rounds; r++) {
    raw.push(measure('raw', pattern));
    pipe.push(measure('pipeline', pattern));
  }
  const rate = (xs) => median(xs.map((x) => x.perSecond));
  const cpu = (xs) => median(xs.map((x) => x.cpuMsPerMessage));
  console.log(
    `| ${pattern} | ${rate(raw).toFixed(0)} | ${rate(pipe).toFixed(0)} | ${(rate(pipe) / rate(raw)).toFixed(2)}x | ${cpu(pipe).toFixed(4)} | ${cpu(raw).toFixed(4)} |`,
  );
}
