import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec } from '../helpers/spec-fixtures.mjs';

const options = (yaml) => editSpec(['    port: 8080\n', `    port: 8080\n    createOptions:\n${yaml}`]);

runCheckCases('create-options-shape', {
  valid: [
    BASE_SPEC,
    options('      HostConfig:\n        ShmSize: 268435456\n        LogConfig: { Type: local }\n      Labels: { team: vision }\n'),
  ],
  invalid: [
    { name: 'unknown top-level key', text: options('      Hostconfig: {}\n'), errors: [{ messageId: 'unknownKey', at: 'Hostconfig' }] },
    {
      name: 'unknown HostConfig key',
      text: options('      HostConfig:\n        ShmSzie: 1\n'),
      errors: [{ messageId: 'unknownKey', at: 'ShmSzie' }],
    },
    {
      name: 'capabilities not nested',
      text: options('      HostConfig:\n        DeviceRequests: [{ Count: -1, Capabilities: [gpu] }]\n'),
      errors: [{ messageId: 'capabilitiesShape', at: '[gpu]' }],
    },
    {
      name: 'networking config',
      text: options('      NetworkingConfig: { EndpointsConfig: { host: {} } }\n'),
      errors: [{ messageId: 'networkingConfig', at: 'NetworkingConfig' }],
    },
    { name: 'env in createOptions', text: options('      Env: ["A=1"]\n'), errors: [{ messageId: 'envInCreateOptions', at: 'Env' }] },
    {
      name: 'privileged',
      text: options('      HostConfig: { Privileged: true }\n'),
      errors: [{ messageId: 'privileged', at: 'Privileged' }],
    },
    { name: 'HostConfig not a map', text: options('      HostConfig: [1]\n'), errors: [{ messageId: 'notObject', at: '[1]' }] },
    {
      name: 'PortBindings and ports',
      text: editSpec([
        '    port: 8080\n',
        '    port: 8080\n    ports: ["8080:8080"]\n    createOptions:\n      HostConfig:\n        PortBindings: { "8080/tcp": [{ HostPort: "8080" }] }\n',
      ]),
      errors: [{ messageId: 'portsTwice', at: 'PortBindings' }],
    },
  ],
});
