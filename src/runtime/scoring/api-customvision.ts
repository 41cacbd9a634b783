// Custom Vision's prediction API, with every route of the seed's exported harness (PeopleDetectionService/app/app.py):
// GET / (banner); POST /image and /url, each also under /<project>/…, /<project>/(classify|detect)/iterations/<name>/…
// and …/nostore. /image takes the image however the harness took it (uploads.ts); /url takes JSON {"url": ...}
// ({"Url": ...} as the cloud service spells it) and is off unless the config has an allow list (url-fetch.ts).
// Runtime stage (scoring).
import type { IncomingMessage } from 'node:http';
import { HttpError, type ApiContext, type RequestImage, type Route } from './api.js';
import { sumInference, toCustomVisionAnswer } from './responses.js';
import { readCustomVisionImage, readNonEmpty } from './uploads.js';
import { createUrlFetcher } from './url-fetch.js';
import { createLimiter } from '../shared/limiter.js';

/** The text the seed's harness answers on GET /. */
export const CUSTOM_VISION_BANNER = 'CustomVision.ai model host harness';

/** Custom Vision's route variants for an action: /<action>, /<project>/<action>, /<project>/(classify|detect)/iterations/<name>/<action>, each optionally /nostore. */
const routeFor = (action: 'image' | 'url'): RegExp =>
  new RegExp(`^/(?:[^/]+/)?(?:(?:classify|detect)/iterations/[^/]+/)?${action}(?:/nostore)?$`);

/** URL fetches at once: each may hold up to urlFetch.maxBytes; more are answered 503. */
const MAX_PARALLEL_FETCHES = 4;

/** A {"url": ...} body is a few hundred bytes; anything much larger is not one. */
const MAX_URL_BODY_BYTES = 64 * 1024;

export function customVisionRoutes(ctx: ApiContext): Route[] {
  const { config } = ctx;
  const fetcher = config.server.urlFetch ? createUrlFetcher(config.server.urlFetch) : undefined;
  const fetching = createLimiter(MAX_PARALLEL_FETCHES, 0);

  const answer = async (req: IncomingMessage, read: (req: IncomingMessage) => Promise<RequestImage[]>) => {
    const { results } = await ctx.scoreImages(req, read);
    return { status: 200, body: toCustomVisionAnswer(config.name, results[0]!), inferenceMs: sumInference(results) };
  };

  const readFromUrl = async (req: IncomingMessage): Promise<RequestImage[]> => {
    if (!fetcher) {
      req.resume();
      throw new HttpError(
        403,
        "Scoring images by URL is off: list the hosts it may fetch from in the scoring module's urlFetch.allow.",
        'forbidden',
      );
    }
    const body = await readNonEmpty(req, MAX_URL_BODY_BYTES);
    const url = urlOf(body);
    return [{ field: 'url', data: await fetching.run(() => fetcher.fetch(url)) }];
  };

  return [
    {
      method: 'GET',
      path: /^\/$/,
      api: 'customvision',
      handler: async () => ({ status: 200, body: { raw: CUSTOM_VISION_BANNER, contentType: 'text/html; charset=utf-8' } }),
    },
    {
      method: 'POST',
      path: routeFor('image'),
      api: 'customvision',
      handler: (req) => answer(req, readCustomVisionImage(config.server.maxBodyBytes)),
    },
    { method: 'POST', path: routeFor('url'), api: 'customvision', handler: (req) => answer(req, readFromUrl) },
  ];
}

/** The URL of a {"url": "..."} (or {"Url": "..."}) body, whatever its Content-Type (the harness ignored it too). */
function urlOf(body: Buffer): string {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'The body is not JSON; send {"url": "http://..."}.');
  }
  const record = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  const url = Object.hasOwn(record, 'url') ? record.url : Object.hasOwn(record, 'Url') ? record.Url : undefined;
  if (typeof url !== 'string' || url === '') throw new HttpError(400, 'The body has no "url" string; send {"url": "http://..."}.');
  return url;
}
