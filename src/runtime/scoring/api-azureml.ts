// The seed's Azure ML scoring API: POST /score with multipart images under any field names (the seed's clients send
// `files={'image': bytes}`), answered as its drivers did: `[{<field>: [[id, label, probability], ...]}, "Computed in
// N ms"]` for classification (top-K from the decoder), `[[{boxes, labels, scores}], "Computed in N ms"]` for
// detection. Runtime stage (scoring).
import type { ApiContext, Route } from './api.js';
import { sumInference, toAzureMlAnswer } from './responses.js';
import { readNamedImages } from './uploads.js';
import { serverLimits } from './config.js';

export function azureMlRoutes(ctx: ApiContext): Route[] {
  return [
    {
      method: 'POST',
      path: /^\/score$/,
      api: 'azureml',
      handler: async (req) => {
        const started = performance.now();
        const { fields, results } = await ctx.scoreImages(
          req,
          readNamedImages(ctx.config.server.maxBodyBytes, serverLimits(ctx.config.server).imagesPerRequest),
        );
        return {
          status: 200,
          body: toAzureMlAnswer(ctx.config.task, fields, results, performance.now() - started),
          inferenceMs: sumInference(results),
        };
      },
    },
  ];
}
