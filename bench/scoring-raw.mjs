// The scoring benchmark's raw baseline, in a process of its own so no other onnxruntime session (with its own,
// possibly spinning, thread pool) shares it: sharp decode + resize → Float32Array → session.run, written without
// edgeml code, with the session settings given by the parent (the module's intra-op threads).
// Two modes:
//   node bench/scoring-raw.mjs serve   : IPC child of bench/scoring.mjs: {setup}, then {measure} requests.
//   node bench/scoring-raw.mjs startup MODEL CONFIG_JSON IMAGE THREADS : the start-up floor: load onnxruntime and
//       sharp, create one session, score once, print the milliseconds since the process started, and exit.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const mode = process.argv[2];

/** The least code that decodes, resizes, normalises and runs the model, with argmax. */
async function createRaw(modelPath, config, threads) {
  const [ort, { default: sharp }] = await Promise.all([import('onnxruntime-node'), import('sharp')]);
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    ...(threads ? { intraOpNumThreads: threads } : {}),
  });
  const { width: W, height: H, mean, std } = config.input;
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  return {
    async score(bytes) {
      const { data } = await sharp(bytes)
        .resize(W, H, { fit: 'fill', kernel: 'linear' })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const input = new Float32Array(3 * W * H);
      for (let p = 0; p < W * H; p++) for (let c = 0; c < 3; c++) input[c * W * H + p] = (data[p * 3 + c] / 255 - mean[c]) / std[c];
      const out = await session.run({ [inputName]: new ort.Tensor('float32', input, [1, 3, H, W]) });
      const scores = out[outputName].data;
      let best = 0;
      for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
      return config.labels[best] ?? String(best);
    },
    close: () => session.release(),
  };
}

/** `count` calls with `inFlight` at a time over the images: per-call latencies, wall time and this process's CPU. */
async function measure(fn, images, count, inFlight) {
  const latencies = [];
  let next = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await fn(images[i % images.length]);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  return { latencies, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

if (mode === 'startup') {
  const [, , , model, configJson, imagePath, threads] = process.argv;
  const raw = await createRaw(model, JSON.parse(configJson), Number(threads) || undefined);
  await raw.score(readFileSync(imagePath));
  // performance.now() counts from the process's time origin (its start), as the module's launch is timed.
  const cpu = process.cpuUsage();
  process.stdout.write(`${performance.now().toFixed(1)} ms, CPU ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms\n`);
  await raw.close();
} else if (mode === 'serve') {
  let raw;
  let images;
  process.on('message', async (message) => {
    try {
      if (message.type === 'setup') {
        await raw?.close();
        raw = await createRaw(message.model, message.config, message.threads);
        images = message.images.map((b64) => Buffer.from(b64, 'base64'));
        const labels = [];
        for (const image of images) labels.push(await raw.score(image));
        process.send({ type: 'ready', labels });
      } else if (message.type === 'measure') {
        process.send({ type: 'measured', ...(await measure((b) => raw.score(b), images, message.count, message.inFlight)) });
      } else if (message.type === 'close') {
        await raw?.close();
        process.disconnect();
      }
    } catch (error) {
      process.send({ type: 'error', message: error.stack ?? String(error) });
    }
  });
} else {
  process.stderr.write('usage: node bench/scoring-raw.mjs serve | startup MODEL CONFIG_JSON IMAGE THREADS\n');
  process.exitCode = 2;
}
