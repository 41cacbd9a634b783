import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec } from '../helpers/spec-fixtures.mjs';

const withFetch = (extra) => editSpec(['    type: scoring\n    port: 8080\n', `    type: scoring\n    port: 8080\n${extra}`]);

runCheckCases('scoring-url-fetch', {
  valid: [
    BASE_SPEC,
    withFetch('    urlFetch: { allow: [camera.local, 192.168.10.0/24] }\n'),
    withFetch('    apis: [customvision]\n    urlFetch: { allow: ["*.example.com"] }\n'),
  ],
  invalid: [
    {
      name: 'urlFetch without customvision',
      text: withFetch('    apis: [azureml, v2]\n    urlFetch: { allow: [camera.local] }\n'),
      errors: [{ messageId: 'urlFetchUnused', at: '{ allow: [camera.local] }' }],
    },
    {
      name: 'every IPv4 address',
      text: withFetch('    urlFetch: { allow: [camera.local, 0.0.0.0/0] }\n'),
      errors: [{ messageId: 'urlFetchEverything', at: '0.0.0.0/0' }],
    },
    {
      name: 'an entry the module cannot read',
      text: withFetch('    urlFetch: { allow: [camera.local, cam_1.local, 10.0.0.0/40] }\n'),
      errors: [
        { messageId: 'urlFetchEntry', at: 'cam_1.local' },
        { messageId: 'urlFetchEntry', at: '10.0.0.0/40' },
      ],
    },
    {
      name: 'every IPv6 address',
      text: withFetch('    urlFetch:\n      allow: ["::/0"]\n'),
      errors: [{ messageId: 'urlFetchEverything', at: '"::/0"' }],
    },
  ],
});
