import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec } from '../helpers/spec-fixtures.mjs';

/** Pins the date support windows are judged against (SOURCE_DATE_EPOCH), so no case depends on the day it runs. */
const on = (isoDate) => ({ env: { SOURCE_DATE_EPOCH: String(Date.parse(`${isoDate}T12:00:00Z`) / 1000) } });
const TODAY = on('2026-12-07');

runCheckCases('platform-support', {
  valid: [
    { text: BASE_SPEC, options: TODAY, name: 'the default runtime (1.6) on the default OS is supported today' },
    { text: editSpec(['  platform: amd64\n', '  platform: arm64v8\n  device: raspberry-pi\n']), options: TODAY },
    { text: editSpec(['  platform: amd64\n', '  platform: amd64\n  os: ubuntu-24.04\n']), options: TODAY },
    {
      text: editSpec(['  platform: amd64\n', '  platform: amd64\n  runtime: "1.5"\n']),
      options: on('2026-11-10'),
      name: '1.5 on its last day of support',
    },
    {
      text: editSpec(['  platform: amd64\n', '  platform: amd64\n  device: azure-stack-edge\n']),
      options: TODAY,
      name: 'azure-stack-edge is the Ubuntu VM path',
    },
  ],
  invalid: [
    {
      name: 'scoring on arm32',
      text: editSpec(['  platform: amd64\n', '  platform: arm32v7\n  os: debian-12\n']),
      options: TODAY,
      errors: [{ messageId: 'noOnnxRuntimeArm32', at: 'scoring' }],
    },
    {
      name: 'arm32 on ubuntu',
      text: editSpec(
        ['  platform: amd64\n', '  platform: arm32v7\n'],
        ['    type: scoring\n    port: 8080\n', '    type: container\n    image: contoso/scorer:1.0\n'],
        ['    sendTo: scorer\n', '    sendTo: scorer\n'],
      ),
      options: TODAY,
      errors: [{ messageId: 'arm32Os', at: 'target:' }],
    },
    {
      name: 'debian 11 on 1.6',
      text: editSpec(['  platform: amd64\n', '  platform: amd64\n  os: debian-11\n']),
      options: TODAY,
      errors: [{ messageId: 'osNotSupported', at: 'debian-11' }],
    },
    {
      name: 'raspberry pi amd64',
      text: editSpec(['  platform: amd64\n', '  platform: amd64\n  device: raspberry-pi\n']),
      options: TODAY,
      errors: [{ messageId: 'piPlatform', at: 'amd64' }],
    },
    {
      name: 'gpu on arm32',
      text: editSpec(
        ['  platform: amd64\n', '  platform: arm32v7\n  os: debian-12\n  accelerator: nvidia-gpu\n'],
        ['    type: scoring\n    port: 8080\n', '    type: container\n    image: contoso/scorer:1.0\n'],
      ),
      options: TODAY,
      errors: [{ messageId: 'gpuPlatform', at: 'nvidia-gpu' }],
    },
    {
      name: '1.5 the day after its end of support',
      text: editSpec(['  platform: amd64\n', '  platform: amd64\n  runtime: "1.5"   # past its end\n']),
      options: on('2026-11-11'),
      errors: [{ messageId: 'supportEnded', at: '"1.5"' }],
    },
    {
      name: 'ubuntu 22.04 after its standard support (default os: points at target)',
      text: BASE_SPEC.replace('task:', '# 2027\ntask:'),
      options: on('2027-05-01'),
      errors: [{ messageId: 'supportEnded', at: 'target:' }],
    },
    {
      name: 'debian 11 on 1.5 after the OS ended',
      text: editSpec(['  platform: amd64\n', '  platform: amd64\n  os: debian-11\n  runtime: "1.5"\n']),
      options: on('2026-09-01'),
      errors: [{ messageId: 'supportEnded', at: 'debian-11' }],
    },
    {
      name: 'user build for another platform',
      text: editSpec(['routes:\n', '  tool:\n    type: container\n    build: { context: tool, platforms: [arm64v8] }\nroutes:\n']),
      options: TODAY,
      errors: [{ messageId: 'userBuildPlatform', at: '[arm64v8]' }],
    },
  ],
});
