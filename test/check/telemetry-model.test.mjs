import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec } from '../helpers/spec-fixtures.mjs';

/** A small telemetry spec (the model comes from Azure ML, so no file is needed); `edits` are [from, to] pairs. */
const TELEMETRY = `edgeml: 1
name: telem
task: telemetry
model:
  source:
    azureml: { name: anomaly, version: 1 }
  features:
    - { name: temperature, path: $body.machine.temperature }
    - { name: pressure, path: $body.machine.pressure, default: 1 }
  postprocess: { format: anomaly, threshold: 0.3 }
target:
  platform: amd64
azure:
  resourceGroup: rg
  iotHub: { name: hub-1 }
  registry: { create: { name: demoregistry } }
  ml: { workspace: ws }
  device: { id: dev1 }
modules:
  sensor:
    type: container
    image: mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5
    outputs: [temperatureOutput]
  detector:
    type: scoring
    inputs: [readings]
routes:
  - from: sensor.temperatureOutput
    to: detector.readings
  - from: detector.results
    to: upstream
    when: $body.anomaly = true
`;

const telemetry = (...edits) =>
  edits.reduce((text, [from, to]) => {
    if (!text.includes(from)) throw new Error(`'${from}' is not in the telemetry spec`);
    return text.replace(from, to);
  }, TELEMETRY);

runCheckCases('telemetry-model', {
  valid: [
    TELEMETRY,
    telemetry(['{ format: anomaly, threshold: 0.3 }', '{ format: regression, unit: degC }']),
    telemetry(
      ['{ format: anomaly, threshold: 0.3 }', '{ format: classification, activation: none }'],
      ['  features:', '  labels: [ok, worn]\n  features:'],
    ),
    BASE_SPEC,
  ],
  invalid: [
    {
      name: 'telemetry without features',
      text: telemetry([
        '  features:\n    - { name: temperature, path: $body.machine.temperature }\n    - { name: pressure, path: $body.machine.pressure, default: 1 }\n',
        '',
      ]),
      errors: [{ messageId: 'featuresMissing', at: 'model:' }],
    },
    {
      name: 'features on an image task',
      text: editSpec(['  preprocess:', '  features: [{ name: t, path: $body.t }]\n  preprocess:']),
      errors: [{ messageId: 'featuresOnImageTask', at: 'features:' }],
    },
    {
      name: 'a detector decoder for telemetry',
      text: telemetry(['{ format: anomaly, threshold: 0.3 }', '{ format: boxes }']),
      errors: [{ messageId: 'decoderNotForTask', at: 'boxes' }],
    },
    {
      name: 'an anomaly decoder for images',
      text: editSpec(['  preprocess:', '  postprocess: { format: anomaly }\n  preprocess:']),
      errors: [{ messageId: 'decoderNotForTask', at: 'anomaly' }],
    },
    {
      name: 'a scoring module without inputs',
      text: telemetry(['    inputs: [readings]\n', '']),
      errors: [{ messageId: 'noInputs', at: 'detector:' }],
    },
    {
      name: 'HTTP settings on a telemetry module',
      text: telemetry(['    inputs: [readings]\n', '    inputs: [readings]\n    port: 8080\n']),
      errors: [{ messageId: 'imageOnlySetting', at: 'port' }],
    },
    {
      name: 'two features with one name',
      text: telemetry(['{ name: pressure,', '{ name: temperature,']),
      errors: [{ messageId: 'duplicateFeature', at: 'temperature', occurrence: 2 }],
    },
    {
      name: 'a feature path the sending module never sends (by its declared contract), with a suggestion',
      text: telemetry(
        [
          '    outputs: [temperatureOutput]\n',
          '    outputs:\n      temperatureOutput:\n        schema: { type: object, required: [machine], properties: { machine: { type: object, properties: { temperature: { type: number }, pressure: { type: number } }, additionalProperties: false } } }\n',
        ],
        ['path: $body.machine.pressure', 'path: $body.machine.presure'],
      ),
      errors: [{ messageId: 'featureNotSent', at: '$body.machine.presure' }],
    },
    {
      name: 'an image-capture module in a telemetry spec',
      text: telemetry([
        '  detector:\n',
        '  camera:\n    type: image-capture\n    source: { rtsp: "rtsp://camera.local/stream" }\n    sendTo: detector\n  detector:\n',
      ]),
      errors: [{ messageId: 'captureWithTelemetry', at: 'image-capture' }],
    },
  ],
});
