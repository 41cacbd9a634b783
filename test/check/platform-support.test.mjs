import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec } from '../helpers/spec-fixtures.mjs';

// Cases pin runtime 1.6 unless they are about 1.5, so each asserts only its own diagnostic.
const on16 = (text) => (text.includes('runtime:') ? text : text.replace('target:\n', 'target:\n  runtime: "1.6"\n'));

runCheckCases('platform-support', {
  valid: [
    editSpec(['  platform: amd64\n', '  platform: amd64\n  runtime: "1.6"\n']),
    editSpec(['  platform: amd64\n', '  platform: arm64v8\n  device: raspberry-pi\n  runtime: "1.6"\n']),
    editSpec(['  platform: amd64\n', '  platform: amd64\n  runtime: "1.6"\n  os: ubuntu-24.04\n']),
  ],
  invalid: [
    { name: 'scoring on arm32', text: on16(editSpec(['  platform: amd64\n', '  platform: arm32v7\n  os: debian-12\n'])), errors: [{ messageId: 'noOnnxRuntimeArm32', at: 'scoring' }] },
    { name: 'arm32 on ubuntu', text: on16(editSpec(['  platform: amd64\n', '  platform: arm32v7\n'], ['    type: scoring\n    port: 8080\n', '    type: container\n    image: contoso/scorer:1.0\n'], ['    sendTo: scorer\n', '    sendTo: scorer\n'])), errors: [{ messageId: 'arm32Os', at: 'target:' }] },
    { name: 'debian 11 on 1.6', text: editSpec(['  platform: amd64\n', '  platform: amd64\n  runtime: "1.6"\n  os: debian-11\n']), errors: [{ messageId: 'osNotSupported', at: 'debian-11' }] },
    { name: 'raspberry pi amd64', text: on16(editSpec(['  platform: amd64\n', '  platform: amd64\n  device: raspberry-pi\n'])), errors: [{ messageId: 'piPlatform', at: 'amd64' }] },
    { name: 'gpu on arm32', text: on16(editSpec(['  platform: amd64\n', '  platform: arm32v7\n  os: debian-12\n  accelerator: nvidia-gpu\n'], ['    type: scoring\n    port: 8080\n', '    type: container\n    image: contoso/scorer:1.0\n'])), errors: [{ messageId: 'gpuPlatform', at: 'nvidia-gpu' }] },
    { name: '1.5 is past its end of support', text: BASE_SPEC, errors: [{ messageId: 'runtimeSupportEnded', at: 'target:' }] },
    { name: 'user build for another platform', text: on16(editSpec(['routes:\n', '  tool:\n    type: container\n    build: { context: tool, platforms: [arm64v8] }\nroutes:\n'])), errors: [{ messageId: 'userBuildPlatform', at: '[arm64v8]' }] },
  ],
});
