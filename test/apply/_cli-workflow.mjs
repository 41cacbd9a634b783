// Test helper for the CLI suites: a small real spec (one ready-made container, a device target) in a temp folder,
// the Azure fixtures, and an in-process CLI runner pointed at both.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAzureFixtures } from '../fixtures/azure/index.mjs';
import { cliRunner } from '../helpers/cli-runner.mjs';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const sensorToken = 'sensor-token-Hq2Lw9Xe4';

export function writeSpec(dir, armUrl) {
  copyFileSync(join(root, 'specs/models/text-orientation/model.onnx'), join(dir, 'model.onnx'));
  const spec = `edgeml: 1
name: cli-wf
description: CLI test workflow with one ready-made container.
task: image-classification
model:
  source:
    file: model.onnx
  labels: ["0", "180"]
  preprocess:
    width: 192
    height: 48
  postprocess:
    format: classification
target:
  platform: amd64
  device: ubuntu-vm
  os: ubuntu-22.04
  runtime: "1.5"
azure:
  resourceGroup: cli-rg
  location: westeurope
  iotHub:
    name: cli-hub
  registry:
    create:
      name: cliacr12345
  device:
    id: cli-edge
  endpoints:
    resourceManager: ${armUrl}
modules:
  sensor:
    type: container
    image: \${env:SENSOR_IMAGE:-mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5}
    env:
      TOKEN:
        secret: \${env:SENSOR_TOKEN}
routes:
  - name: up
    from: sensor.*
    to: upstream
`;
  writeFileSync(join(dir, 'spec.yaml'), spec);
  return join(dir, 'spec.yaml');
}

export async function withCli(fn) {
  const az = await startAzureFixtures({ deviceBehavior: { delayMs: 20 } });
  // DefaultAzureCredential reads the process environment, not the CLI's io.env.
  Object.assign(process.env, az.env);
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-cli-'));
  const spec = writeSpec(dir, az.armUrl);
  const env = { ...process.env, ...az.env, SENSOR_TOKEN: sensorToken, EDGEML_APPLY_POLL_MS: '10', NO_COLOR: '1' };
  const outputs = [];
  const run = cliRunner({ cwd: dir, env, outputs });
  try {
    await fn({ az, dir, spec, env, run, outputs });
  } finally {
    await az.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
