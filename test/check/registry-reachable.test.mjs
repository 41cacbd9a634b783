import { runCheckCases } from '../helpers/check-tester.mjs';
import { editSpec } from '../helpers/spec-fixtures.mjs';

const registry = (address, ...more) =>
  editSpec(['  registry: { create: { name: demoregistry } }', `  registry: { address: "${address}" }`], ...more);
const fleet = ['  device: { id: dev1 }', '  fleet: { id: scanners, targetCondition: "tags.role=\'scanner\'" }'];
const onDevice = (device) => ['  platform: amd64\n', `  platform: amd64\n  device: ${device}\n`];

runCheckCases('registry-reachable', {
  valid: [
    { text: registry('myregistry.azurecr.io', fleet), name: 'a cloud registry for a fleet' },
    { text: registry('localhost:5000', onDevice('generic')), name: 'this machine as the device' },
    { text: registry('192.168.1.10:5000', fleet), name: 'a LAN address for a fleet' },
    { text: registry('localhost.example.com:5000', fleet), name: 'a host name that only starts with localhost' },
  ],
  invalid: [
    {
      name: 'fleet pulling from localhost',
      text: registry('localhost:5000', fleet),
      errors: [{ messageId: 'loopbackRegistry', at: '"localhost:5000"' }],
    },
    {
      name: 'raspberry pi pulling from 127.0.0.1',
      text: registry('127.0.0.1:5000', ['  platform: amd64\n', '  platform: arm64v8\n  device: raspberry-pi\n']),
      errors: [{ messageId: 'loopbackRegistry', at: '"127.0.0.1:5000"' }],
    },
    {
      name: 'ubuntu vm (the default device) pulling from [::1]',
      text: registry('[::1]:5000'),
      errors: [{ messageId: 'loopbackRegistry', at: '"[::1]:5000"' }],
    },
  ],
});
