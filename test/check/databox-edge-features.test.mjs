import { runCheckCases } from '../helpers/check-tester.mjs';
import { editSpec } from '../helpers/spec-fixtures.mjs';

const dbe = (...more) => editSpec(['  platform: amd64\n', '  platform: amd64\n  device: databox-edge\n'], ['  iotHub: { name: hub-1 }', '  iotHub: { name: hub-1, create: false }'], ['  device: { id: dev1 }', '  device: { id: dev1, create: false }'], ...more);

runCheckCases('databox-edge-features', {
  valid: [dbe(), dbe(['    output: frames\n', '    output: frames\n    volumes: ["/home/hcsshares/input:/data:ro"]\n'])],
  invalid: [
    { name: 'gpu', text: dbe(['  device: databox-edge\n', '  device: databox-edge\n  accelerator: nvidia-gpu\n']), errors: [{ messageId: 'gpu', at: 'nvidia-gpu' }] },
    { name: 'camera', text: dbe(['{ rtsp: "rtsp://camera.local/stream" }', '{ camera: /dev/video0 }']), errors: [{ messageId: 'hostDevice', at: '/dev/video0' }] },
    { name: 'bind outside shares', text: dbe(['    output: frames\n', '    output: frames\n    volumes: ["/var/data:/data"]\n']), errors: [{ messageId: 'fileBind', at: '"/var/data:/data"' }] },
    { name: 'runtime pinned', text: dbe(['  device: databox-edge\n', '  device: databox-edge\n  runtime: "1.6"\n']), errors: [{ messageId: 'runtimeManaged', at: '"1.6"' }] },
    { name: 'hub created', text: editSpec(['  platform: amd64\n', '  platform: amd64\n  device: databox-edge\n']), errors: [{ messageId: 'hubCreated', at: 'iotHub' }] },
    { name: 'arm platform', text: dbe(['  platform: amd64\n  device', '  platform: arm64v8\n  device']), errors: [{ messageId: 'platform', at: 'arm64v8' }] },
    { name: 'fleet', text: dbe(['  device: { id: dev1, create: false }', "  fleet: { id: f, targetCondition: \"tags.a='b'\" }"]), errors: [{ messageId: 'fleet', at: 'fleet:' }] },
  ],
});
