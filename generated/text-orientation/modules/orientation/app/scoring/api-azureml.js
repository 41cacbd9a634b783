import { sumInference, toAzureMlAnswer } from './responses.js';
import { readNamedImages } from './uploads.js';
export function azureMlRoutes(ctx) {
    return [
        {
            method: 'POST',
            path: /^\/score$/,
            api: 'azureml',
            handler: async (req) => {
                const started = performance.now();
                const { fields, results } = await ctx.scoreImages(req, readNamedImages(ctx.config.server.maxBodyBytes));
                return { status: 200, body: toAzureMlAnswer(ctx.config.task, fields, results, performance.now() - started), inferenceMs: sumInference(results) };
            },
        },
    ];
}
