// Builders for WorkflowIR objects and render contexts, for renderer tests that run before (or without) the loader.
// Shared by the docker/scripts/readme and manifest tests: extend with care, keep defaults valid and wf3-like.

/** A valid wf3-like IR: a Custom Vision detector (scoring) fed by an image-capture module, one route upstream. */
export function makeIR(overrides = {}) {
  const base = {
    specFile: 'specs/test.yaml',
    specDir: '/nonexistent/spec-dir',
    name: 'wf-test',
    description: 'A test workflow.',
    task: 'object-detection',
    model: {
      source: { kind: 'customvision', path: 'models/detector', modelFile: 'model.onnx', labelsFile: 'labels.txt' },
      labels: ['person'],
      preprocess: { colorOrder: 'BGR', resize: 'stretch', scale: 1, mean: [0, 0, 0], std: [1, 1, 1], padValue: 0 },
      decoder: {
        kind: 'yolo-grid',
        anchors: [
          [0.573, 0.677],
          [1.87, 2.06],
          [3.34, 5.47],
          [7.88, 3.53],
          [9.77, 9.17],
        ],
        classActivation: 'softmax',
        threshold: 0.1,
        nmsIou: 0.45,
        maxDetections: 20,
      },
      samples: ['samples/people.jpg'],
      expect: { label: 'person', minScore: 0.5 },
    },
    target: { platform: 'amd64', accelerator: 'none', device: 'ubuntu-vm', os: 'ubuntu-22.04', runtime: '1.5' },
    azure: {
      resourceGroup: 'myedgedeployrg',
      location: 'eastus',
      createResourceGroup: true,
      iotHub: { name: 'myiothub-test', sku: 'S1', units: 1, create: true },
      registry: { kind: 'create', name: 'youracr123unique', sku: 'Standard', address: 'youracr123unique.azurecr.io' },
      deployment: { kind: 'device', deviceId: 'myedgedevice', create: true },
    },
    modules: [makeScoringModule(), makeCaptureModule()],
    routes: [
      {
        name: 'detectionsToCloud',
        path: ['routes', 0],
        from: { kind: 'module', module: 'image-capture-od', output: 'detections' },
        to: { kind: 'upstream' },
        when: '$body.predictions[0].probability >= 0.5',
        priority: 0,
        timeToLiveSecs: 7200,
      },
    ],
    storeAndForward: { timeToLiveSecs: 7200 },
  };
  return { ...base, ...overrides };
}

export function makeModule(overrides = {}) {
  return {
    name: 'module',
    kind: 'container',
    path: ['modules', 'module'],
    image: { kind: 'prebuilt', ref: 'mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5' },
    version: '1.0',
    status: 'running',
    restartPolicy: 'always',
    env: [],
    ports: [],
    volumes: [],
    devices: [],
    createOptions: {},
    inputs: [],
    outputs: [],
    contracts: {},
    ...overrides,
  };
}

export function makeScoringModule(overrides = {}) {
  return makeModule({
    name: 'people-detection-service',
    kind: 'scoring',
    path: ['modules', 'people-detection-service'],
    image: { kind: 'generated', repository: '', tag: '' },
    ports: [{ container: 80, protocol: 'tcp', host: 80 }],
    scoring: {
      port: 80,
      apis: ['azureml', 'customvision'],
      maxBodyBytes: 8388608,
      concurrency: 1,
      queueLimit: 16,
      executionProviders: ['cpu'],
    },
    ...overrides,
  });
}

export function makeCaptureModule(overrides = {}) {
  return makeModule({
    name: 'image-capture-od',
    kind: 'image-capture',
    path: ['modules', 'image-capture-od'],
    image: { kind: 'generated', repository: '', tag: '' },
    ports: [{ container: 5012, protocol: 'tcp', host: 5012 }],
    outputs: ['detections'],
    capture: {
      source: { kind: 'video', path: 'samples/people.mp4' },
      fps: 2,
      loop: true,
      resize: { width: 416, height: 416 },
      scoringModule: 'people-detection-service',
      scoringUrl: 'http://people-detection-service:80/image',
      output: 'detections',
      view: { port: 5012, minScore: 0.4 },
    },
    ...overrides,
  });
}

/** Runtime code, input files and package versions as the program would read them; small fake bytes by default. */
export function makeAssets(overrides = {}) {
  return {
    runtime: new Map([
      ['scoring/main.js', 'import "./service.js";\n'],
      ['scoring/service.js', 'export {};\n'],
      ['capture/main.js', 'export {};\n'],
      ['shared/limiter.js', 'export {};\n'],
    ]),
    files: new Map([
      ['models/detector/model.onnx', new Uint8Array([8, 7, 18, 4, 116, 101, 115, 116])],
      ['models/detector/labels.txt', new TextEncoder().encode('person\n')],
      ['samples/people.jpg', new Uint8Array([0xff, 0xd8, 0xff, 0xd9])],
      ['samples/people.mp4', new Uint8Array([0, 0, 0, 24, 102, 116, 121, 112])],
    ]),
    packageVersions: new Map([
      ['onnxruntime-node', '1.30.0'],
      ['sharp', '0.34.5'],
      ['busboy', '1.6.0'],
      ['azure-iot-device', '1.18.4'],
      ['azure-iot-device-mqtt', '1.16.4'],
    ]),
    ...overrides,
  };
}

export function makeContext(ir = makeIR(), assets = makeAssets(), model = undefined) {
  return { ir, assets, model };
}
