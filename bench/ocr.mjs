// Benchmark: the OCR cascade (specs/ocr.yaml: PaddleOCR detect → orientation → recognise, one scoring config) against
// the same three models run back to back in-process by hand ("raw"), on the same rendered sample pages.
// Paths:
// - raw: onnxruntime sessions and sharp, written here without edgeml's scoring code except two pure functions
//   (findTextRegions for the DBNet map, readCtc for the CTC output): letterbox → detect → regions → axis-aligned
//   crops cut by sharp → orientation batch → sharp turns the upside-down crops → recognition batch as wide as its
//   widest line (the spec's maxWidth);
// - cascade: createScorer() on the config `edgeml compile` writes for specs/ocr.yaml (in-process, the `edgeml test` path);
// - pool: createWorkerScorer() on the same config (one worker thread, the scoring module's path, without HTTP).
// Paths alternate in short rounds (in a rotating order) so bursts of load from other processes on this shared machine hit every path
// alike; each round scores every page once. Also prints whether each path read every line right.
// Usage: npm run build && node bench/ocr.mjs [--rounds N]
import { loadavg, cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { loadWorkflow } from '../dist/program.js';
import { createScoringConfig, withLocalStageModels } from '../dist/model/scoring-config.js';
import { createScorer } from '../dist/runtime/scoring/scorer.js';
import { createWorkerScorer } from '../dist/runtime/scoring/worker-pool.js';
import { findTextRegions } from '../dist/runtime/scoring/decoders/text-detection.js';
import { readCtc } from '../dist/runtime/scoring/decoders/text-recognition.js';
import { intraOpThreadsFor } from '../dist/runtime/scoring/session.js';
import { rectCorners } from '../dist/runtime/scoring/decoders/min-area-rect.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1]) || 5;
const pages = ['invoice.png', 'shipping-label.png', 'scanned-upside-down.png'].map((f) => ({
  file: f,
  bytes: readFileSync(join(root, 'specs/samples/ocr', f)),
}));
const truth = JSON.parse(readFileSync(join(root, 'specs/samples/ocr-truth.json'), 'utf8'));

const loaded = await loadWorkflow('specs/ocr.yaml', { cwd: root, env: {} });
if (!loaded.ir) throw new Error('specs/ocr.yaml does not load');
const module = loaded.ir.modules.find((m) => m.kind === 'scoring');
const config = withLocalStageModels(createScoringConfig(loaded.ir, module, loaded.modelInfo), loaded.ir);
config.model.path = join(loaded.ir.specDir, loaded.ir.model.source.path);

/** Float32 NCHW tensor of packed RGB pixels fed as BGR, (v/255 - mean) / std, into a W x H canvas at (0, 0). */
function tensorOf(images, W, H, mean, std) {
  const out = new Float32Array(images.length * 3 * W * H);
  images.forEach(({ data, width, height }, n) => {
    const base = n * 3 * W * H;
    for (let c = 0; c < 3; c++) out.fill((0 - mean[c]) / std[c], base + c * W * H, base + (c + 1) * W * H);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const s = (y * width + x) * 3;
        for (let c = 0; c < 3; c++) out[base + c * W * H + y * W + x] = (data[s + 2 - c] / 255 - mean[c]) / std[c];
      }
    }
  });
  return new ort.Tensor('float32', out, [images.length, 3, H, W]);
}

