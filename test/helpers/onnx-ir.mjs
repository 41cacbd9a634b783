// Test helper: a minimal WorkflowIR (and scoring ModuleIR) for model tests; each test overrides the model part.

export function workflowIR({
  specDir = '/tmp',
  task = 'image-classification',
  source = { kind: 'file', path: 'model.onnx' },
  labels,
  labelsFile,
  preprocess = {},
  decoder,
} = {}) {
  return {
    specFile: 'spec.yaml',
    specDir,
    name: 'test',
    description: '',
    task,
    model: {
      source,
      ...(labels ? { labels } : {}),
      ...(labelsFile ? { labelsFile } : {}),
      preprocess: { colorOrder: 'RGB', resize: 'stretch', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1], padValue: 114, ...preprocess },
      decoder: decoder ?? { kind: 'classification', activation: 'softmax', topK: 3, threshold: 0 },
      samples: [],
    },
    target: { platform: 'amd64', accelerator: 'none', device: 'ubuntu-vm', os: 'ubuntu-22.04', runtime: '1.5' },
    azure: {
      resourceGroup: 'rg',
      location: 'eastus',
      createResourceGroup: true,
      iotHub: { name: 'hub', sku: 'S1', units: 1, create: true },
      registry: { kind: 'anonymous', address: 'localhost:5000' },
      deployment: { kind: 'device', deviceId: 'dev', create: true },
    },
    modules: [],
    routes: [],
    storeAndForward: { timeToLiveSecs: 7200 },
  };
}

export function scoringModule(scoring) {
  return {
    name: 'scorer',
    kind: 'scoring',
    path: ['modules', 'scorer'],
    image: { kind: 'generated', repository: 'scorer', tag: '1' },
    version: '1',
    status: 'running',
    restartPolicy: 'always',
    env: [],
    ports: [],
    volumes: [],
    devices: [],
    createOptions: {},
    inputs: [],
    outputs: [],
    ...(scoring ? { scoring } : {}),
  };
}
