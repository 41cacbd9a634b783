import { runCheckCases } from '../helpers/check-tester.mjs';
import { editSpec } from '../helpers/spec-fixtures.mjs';

// The Ubuntu-VM path: step 1 creates the device identity, the spec picks the runtime, GPUs and host binds are allowed.
const ase = (...more) => editSpec(['  platform: amd64\n', '  platform: amd64\n  device: azure-stack-edge\n'], ...more);

runCheckCases('databox-edge-features', {
  valid: [
    ase(),
    ase(['  device: azure-stack-edge\n', '  device: azure-stack-edge\n  accelerator: nvidia-gpu\n  runtime: "1.6"\n']),
    ase(['    output: frames\n', '    output: frames\n    volumes: ["/var/data:/data"]\n']),
    editSpec(['  platform: amd64\n', '  platform: amd64\n  device: databox-edge\n']),
  ],
  invalid: [
    {
      name: 'camera',
      text: ase(['{ rtsp: "rtsp://camera.local/stream" }', '{ camera: /dev/video0 }']),
      errors: [{ messageId: 'hostDevice', at: '/dev/video0' }],
    },
    {
      name: 'arm platform',
      text: ase(['  platform: amd64\n  device', '  platform: arm64v8\n  device']),
      errors: [{ messageId: 'platform', at: 'arm64v8' }],
    },
    {
      name: 'fleet',
      text: ase(['  device: { id: dev1 }', '  fleet: { id: f, targetCondition: "tags.a=\'b\'" }']),
      errors: [{ messageId: 'fleet', at: 'fleet:' }],
    },
  ],
});
