// Scenario for logs.test.mjs: runs a full provider flow with the Azure SDKs' verbose logging on, then writes every
// secret it met to EDGEML_SECRETS_OUT so the parent can check that none of them reached stdout/stderr.
import { writeFileSync } from 'node:fs';
import { startAzureFixtures } from '../fixtures/azure/index.mjs';

const az = await startAzureFixtures();
Object.assign(process.env, az.env);
const { createArmProvider } = await import('../../dist/providers/azure/arm.js');
const { createIotHubProvider } = await import('../../dist/providers/azure/iothub.js');
const { SecretValue } = await import('../../dist/providers/types.js');
const retry = { baseDelayMs: 1, maxAttempts: 3 };
const conn = {
  arm: createArmProvider({
    subscriptionId: az.subscriptionId,
    endpoint: az.armUrl,
    authorityHost: az.authorityHost,
    pollIntervalMs: 5,
    retry,
  }),
  iotHub: (connectionString) => createIotHubProvider({ connectionString, retry }),
};
const secrets = [az.clientSecret, az.hubOwnerKey];
try {
  await conn.arm.ensureResourceGroup('rg-log', 'westeurope');
  await conn.arm.ensureIotHub('rg-log', 'hub-log', { location: 'westeurope', sku: 'S1', units: 1 });
  // A dropped connection must not leave a timer that keeps the process alive (logs.test.mjs times the exit).
  az.faults.add({ server: 'arm', method: 'GET', path: /registries\/acrlog001$/, kind: 'drop' });
  await conn.arm.ensureRegistry('rg-log', 'acrlog001', { location: 'westeurope', sku: 'Standard' });
  const owner = await conn.arm.getIotHubOwnerConnectionString('rg-log', 'hub-log');
  secrets.push(owner.reveal().split('SharedAccessKey=')[1]);
  const creds = await conn.arm.getRegistryCredentials('rg-log', 'acrlog001');
  secrets.push(creds.password.reveal());
  const hub = conn.iotHub(owner);
  await hub.createEdgeDevice('log-dev');
  const device = await hub.getDeviceConnectionString('log-dev');
  secrets.push(device.reveal().split('SharedAccessKey=')[1]);
  az.faults.add({ server: 'hub', kind: 'throttle', retryAfterSeconds: 0 });
  console.log('device', await hub.getDevice('log-dev'));
  console.log('secret objects print as', owner, creds, `${device}`);
  const bad = conn.iotHub(
    new SecretValue(owner.reveal().replace(/SharedAccessKey=.*/, `SharedAccessKey=${Buffer.alloc(32, 9).toString('base64')}`)),
  );
  secrets.push(Buffer.alloc(32, 9).toString('base64'));
  await bad.getDevice('log-dev').catch((error) => console.error('expected failure:', error));
  await conn.arm.deleteResourceGroup('rg-log');
  console.log('SCENARIO DONE');
} finally {
  writeFileSync(process.env.EDGEML_SECRETS_OUT, JSON.stringify(secrets));
  await az.close();
}
