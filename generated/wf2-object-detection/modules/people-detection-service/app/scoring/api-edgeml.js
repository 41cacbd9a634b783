import { toEdgemlAnswer } from './responses.js';
import { readNamedImages } from './uploads.js';
import { serverLimits } from './config.js';
export function edgemlRoutes(ctx) {
    return [
        {
            method: 'POST',
            path: /^\/predict$/,
            api: 'edgeml',
            handler: async (req) => {
                const started = performance.now();
                const { fields, results } = await ctx.scoreImages(req, readNamedImages(ctx.config.server.maxBodyBytes, serverLimits(ctx.config.server).imagesPerRequest));
                const answer = toEdgemlAnswer(fields, results, performance.now() - started);
                return { status: 200, body: answer, inferenceMs: answer.timings.inferenceMs };
            },
        },
    ];
}