async function createRaw() {
  const options = { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: intraOpThreadsFor(1) };
  const [det, cls, rec] = await Promise.all(
    [config.model.path, ...config.cascade.stages.map((s) => s.model.path)].map((p) => ort.InferenceSession.create(p, options)),
  );
  const detCfg = config.decoder;
  const alphabet = config.cascade.stages[1].decoder.alphabet;
  const half = [0.5, 0.5, 0.5];
  /** A crop at height 48, its width kept up to W (pad-right happens in tensorOf). */
  const lineInput = async (png, W) => {
    const meta = await sharp(png).metadata();
    const width = Math.min(W, Math.ceil((meta.width * 48) / meta.height));
    const { data, info } = await sharp(png).resize(width, 48, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  };
  /** The recogniser batch as wide as its widest line (320 to 1280, a multiple of 8), as the spec's maxWidth does. */
  const recWidth = async (pngs) => {
    const widths = await Promise.all(
      pngs.map(async (png) =>
        sharp(png)
          .metadata()
          .then((m) => Math.ceil((m.width * 48) / m.height)),
      ),
    );
    return Math.min(1280, Math.max(320, Math.ceil(Math.max(...widths) / 8) * 8));
  };
  return {
    async score(bytes) {
      const image = sharp(bytes);
      const { width: ow, height: oh } = await image.metadata();
      const s = Math.min(640 / ow, 640 / oh);
      const cw = Math.round(ow * s);
      const ch = Math.round(oh * s);
      const { data } = await sharp(bytes).resize(cw, ch, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const canvas = { data: Buffer.alloc(640 * 640 * 3, 255), width: 640, height: 640 };
      const ox = Math.floor((640 - cw) / 2);
      const oy = Math.floor((640 - ch) / 2);
      for (let y = 0; y < ch; y++) data.copy(canvas.data, ((y + oy) * 640 + ox) * 3, y * cw * 3, (y + 1) * cw * 3);
      const detOut = await det.run({ [det.inputNames[0]]: tensorOf([canvas], 640, 640, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]) });
      const map = detOut[det.outputNames[0]];
      const regions = findTextRegions(map.data, 640, 640, detCfg);
      const crops = await Promise.all(
        regions.map((r) => {
          const xs = rectCorners(r.rect).map((p) => (p[0] - ox) / s);
          const ys = rectCorners(r.rect).map((p) => (p[1] - oy) / s);
          const pad = 0.15 * Math.min(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
          const left = Math.max(0, Math.floor(Math.min(...xs) - pad));
          const top = Math.max(0, Math.floor(Math.min(...ys) - pad));
          const right = Math.min(ow, Math.ceil(Math.max(...xs) + pad));
          const bottom = Math.min(oh, Math.ceil(Math.max(...ys) + pad));
          return sharp(bytes)
            .extract({ left, top, width: right - left, height: bottom - top })
            .png({ compressionLevel: 0 })
            .toBuffer();
        }),
      );
      if (crops.length === 0) return [];
      const clsOut = await cls.run({
        [cls.inputNames[0]]: tensorOf(await Promise.all(crops.map((c) => lineInput(c, 192))), 192, 48, half, half),
      });
      const probs = clsOut[cls.outputNames[0]].data;
      const turned = await Promise.all(
        crops.map((c, i) => (probs[i * 2 + 1] >= 0.9 ? sharp(c).rotate(180).png({ compressionLevel: 0 }).toBuffer() : c)),
      );
      const W = await recWidth(turned);
      const recOut = await rec.run({
        [rec.inputNames[0]]: tensorOf(await Promise.all(turned.map((c) => lineInput(c, W))), W, 48, half, half),
      });
      const ctc = recOut[rec.outputNames[0]];
      return crops.map((_, i) => ({ text: readCtc(ctc, i, alphabet, 0).text, turned: probs[i * 2 + 1] >= 0.9 ? 180 : 0 }));
    },
    close: () => Promise.all([det, cls, rec].map((x) => x.release())),
  };
}

const asLines = (result) =>
  result.predictions.map((p) => ({ text: p.stages?.text?.predictions[0]?.text ?? '', turned: p.stages?.orientation?.rotated }));
const cascade = await createScorer(config);
const pool = await createWorkerScorer(config, { workers: 1 });
const raw = await createRaw();
const paths = {
  raw: async (bytes) => raw.score(bytes),
  cascade: async (bytes) => asLines(await cascade.score(bytes)),
  pool: async (bytes) => asLines(await pool.score(bytes)),
};

const correct = (file, lines) => {
  const want = truth[file].map((l) => l.text).sort();
  const got = lines.map((l) => l.text).sort();
  return JSON.stringify(want) === JSON.stringify(got);
};
const times = Object.fromEntries(Object.keys(paths).map((k) => [k, []]));
const right = Object.fromEntries(Object.keys(paths).map((k) => [k, 0]));
// CPU time of the whole process (every thread) per page: less sensitive than wall time to other processes' load.
const cpuTimes = Object.fromEntries(Object.keys(paths).map((k) => [k, []]));
for (const [_name, run] of Object.entries(paths)) for (const page of pages) await run(page.bytes); // warm-up
const load = loadavg()[0];
for (let round = 0; round < rounds; round++) {
  // The order rotates each round, so no path always follows the same one.
  const names = Object.keys(paths);
  for (const name of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) {
    const run = paths[name];
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (const page of pages) if (correct(page.file, await run(page.bytes))) right[name]++;
    times[name].push((performance.now() - t0) / pages.length);
    const cpu = process.cpuUsage(c0);
    cpuTimes[name].push((cpu.user + cpu.system) / 1000 / pages.length);
  }
}
await Promise.all([cascade.close(), pool.close(), raw.close()]);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(times.raw);
console.log(
  `${cpus().length} cores (${cpus()[0].model}), node ${process.version}, load average at start ${load.toFixed(2)}, ${rounds} rounds x ${pages.length} pages`,
);
const cpuBase = median(cpuTimes.raw);
console.log('| path | median ms / page | pages / s | vs raw | median CPU ms / page | CPU vs raw | pages read exactly |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const name of Object.keys(paths)) {
  const m = median(times[name]);
  const c = median(cpuTimes[name]);
  console.log(
    `| ${name} | ${m.toFixed(0)} | ${(1000 / m).toFixed(2)} | ${(m / base).toFixed(2)}x | ${c.toFixed(0)} | ${(c / cpuBase).toFixed(2)}x | ${right[name]} of ${rounds * pages.length} |`,
  );
}
