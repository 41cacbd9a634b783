import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec } from '../helpers/spec-fixtures.mjs';

runCheckCases('no-literal-secrets', {
  valid: [
    BASE_SPEC,
    editSpec(['    port: 8080\n', '    port: 8080\n    env:\n      API_KEY: { secret: "${env:API_KEY}" }\n      LOG_LEVEL: debug\n']),
  ],
  invalid: [
    {
      name: 'password env with a literal',
      text: editSpec(['    port: 8080\n', '    port: 8080\n    env:\n      DB_PASSWORD: hunter2\n']),
      errors: [{ messageId: 'secretEnv', at: 'hunter2' }],
    },
    {
      name: 'connection string anywhere',
      text: editSpec([
        '    port: 8080\n',
        '    port: 8080\n    twin: { conn: "HostName=h.azure-devices.net;DeviceId=d;SharedAccessKey=abcdefghijklmnopqrstuvwx=" }\n',
      ]),
      errors: [{ messageId: 'secretValue', at: '"HostName' }],
    },
    {
      name: 'rtsp with password',
      text: editSpec(['rtsp://camera.local/stream', 'rtsp://admin:pw@camera.local/stream']),
      errors: [{ messageId: 'rtspCredentials', at: '"rtsp://admin' }],
    },
  ],
});
