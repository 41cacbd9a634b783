import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec } from '../helpers/spec-fixtures.mjs';

const withLimits = (lines) => editSpec(['    port: 8080\n', `    port: 8080\n${lines}`]);

runCheckCases('scoring-limits', {
  valid: [
    BASE_SPEC,
    withLimits(
      '    maxBodySize: 4MB\n    limits: { uploadsInFlight: 4MB, decodePerRequest: 64MB, imagesPerRequest: 8, processingTimeout: 5, requestTimeout: 30 }\n',
    ),
    withLimits('    limits: { imagesPerRequest: 1 }\n'),
  ],
  invalid: [
    {
      name: 'upload budget below the default 8MB body limit',
      text: withLimits('    limits: { uploadsInFlight: 2MB }\n'),
      errors: [{ messageId: 'uploadsBelowBody', at: '2MB' }],
    },
    {
      name: 'upload budget below a set body limit',
      text: withLimits('    maxBodySize: 16MB\n    limits:\n      uploadsInFlight: 10MB\n'),
      errors: [{ messageId: 'uploadsBelowBody', at: '10MB' }],
    },
  ],
});
