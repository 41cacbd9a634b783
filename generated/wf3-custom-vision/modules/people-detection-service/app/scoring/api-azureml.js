import { sumInference, toAzureMlAnswer } from './responses.js';
import { readNamedImages } from './uploads.js';
import { serverLimits } from './config.js';
export function azureMlRoutes(ctx) {
    return [
        {
            method: 'POST',
            path: /^\/score$/,
            api: 'azureml',
            handler: async (req) => {
                const started = performance.now();
                const { fields, results } = await ctx.scoreImages(req, readNamedImages(ctx.config.server.maxBodyBytes, serverLimits(ctx.config.server).imagesPerRequest));
                return {
                    status: 200,
                    body: toAzureMlAnswer(ctx.config.task, fields, results, performance.now() - started),
                    inferenceMs: sumInference(results),
                };
            },
        },
    ];
}
