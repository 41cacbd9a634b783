// Source of schemas/edgeml.schema.json: run `npm run schema` after editing; a test checks the two agree.
// Written as code because the schema repeats shapes (ports, volumes, env) that are easier to keep right once.
const str = (description, extra = {}) => ({ type: 'string', description, ...extra });
const int = (description, extra = {}) => ({ type: 'integer', description, ...extra });
const num = (description, extra = {}) => ({ type: 'number', description, ...extra });
const bool = (description) => ({ type: 'boolean', description });
const en = (description, values) => ({ type: 'string', enum: values, description });
const obj = (description, properties, extra = {}) => ({ type: 'object', description, additionalProperties: false, properties, ...extra });
const arr = (description, items, extra = {}) => ({ type: 'array', description, items, ...extra });
const secretRef = (description) => str(description + ' Must be a reference such as ${env:NAME}: secret values are never written in a spec.', { pattern: '^\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\}$' });
const relPath = (description) => str(description, { minLength: 1, maxLength: 1024 });

const envValue = {
  description: 'Value of an environment variable: a string, number or boolean, or { secret: ${env:NAME} } for a value resolved only at apply time.',
  oneOf: [
    { type: ['string', 'number', 'boolean'] },
    obj('A secret environment value, resolved only when applying; the compiled manifest holds a reference.', {
      secret: secretRef('Environment variable that holds the secret.'),
    }, { required: ['secret'] }),
  ],
};

const portSpec = {
  description: 'A port: "HOST:CONTAINER[/udp]" publishes on the device, a number exposes to other modules only, or an object.',
  oneOf: [
    str('"HOST:CONTAINER" or "HOST:CONTAINER/udp" or "IP:HOST:CONTAINER".', { pattern: '^([0-9.]+:)?[0-9]{1,5}:[0-9]{1,5}(/(tcp|udp))?$' }),
    int('Container port exposed to other modules on the edge network (not published on the device).', { minimum: 1, maximum: 65535 }),
    obj('A port mapping.', {
      container: int('Port inside the container.', { minimum: 1, maximum: 65535 }),
      host: int('Port published on the device; omit to keep the port internal.', { minimum: 1, maximum: 65535 }),
      protocol: en('Transport protocol.', ['tcp', 'udp']),
      hostIp: str('Host address to bind, e.g. 127.0.0.1 to publish on loopback only.'),
    }, { required: ['container'] }),
  ],
};

const volumeSpec = {
  description: 'A volume: "SOURCE:TARGET[:ro]" (SOURCE an absolute host path or a volume name) or an object.',
  oneOf: [
    str('"SOURCE:TARGET" or "SOURCE:TARGET:ro".', { pattern: '^[^:]+:/[^:]*(:(ro|rw))?$' }),
    obj('A volume mount.', {
      source: str('Absolute host path (bind mount) or a Docker volume name.'),
      target: str('Absolute path inside the container.', { pattern: '^/' }),
      readOnly: bool('Mount read-only.'),
    }, { required: ['source', 'target'] }),
  ],
};

const deviceSpec = {
  description: 'A host device made available to the module, e.g. "/dev/video0" or "/dev/ttyUSB0:/dev/ttyS0".',
  oneOf: [
    str('"HOST" or "HOST:CONTAINER[:PERMISSIONS]".', { pattern: '^/dev/[^:]+(:/dev/[^:]+)?(:[rwm]{1,3})?$' }),
    obj('A device mapping.', {
      host: str('Device path on the host.', { pattern: '^/dev/' }),
      container: str('Device path in the container (default: same as host).', { pattern: '^/dev/' }),
      permissions: str('cgroup permissions, a combination of r, w and m (default rwm).', { pattern: '^[rwm]{1,3}$' }),
    }, { required: ['host'] }),
  ],
};

