import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec } from '../helpers/spec-fixtures.mjs';

runCheckCases('gpu-needs-accelerator', {
  valid: [
    BASE_SPEC,
    editSpec(
      ['  platform: amd64\n', '  platform: amd64\n  accelerator: nvidia-gpu\n'],
      ['    port: 8080\n', '    port: 8080\n    gpu: 1\n'],
    ),
  ],
  invalid: [
    {
      name: 'gpu without accelerator',
      text: editSpec(['    port: 8080\n', '    port: 8080\n    gpu: all\n']),
      errors: [{ messageId: 'noAccelerator', at: 'all' }],
    },
    {
      name: 'gpu: true',
      text: editSpec(['    port: 8080\n', '    port: 8080\n    gpu: true\n']),
      errors: [{ messageId: 'noAccelerator', at: 'true' }],
    },
  ],
});
