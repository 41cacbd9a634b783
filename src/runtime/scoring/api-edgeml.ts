// edgeml's detailed API: POST /predict takes what /score takes (multipart with any image field names, or one raw
// image body) and answers every prediction with boxes in 0..1 and pixels, image sizes and timings per image.
// Runtime stage (scoring).
import type { ApiContext, Route } from './api.js';
import { toEdgemlAnswer } from './responses.js';
import { readNamedImages } from './uploads.js';
import { serverLimits } from './config.js';

export function edgemlRoutes(ctx: ApiContext): Route[] {
  return [
    {
      method: 'POST',
      path: /^\/predict$/,
      api: 'edgeml',
      handler: async (req) => {
        const started = performance.now();
        const { fields, results } = await ctx.scoreImages(
          req,
          readNamedImages(ctx.config.server.maxBodyBytes, serverLimits(ctx.config.server).imagesPerRequest),
        );
        const answer = toEdgemlAnswer(fields, results, performance.now() - started);
        return { status: 200, body: answer, inferenceMs: answer.timings.inferenceMs };
      },
    },
  ];
}
