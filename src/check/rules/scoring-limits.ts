// Check: a scoring module's limits leave room for one full-size request (the upload budget is at least the body limit).
import { defineCheck } from '../define-check.js';

export default defineCheck({
  meta: {
    id: 'scoring-limits',
    description: "Scoring modules' memory limits can hold one full-size request.",
    messages: {
      uploadsBelowBody: {
        code: 'EML3991',
        text: (d: { module: string; uploads: number; body: number }) =>
          `Scoring module '${d.module}' allows ${d.uploads} bytes of uploads in flight, less than one request of maxBodySize (${d.body} bytes), so a full-size request could never be read.`,
        hint: () => 'Raise limits.uploadsInFlight to at least maxBodySize (several times it lets uploads overlap), or lower maxBodySize.',
      },
    },
  },
  check(ctx) {
    for (const module of ctx.ir.modules) {
      const settings = module.scoring;
      const uploads = settings?.limits?.bytesInFlight;
      if (!settings || uploads === undefined || uploads >= settings.maxBodyBytes) continue;
      ctx.report('uploadsBelowBody', { module: module.name, uploads, body: settings.maxBodyBytes }, [
        ...module.path,
        'limits',
        'uploadsInFlight',
      ]);
    }
  },
});