const commonModuleProps = {
  version: str('Module version string; changing it restarts the module on the device (default "1.0").'),
  status: en('Desired status (default running).', ['running', 'stopped']),
  restartPolicy: en('When edgeAgent restarts the module (default always). on-unhealthy behaves like always on IoT Edge.', ['always', 'on-failure', 'on-unhealthy', 'never']),
  imagePullPolicy: en('When edgeAgent pulls the image (default on-create).', ['on-create', 'never']),
  startupOrder: int('Start order; lower numbers start first, edgeHub is 0 (default: no order).', { minimum: 0, maximum: 4294967295 }),
  env: { type: 'object', description: 'Environment variables for the module.', propertyNames: { pattern: '^[^+#$\\s.]+$' }, additionalProperties: envValue },
  ports: arr('Ports exposed by the module.', portSpec),
  volumes: arr('Host paths or volumes mounted into the module.', volumeSpec),
  devices: arr('Host devices (cameras, serial ports) made available to the module.', deviceSpec),
  gpu: { description: 'GPUs for the module: true or "all" for every GPU, or a count. Needs target.accelerator nvidia-gpu.', oneOf: [{ type: 'boolean' }, { const: 'all' }, { type: 'integer', minimum: 1, maximum: 16 }] },
  twin: { type: 'object', description: 'Module twin desired properties (at most 32 KB in total with the rest of the twin).' },
  createOptions: { type: 'object', description: 'Raw Docker create options merged over what edgeml derives from the typed fields. Checked, minified and chunked by edgeml.' },
  inputs: arr('IoT Edge input names the module reads messages from.', str('Input name.')),
  outputs: arr('IoT Edge output names the module sends messages on.', str('Output name.')),
};

const scoringModule = obj('A generated scoring server for the spec\'s model (HTTP, Azure ML and Custom Vision compatible).', {
  type: { const: 'scoring', description: 'A generated scoring server for the model.' },
  port: int('Port the server listens on inside the container (default 5001, as Azure ML images did).', { minimum: 1, maximum: 65535 }),
  apis: arr('HTTP APIs to serve (default both): azureml is POST /score (multipart), customvision is POST /image.', en('API.', ['azureml', 'customvision']), { minItems: 1, uniqueItems: true }),
  maxBodySize: str('Largest accepted request body, e.g. "4MB" (default 8MB).', { pattern: '^[0-9]+(\\.[0-9]+)?\\s*(B|KB|MB|GB)$' }),
  concurrency: int('Inference requests run at once (default 1 on CPU).', { minimum: 1, maximum: 64 }),
  queueLimit: int('Requests allowed to wait for inference; more are answered 503 (default 16).', { minimum: 0, maximum: 10000 }),
  ...commonModuleProps,
}, { required: ['type'] });

const captureModule = obj('A generated frame source: reads images, a video, a camera or an RTSP stream, sends frames to a scoring module and results to IoT Edge.', {
  type: { const: 'image-capture', description: 'A generated image-capture module.' },
  source: {
    description: 'Where frames come from: exactly one of folder, video, camera, rtsp.',
    type: 'object', additionalProperties: false, minProperties: 1, maxProperties: 1,
    properties: {
      folder: relPath('Folder of images (relative to the spec), copied into the image.'),
      video: relPath('Video file (relative to the spec), copied into the image; decoded with ffmpeg.'),
      camera: str('Camera device on the host, e.g. /dev/video0 (mapped into the module automatically).', { pattern: '^/dev/' }),
      rtsp: str('RTSP URL, or a reference such as ${env:RTSP_URL} when it holds credentials.'),
    },
  },
  fps: num('Frames per second to capture (default 1).', { exclusiveMinimum: 0, maximum: 60 }),
  loop: bool('Start again at the end of a folder or video (default true).'),
  resize: obj('Resize frames before sending them.', { width: int('Width in pixels.', { minimum: 1, maximum: 8192 }), height: int('Height in pixels.', { minimum: 1, maximum: 8192 }) }, { required: ['width', 'height'] }),
  sendTo: str('Name of the scoring module frames are sent to.'),
  output: str('IoT Edge output the results are sent on (default "results").'),
  view: obj('An annotated-frame web view.', { port: int('Port of the web view inside the container.', { minimum: 1, maximum: 65535 }), minScore: num('Only draw predictions at least this confident (default 0.4).', { minimum: 0, maximum: 1 }) }, { required: ['port'] }),
  ...commonModuleProps,
}, { required: ['type', 'source', 'sendTo'] });

const containerModule = obj('Any container: a ready image, or your own build context and Dockerfile.', {
  type: { const: 'container', description: 'An existing image or your own Dockerfile.' },
  image: str('Image reference, e.g. mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5.'),
  build: obj('Build the image from your own context.', {
    context: relPath('Build context folder, relative to the spec.'),
    dockerfile: relPath('Dockerfile relative to the context (default Dockerfile).'),
    platforms: arr('Platforms the Dockerfile can build for (default: the target platform).', en('Platform.', ['amd64', 'arm64v8', 'arm32v7']), { uniqueItems: true }),
  }, { required: ['context'] }),
  ...commonModuleProps,
}, { required: ['type'] });

