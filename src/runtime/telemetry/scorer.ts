// Runs the model on feature rows: one session, rows batched into one [batch, width] input when the model's first
// dimension allows it (it is symbolic), else one run per row. Runtime stage (telemetry).
import type { InferenceSession } from 'onnxruntime-node';

export interface TelemetryScorer {
  /** One output row per input row, in order. */
  score(rows: number[][]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

export async function createTelemetryScorer(
  modelPath: string,
  inputName: string,
  outputName: string,
  intraOpThreads = 1,
): Promise<TelemetryScorer> {
  const ort = await import('onnxruntime-node');
  const session: InferenceSession = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    intraOpNumThreads: intraOpThreads,
    graphOptimizationLevel: 'all',
  });
  if (!session.inputNames.includes(inputName))
    throw new Error(`The model has no input '${inputName}' (it has ${session.inputNames.join(', ')}).`);
  if (!session.outputNames.includes(outputName))
    throw new Error(`The model has no output '${outputName}' (it has ${session.outputNames.join(', ')}).`);
  let batchable = true;
  const run = async (rows: number[][]): Promise<Float32Array[]> => {
    const width = rows[0].length;
    const data = new Float32Array(rows.length * width);
    rows.forEach((row, i) => data.set(row, i * width));
    const result = await session.run({ [inputName]: new ort.Tensor('float32', data, [rows.length, width]) });
    const output = result[outputName];
    const values = Float32Array.from(output.data as ArrayLike<number>);
    const per = values.length / rows.length;
    return rows.map((_, i) => values.subarray(i * per, (i + 1) * per));
  };
  return {
    async score(rows) {
      if (rows.length === 0) return [];
      if (rows.length > 1 && batchable) {
        try {
          return await run(rows);
        } catch {
          // A model with a fixed batch of 1 refuses a batch: score one row at a time from now on.
          batchable = false;
        }
      }
      const out: Float32Array[] = [];
      for (const row of rows) out.push(...(await run([row])));
      return out;
    },
    close: () => session.release(),
  };
}
