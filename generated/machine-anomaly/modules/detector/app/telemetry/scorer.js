export async function createTelemetryScorer(modelPath, inputName, outputName, intraOpThreads = 1) {
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(modelPath, {
        executionProviders: ['cpu'],
        intraOpNumThreads: intraOpThreads,
        graphOptimizationLevel: 'all',
    });
    if (!session.inputNames.includes(inputName))
        throw new Error(`The model has no input '${inputName}' (it has ${session.inputNames.join(', ')}).`);
    if (!session.outputNames.includes(outputName))
        throw new Error(`The model has no output '${outputName}' (it has ${session.outputNames.join(', ')}).`);
    let batchable = true;
    const run = async (rows) => {
        const width = rows[0].length;
        const data = new Float32Array(rows.length * width);
        rows.forEach((row, i) => data.set(row, i * width));
        const result = await session.run({ [inputName]: new ort.Tensor('float32', data, [rows.length, width]) });
        const output = result[outputName];
        const values = Float32Array.from(output.data);
        const per = values.length / rows.length;
        return rows.map((_, i) => values.subarray(i * per, (i + 1) * per));
    };
    return {
        async score(rows) {
            if (rows.length === 0)
                return [];
            if (rows.length > 1 && batchable) {
                try {
                    return await run(rows);
                }
                catch {
                    // A model with a fixed batch of 1 refuses a batch: score one row at a time from now on.
                    batchable = false;
                }
            }
            const out = [];
            for (const row of rows)
                out.push(...(await run([row])));
            return out;
        },
        close: () => session.release(),
    };
}