const moduleDef = {
  description: 'A module: type scoring, image-capture or container.',
  type: 'object',
  required: ['type'],
  properties: { type: en('Module type.', ['scoring', 'image-capture', 'container']) },
  allOf: [
    { if: { properties: { type: { const: 'scoring' } } }, then: { $ref: '#/definitions/scoringModule' } },
    { if: { properties: { type: { const: 'image-capture' } } }, then: { $ref: '#/definitions/captureModule' } },
    { if: { properties: { type: { const: 'container' } } }, then: { $ref: '#/definitions/containerModule' } },
  ],
};

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://edgeml.dev/schemas/edgeml-1.schema.json',
  title: 'edgeml workflow spec, version 1',
  description: 'One file that describes an ML model, the IoT Edge device it runs on, its modules and routes, and the Azure resources around them.',
  type: 'object',
  additionalProperties: false,
  required: ['edgeml', 'name', 'task', 'model', 'target', 'azure', 'modules'],
  definitions: { scoringModule, captureModule, containerModule },
  properties: {
    edgeml: { const: 1, description: 'Spec format version. Always 1 for this schema.' },
    name: str('Workflow name: lowercase letters, digits and hyphens. Names the output folder and tags images.', { pattern: '^[a-z][a-z0-9-]{0,62}$' }),
    description: str('What this workflow does, for people reading the spec and the generated README.'),
    task: en('What the model does.', ['image-classification', 'object-detection']),
    model: obj('The model, how images are prepared for it and how its outputs are read.', {
      source: {
        description: 'Where the model comes from: exactly one of file, customvision, azureml, url.',
        type: 'object', additionalProperties: false, minProperties: 1, maxProperties: 1,
        properties: {
          file: relPath('ONNX model file, relative to the spec.'),
          customvision: relPath('Custom Vision ONNX export, relative to the spec: the downloaded .zip, or the folder it unzips to (model.onnx and labels.txt).'),
          azureml: obj('A model registered in the Azure ML workspace named in azure.ml.', {
            name: str('Registered model name.'), version: int('Registered model version.', { minimum: 1 }),
            file: str('ONNX file inside the registered model (default model.onnx).'),
          }, { required: ['name', 'version'] }),
          url: obj('An ONNX model downloaded over HTTPS when building the image.', {
            href: str('HTTPS address of the ONNX file.', { pattern: '^https://' }),
            sha256: str('SHA-256 of the file, checked after download.', { pattern: '^[a-fA-F0-9]{64}$' }),
          }, { required: ['href', 'sha256'] }),
        },
      },
      labels: arr('Class labels in the order of the model\'s outputs.', str('Label.'), { maxItems: 100000 }),
      labelsFile: relPath('Text file with one label per line, relative to the spec.'),
      preprocess: obj('How an image becomes the model input. Anything the ONNX file tells (size, layout, element type) is optional.', {
        input: str('Model input name (default: the first input).'),
        width: int('Input width in pixels (default: from the model).', { minimum: 1, maximum: 8192 }),
        height: int('Input height in pixels (default: from the model).', { minimum: 1, maximum: 8192 }),
        layout: en('Tensor layout (default: from the model).', ['NCHW', 'NHWC']),
        elementType: en('Input element type (default: from the model).', ['float32', 'uint8']),
        colorOrder: en('Channel order the model expects (default RGB).', ['RGB', 'BGR']),
        resize: en('How images are fitted to the input size (default stretch). letterbox keeps the aspect ratio and pads; crop fills and cuts; pad-right keeps the ratio at full height and pads on the right.', ['stretch', 'letterbox', 'crop', 'pad-right']),
        scale: num('Multiplier applied to 0-255 pixel values before mean/std (default 1/255 for float inputs).'),
        mean: arr('Per-channel mean subtracted after scaling.', { type: 'number' }, { minItems: 3, maxItems: 3 }),
        std: arr('Per-channel standard deviation divided after subtracting the mean.', { type: 'number', exclusiveMinimum: 0 }, { minItems: 3, maxItems: 3 }),
        padValue: int('Pixel value (0-255) used for letterbox padding (default 114).', { minimum: 0, maximum: 255 }),
      }),
      postprocess: obj('How the model outputs become predictions.', {
        format: en('Output format: classification scores; boxes (separate boxes/scores/labels tensors); yolo-grid (Custom Vision).', ['classification', 'boxes', 'yolo-grid']),
        output: str('Output tensor name for classification or yolo-grid (default: the first output).'),
        outputs: obj('Output tensor names for the boxes format.', { boxes: str('Boxes tensor.'), scores: str('Scores tensor.'), labels: str('Class ids tensor.') }),
        activation: en('Activation applied to classification scores (default softmax; none when the model already outputs probabilities).', ['softmax', 'sigmoid', 'none']),
        topK: int('How many classes to return (default 3).', { minimum: 1, maximum: 1000 }),
        threshold: num('Minimum score for a prediction to be returned.', { minimum: 0, maximum: 1 }),
        iou: num('Intersection-over-union above which overlapping boxes are suppressed (default 0.45).', { minimum: 0, maximum: 1 }),
        maxDetections: int('Most detections returned per image (default 20).', { minimum: 1, maximum: 10000 }),
        boxFormat: en('Box coordinates of the boxes format (default xyxy).', ['xyxy', 'xywh', 'cxcywh']),
        normalized: bool('Boxes are 0-1 relative to the input (default false: pixels of the network input).'),
        labelOffset: int('Added to class ids before looking up labels, e.g. -1 when id 0 is background.', { minimum: -1000, maximum: 1000 }),
        xyActivation: en('How yolo-grid box offsets are read: sigmoid (the classic Custom Vision decoder) or none (newer exports). Default: from the model\'s metadata, else sigmoid.', ['sigmoid', 'none']),
        anchors: arr('Anchor sizes (in grid cells) of the yolo-grid format (default: Custom Vision\'s five anchors).', { type: 'array', items: { type: 'number', exclusiveMinimum: 0 }, minItems: 2, maxItems: 2 }, { minItems: 1, maxItems: 20 }),
      }),
      samples: arr('Sample images (relative to the spec) used by edgeml test and the generated step-5 test.', relPath('Image file.')),
      expect: obj('What a correct prediction on the first sample looks like.', {
        label: str('Expected top label.'), minScore: num('Expected minimum score of the top prediction.', { minimum: 0, maximum: 1 }),
        minDetections: int('Expected minimum number of detections.', { minimum: 0 }),
      }),
    }, { required: ['source'] }),
    target: obj('The IoT Edge device the workflow runs on.', {
      platform: en('CPU architecture of the device (default amd64).', ['amd64', 'arm64v8', 'arm32v7']),
      accelerator: en('Accelerator on the device (default none).', ['none', 'nvidia-gpu']),
      device: en('Kind of device, which decides how it is set up (default ubuntu-vm). databox-edge (also azure-stack-edge): IoT Edge in an Ubuntu VM on an Azure Stack Edge / Data Box Edge appliance, since managed IoT Edge on the appliance was retired on 2024-03-31.', ['ubuntu-vm', 'databox-edge', 'azure-stack-edge', 'raspberry-pi', 'generic']),
      os: en('Operating system of the device (default ubuntu-22.04).', ['ubuntu-22.04', 'ubuntu-24.04', 'debian-11', 'debian-12', 'raspberry-pi-os-12']),
      runtime: { description: 'IoT Edge runtime version (default "1.6", the supported LTS; 1.5 LTS support ended on 2026-11-10).', enum: ['1.5', '1.6', 1.5, 1.6] },
    }),
    azure: obj('Azure resources the workflow uses or creates.', {
      subscription: str('Subscription id (default: the signed-in account\'s default subscription).'),
      resourceGroup: {
        description: 'Resource group name, or { name, create } (default create: true).',
        oneOf: [str('Resource group name.', { pattern: '^[-\\w._()]{1,90}$' }), obj('Resource group.', { name: str('Name.', { pattern: '^[-\\w._()]{1,90}$' }), create: bool('Create it (and delete it on destroy) when it does not exist.') }, { required: ['name'] })],
      },
      location: str('Azure region, e.g. eastus.', { pattern: '^[a-z0-9]+$' }),
      iotHub: obj('The IoT hub.', {
        name: str('IoT hub name, globally unique: 3-50 letters, digits and hyphens.', { pattern: '^[A-Za-z0-9-]{3,50}$' }),
        sku: en('Pricing tier (default S1). F1 is free, one per subscription.', ['F1', 'B1', 'B2', 'B3', 'S1', 'S2', 'S3']),
        units: int('Number of units (default 1).', { minimum: 1, maximum: 200 }),
        create: bool('Create the hub when it does not exist (default true; false for a Data Box Edge hub).'),
      }, { required: ['name'] }),
      registry: {
        description: 'Container registry: { create: { name, sku } } for a new Azure Container Registry, or { address, username, password } for an existing one.',
        type: 'object', additionalProperties: false,
        properties: {
          create: obj('Create an Azure Container Registry.', { name: str('Registry name, globally unique: 5-50 letters and digits.', { pattern: '^[a-zA-Z0-9]{5,50}$' }), sku: en('Registry tier (default Standard).', ['Basic', 'Standard', 'Premium']) }, { required: ['name'] }),
          address: str('Login server of an existing registry, e.g. myacr.azurecr.io or localhost:5000.', { pattern: '^[a-z0-9.-]+(:[0-9]{1,5})?$' }),
          username: str('User name for the existing registry (a plain name or a ${env:NAME} reference).'),
          password: secretRef('Password or token for the existing registry.'),
        },
      },
      ml: obj('The Azure ML workspace a model comes from.', { workspace: str('Workspace name.'), resourceGroup: str('Workspace resource group (default: azure.resourceGroup).') }, { required: ['workspace'] }),
      device: obj('Deploy to one IoT Edge device.', { id: str('Device id: up to 128 letters, digits and - . _ : characters.', { pattern: '^[A-Za-z0-9\\-.:_]{1,128}$' }), create: bool('Create the device identity when it does not exist (default true).') }, { required: ['id'] }),
      fleet: obj('Deploy to every device that matches a target condition (an IoT Hub automatic deployment).', {
        id: str('Deployment name; edgeml adds a content hash, so updates never collide.', { pattern: '^[a-z0-9-+%_*!\']{1,100}$' }),
        targetCondition: str('Which devices get the deployment, e.g. tags.environment=\'prod\'.'),
        priority: int('Priority; the highest priority base deployment wins on a device (default 10).', { minimum: 0, maximum: 2147483647 }),
        layered: bool('A layered deployment adds modules on top of a base deployment (default false).'),
        labels: { type: 'object', description: 'Labels attached to the deployment.', additionalProperties: { type: 'string' } },
        metrics: { type: 'object', description: 'Custom metric queries (at most 5).', additionalProperties: { type: 'string' }, maxProperties: 5 },
      }, { required: ['id'] }),
      endpoints: obj('Endpoint overrides for sovereign clouds (or test servers).', {
        resourceManager: str('Azure Resource Manager endpoint, e.g. https://management.chinacloudapi.cn.', { pattern: '^https://' }),
        iotHubSuffix: str('IoT hub host name suffix, e.g. azure-devices.cn.'),
        authority: str('Microsoft Entra authority host, e.g. https://login.chinacloudapi.cn.', { pattern: '^https://' }),
      }),
    }, { required: ['resourceGroup', 'iotHub', 'registry'] }),
    modules: {
      type: 'object',
      description: 'The modules that run on the device, by name. Names may use letters, digits, - and _.',
      minProperties: 1,
      additionalProperties: moduleDef,
    },
    routes: arr('How messages flow between modules and to IoT Hub.', obj('A route.', {
      name: str('Route name (default: derived from from and to).', { pattern: '^[^.$# ]+$' }),
      from: str('Source: "module.output", "module.*" or "module" (any output), "*" (all messages), or "devices" (leaf devices).'),
      to: str('Destination: "upstream" (IoT Hub) or "module.input".'),
      when: str('Condition in IoT Edge\'s route condition language, e.g. $body.predictions[0].probability > 0.5.'),
      priority: int('0 (highest) to 9 (lowest).', { minimum: 0, maximum: 9 }),
      ttl: int('Seconds messages on this route are kept while offline (default: storeAndForward.ttl).', { minimum: 0, maximum: 4294967295 }),
    }, { required: ['from', 'to'] })),
    storeAndForward: obj('How long edgeHub keeps undelivered messages.', {
      ttl: int('Seconds (default 7200).', { minimum: 0, maximum: 2147483647 }),
      maxSizeBytes: int('Upper bound of the message store.', { minimum: 1 }),
    }),
  },
};
process.stdout.write(JSON.stringify(schema, null, 2) + '\n');
