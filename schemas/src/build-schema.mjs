// Source of schemas/edgeml.schema.json: run `npm run schema` after editing; a test checks the two agree.
// Written as code because the schema repeats shapes (ports, volumes, env) that are easier to keep right once.
const str = (description, extra = {}) => ({ type: 'string', description, ...extra });
const int = (description, extra = {}) => ({ type: 'integer', description, ...extra });
const num = (description, extra = {}) => ({ type: 'number', description, ...extra });
const bool = (description) => ({ type: 'boolean', description });
const en = (description, values) => ({ type: 'string', enum: values, description });
const obj = (description, properties, extra = {}) => ({ type: 'object', description, additionalProperties: false, properties, ...extra });
const arr = (description, items, extra = {}) => ({ type: 'array', description, items, ...extra });
const secretRef = (description) =>
  str(description + ' Must be a reference such as ${env:NAME}: secret values are never written in a spec.', {
    pattern: '^\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\}$',
  });
const relPath = (description) => str(description, { minLength: 1, maxLength: 1024 });

const envValue = {
  description:
    'Value of an environment variable: a string, number or boolean, or { secret: ${env:NAME} } for a value resolved only at apply time.',
  oneOf: [
    { type: ['string', 'number', 'boolean'] },
    obj(
      'A secret environment value, resolved only when applying; the compiled manifest holds a reference.',
      {
        secret: secretRef('Environment variable that holds the secret.'),
      },
      { required: ['secret'] },
    ),
  ],
};

const portSpec = {
  description: 'A port: "HOST:CONTAINER[/udp]" publishes on the device, a number exposes to other modules only, or an object.',
  oneOf: [
    str('"HOST:CONTAINER" or "HOST:CONTAINER/udp" or "IP:HOST:CONTAINER".', { pattern: '^([0-9.]+:)?[0-9]{1,5}:[0-9]{1,5}(/(tcp|udp))?$' }),
    int('Container port exposed to other modules on the edge network (not published on the device).', { minimum: 1, maximum: 65535 }),
    obj(
      'A port mapping.',
      {
        container: int('Port inside the container.', { minimum: 1, maximum: 65535 }),
        host: int('Port published on the device; omit to keep the port internal.', { minimum: 1, maximum: 65535 }),
        protocol: en('Transport protocol.', ['tcp', 'udp']),
        hostIp: str('Host address to bind, e.g. 127.0.0.1 to publish on loopback only.'),
      },
      { required: ['container'] },
    ),
  ],
};

const volumeSpec = {
  description: 'A volume: "SOURCE:TARGET[:ro]" (SOURCE an absolute host path or a volume name) or an object.',
  oneOf: [
    str('"SOURCE:TARGET" or "SOURCE:TARGET:ro".', { pattern: '^[^:]+:/[^:]*(:(ro|rw))?$' }),
    obj(
      'A volume mount.',
      {
        source: str('Absolute host path (bind mount) or a Docker volume name.'),
        target: str('Absolute path inside the container.', { pattern: '^/' }),
        readOnly: bool('Mount read-only.'),
      },
      { required: ['source', 'target'] },
    ),
  ],
};

const rolloutGate = obj(
  'When a ring counts as healthy. The gate passes once enough devices report and the failures stay under the limit; it fails as soon as the failures pass the limit after minDevices have reported, or when waitSeconds run out.',
  {
    minDevices: int(
      'Devices that must report (success or failure) before the gate can pass and before the failure limit applies (default 1).',
      { minimum: 0, maximum: 1000000 },
    ),
    maxFailedPercent: num(
      "Largest share of the ring's devices that may report a failed deployment, 0-100 (default 0). Devices still silent when waitSeconds run out count as failed.",
      { minimum: 0, maximum: 100 },
    ),
    waitSeconds: int('How long to wait for the ring to converge before judging it (default 900).', { minimum: 1, maximum: 604800 }),
    metrics: {
      type: 'object',
      description: 'Limits on custom metrics of azure.fleet.metrics, by name: the metric counts devices (e.g. modules reporting errors).',
      additionalProperties: obj('A limit on one custom metric.', {
        maxDevices: int('Most devices the metric may count.', { minimum: 0 }),
        maxPercent: num("Largest share of the ring's devices the metric may count, 0-100.", { minimum: 0, maximum: 100 }),
      }),
    },
  },
);

const rolloutSpec = obj(
  'Roll a new deployment out ring by ring: each ring widens the devices that get it, a health gate decides whether to go on, and a failed gate halts or rolls back (the previous deployment stays in place, at a lower priority, until the last ring passes).',
  {
    rings: arr(
      'Rings in order, each wider than the one before; the last one must reach the whole fleet.',
      obj(
        'A ring of devices.',
        {
          name: str('Ring name, e.g. canary.', { pattern: '^[a-z][a-z0-9-]{0,31}$' }),
          percent: num(
            'Share of the fleet, 0-100, picked by a stable hash of the device id that edgeml writes into the device tag edgeml.rolloutBucket. Rings are cumulative: 25 after 5 adds 20%.',
            { exclusiveMinimum: 0, maximum: 100 },
          ),
          condition: str("Extra target condition for this ring, e.g. tags.site='lab' (joined with the fleet's targetCondition by AND)."),
          gate: rolloutGate,
        },
        { required: ['name'] },
      ),
      { minItems: 1, maxItems: 10 },
    ),
    onFailure: en(
      'What a failed gate does: rollback (default) removes the new deployment so every device returns to the previous one; halt leaves the rings reached as they are.',
      ['rollback', 'halt'],
    ),
  },
  { required: ['rings'] },
);

const deviceSpec = {
  description: 'A host device made available to the module, e.g. "/dev/video0" or "/dev/ttyUSB0:/dev/ttyS0".',
  oneOf: [
    str('"HOST" or "HOST:CONTAINER[:PERMISSIONS]".', { pattern: '^/dev/[^:]+(:/dev/[^:]+)?(:[rwm]{1,3})?$' }),
    obj(
      'A device mapping.',
      {
        host: str('Device path on the host.', { pattern: '^/dev/' }),
        container: str('Device path in the container (default: same as host).', { pattern: '^/dev/' }),
        permissions: str('cgroup permissions, a combination of r, w and m (default rwm).', { pattern: '^[rwm]{1,3}$' }),
      },
      { required: ['host'] },
    ),
  ],
};

const commonModuleProps = {
  version: str('Module version string; changing it restarts the module on the device (default "1.0").'),
  status: en('Desired status (default running).', ['running', 'stopped']),
  restartPolicy: en('When edgeAgent restarts the module (default always). on-unhealthy behaves like always on IoT Edge.', [
    'always',
    'on-failure',
    'on-unhealthy',
    'never',
  ]),
  imagePullPolicy: en('When edgeAgent pulls the image (default on-create).', ['on-create', 'never']),
  startupOrder: int('Start order; lower numbers start first, edgeHub is 0 (default: no order).', { minimum: 0, maximum: 4294967295 }),
  env: {
    type: 'object',
    description: 'Environment variables for the module.',
    propertyNames: { pattern: '^[^+#$\\s.]+$' },
    additionalProperties: envValue,
  },
  ports: arr('Ports exposed by the module.', portSpec),
  volumes: arr('Host paths or volumes mounted into the module.', volumeSpec),
  devices: arr('Host devices (cameras, serial ports) made available to the module.', deviceSpec),
  gpu: {
    description: 'GPUs for the module: true or "all" for every GPU, or a count. Needs target.accelerator nvidia-gpu.',
    oneOf: [{ type: 'boolean' }, { const: 'all' }, { type: 'integer', minimum: 1, maximum: 16 }],
  },
  twin: { type: 'object', description: 'Module twin desired properties (at most 32 KB in total with the rest of the twin).' },
  createOptions: {
    type: 'object',
    description:
      'Raw Docker create options merged over what edgeml derives from the typed fields. Checked, minified and chunked by edgeml.',
  },
  inputs: arr('IoT Edge input names the module reads messages from.', str('Input name.')),
  outputs: arr('IoT Edge output names the module sends messages on.', str('Output name.')),
};

const scoringModule = obj(
  "A generated scoring server for the spec's model (HTTP, Azure ML and Custom Vision compatible).",
  {
    type: { const: 'scoring', description: 'A generated scoring server for the model.' },
    port: int('Port the server listens on inside the container (default 5001, as Azure ML images did).', { minimum: 1, maximum: 65535 }),
    apis: arr(
      'HTTP APIs to serve (default all four): edgeml is POST /predict (detailed JSON: boxes, image sizes, timings); azureml is POST /score answered as the seed\'s Azure ML drivers did ([{field: [[id, label, probability], ...]}, "Computed in N ms"]); customvision is POST /image and /url with Custom Vision\'s routes and JSON, and GET /; v2 is the Open Inference Protocol (KServe v2, Triton) under /v2.',
      en('API.', ['edgeml', 'azureml', 'customvision', 'v2']),
      { minItems: 1, uniqueItems: true },
    ),
    urlFetch: obj(
      "Lets Custom Vision's POST /url fetch images, only over http(s) from these hosts (off when absent: a device that fetches any URL is a request-forgery hole).",
      {
        allow: arr(
          'Host names (exact, or *.example.com for subdomains), IP addresses or CIDR ranges. Loopback, private and link-local addresses are refused unless an entry names the address or its range (e.g. 192.168.1.0/24), whatever name resolves to them.',
          str('Host name, IP address or CIDR range.', { pattern: '^[^\\s/]+(/[0-9]{1,3})?$' }),
          { minItems: 1, uniqueItems: true },
        ),
        maxSize: str('Largest image fetched, e.g. "4MB" (default: maxBodySize).', { pattern: '^[0-9]+(\\.[0-9]+)?\\s*(B|KB|MB|GB)$' }),
        timeoutSeconds: num('Time for the whole fetch, redirects included (default 10).', { exclusiveMinimum: 0, maximum: 300 }),
        maxRedirects: int('Redirects followed, each checked like the first URL (default 3).', { minimum: 0, maximum: 20 }),
      },
      { required: ['allow'] },
    ),
    maxBodySize: str('Largest accepted request body, e.g. "4MB" (default 8MB).', { pattern: '^[0-9]+(\\.[0-9]+)?\\s*(B|KB|MB|GB)$' }),
    concurrency: int('Inference requests run at once (default 1 on CPU).', { minimum: 1, maximum: 64 }),
    queueLimit: int('Requests allowed to wait for inference; more are answered 503 (default 16).', { minimum: 0, maximum: 10000 }),
    limits: obj('Memory and time limits of the scoring server (each has a safe default; see the scoring module README).', {
      uploadsInFlight: str(
        'Request-body bytes all connections together may hold, each upload counted from its first byte; more are answered 503, e.g. "64MB" (default 4 x maxBodySize, at least 64MB).',
        { pattern: '^[0-9]+(\\.[0-9]+)?\\s*(B|KB|MB|GB)$' },
      ),
      decodePerRequest: str(
        'Bytes the decoded images of one request may take (width x height x bytes per pixel, summed), checked from the image headers before decoding; more are answered 413, e.g. "256MB" (default).',
        { pattern: '^[0-9]+(\\.[0-9]+)?\\s*(B|KB|MB|GB)$' },
      ),
      imagesPerRequest: int('Images one request may carry; more are answered 413 (default 32).', { minimum: 1, maximum: 1000 }),
      processingTimeout: num('Seconds from a complete request to its answer, waiting included; later is answered 503 (default 30).', {
        exclusiveMinimum: 0,
        maximum: 3600,
      }),
      requestTimeout: num('Seconds a client has to send a whole request; later is answered 408 (default 120).', {
        minimum: 1,
        maximum: 3600,
      }),
      uploadIdleTimeout: num('Seconds an upload may send nothing before it is answered 408 and its memory budget freed (default 30).', {
        minimum: 0.1,
        maximum: 3600,
      }),
    }),
    ...commonModuleProps,
  },
  { required: ['type'] },
);

const captureModule = obj(
  'A generated frame source: reads images, a video, a camera or an RTSP stream, sends frames to a scoring module and results to IoT Edge.',
  {
    type: { const: 'image-capture', description: 'A generated image-capture module.' },
    source: {
      description: 'Where frames come from: exactly one of folder, video, camera, rtsp.',
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      maxProperties: 1,
      properties: {
        folder: relPath('Folder of images (relative to the spec), copied into the image.'),
        video: relPath('Video file (relative to the spec), copied into the image; decoded with ffmpeg.'),
        camera: str('Camera device on the host, e.g. /dev/video0 (mapped into the module automatically).', { pattern: '^/dev/' }),
        rtsp: str('RTSP URL, or a reference such as ${env:RTSP_URL} when it holds credentials.'),
      },
    },
    fps: num('Frames per second to capture (default 1).', { exclusiveMinimum: 0, maximum: 60 }),
    loop: bool('Start again at the end of a folder or video (default true).'),
    resize: obj(
      'Resize frames before sending them.',
      { width: int('Width in pixels.', { minimum: 1, maximum: 8192 }), height: int('Height in pixels.', { minimum: 1, maximum: 8192 }) },
      { required: ['width', 'height'] },
    ),
    sendTo: str('Name of the scoring module frames are sent to.'),
    output: str('IoT Edge output the results are sent on (default "results").'),
    view: obj(
      'An annotated-frame web view.',
      {
        port: int('Port of the web view inside the container.', { minimum: 1, maximum: 65535 }),
        minScore: num('Only draw predictions at least this confident (default 0.4).', { minimum: 0, maximum: 1 }),
      },
      { required: ['port'] },
    ),
    ...commonModuleProps,
  },
  { required: ['type', 'source', 'sendTo'] },
);

const containerModule = obj(
  'Any container: a ready image, or your own build context and Dockerfile.',
  {
    type: { const: 'container', description: 'An existing image or your own Dockerfile.' },
    image: str('Image reference, e.g. mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5.'),
    build: obj(
      'Build the image from your own context.',
      {
        context: relPath('Build context folder, relative to the spec.'),
        dockerfile: relPath('Dockerfile relative to the context (default Dockerfile).'),
        platforms: arr(
          'Platforms the Dockerfile can build for (default: the target platform).',
          en('Platform.', ['amd64', 'arm64v8', 'arm32v7']),
          { uniqueItems: true },
        ),
      },
      { required: ['context'] },
    ),
    ...commonModuleProps,
    outputs: {
      description:
        'IoT Edge output names the module sends messages on: a list of names, or a map from name to its message contract (a JSON Schema of the message body), which route conditions from that output are checked against.',
      oneOf: [
        commonModuleProps.outputs,
        {
          type: 'object',
          description: 'Outputs by name, each with an optional message contract.',
          maxProperties: 100,
          additionalProperties: obj('One output.', {
            schema: {
              description:
                'The message contract: a JSON Schema (draft-07) file relative to the spec (e.g. schemas/telemetry.json), or the schema written inline.',
              oneOf: [
                relPath('JSON Schema file, relative to the spec.'),
                { type: 'object', description: 'Inline JSON Schema (draft-07).' },
              ],
            },
            description: str('What the output carries (shown in the generated README).'),
          }),
        },
      ],
    },
  },
  { required: ['type'] },
);

const preprocessSpec = obj('How an image becomes the model input. Anything the ONNX file tells (size, layout, element type) is optional.', {
  input: str('Model input name (default: the first input).'),
  width: int('Input width in pixels (default: from the model).', { minimum: 1, maximum: 8192 }),
  height: int('Input height in pixels (default: from the model).', { minimum: 1, maximum: 8192 }),
  layout: en('Tensor layout (default: from the model).', ['NCHW', 'NHWC']),
  elementType: en('Input element type (default: from the model).', ['float32', 'uint8']),
  colorOrder: en('Channel order the model expects (default RGB).', ['RGB', 'BGR']),
  resize: en(
    'How images are fitted to the input size (default stretch). letterbox keeps the aspect ratio and pads; crop fills and cuts; pad-right keeps the ratio at full height and pads on the right.',
    ['stretch', 'letterbox', 'crop', 'pad-right'],
  ),
  scale: num('Multiplier applied to 0-255 pixel values before mean/std (default 1/255 for float inputs).'),
  mean: arr('Per-channel mean subtracted after scaling.', { type: 'number' }, { minItems: 3, maxItems: 3 }),
  std: arr(
    'Per-channel standard deviation divided after subtracting the mean.',
    { type: 'number', exclusiveMinimum: 0 },
    { minItems: 3, maxItems: 3 },
  ),
  padValue: int('Pixel value (0-255) used for letterbox padding (default 114).', { minimum: 0, maximum: 255 }),
  maxWidth: int(
    'Cascade stages with resize pad-right whose model takes any width (text recognisers): a line wider than width keeps its aspect ratio up to this width, each batch as wide as its widest line, as PaddleOCR does (default: width, so long lines are squashed).',
    { minimum: 1, maximum: 16384 },
  ),
});

const postprocessSpec = obj('How the model outputs become predictions.', {
  format: en(
    'Output format: classification scores; boxes (separate boxes/scores/labels tensors); yolo-grid (Custom Vision); text-detection (a DBNet text-probability map, PaddleOCR); text-recognition (CTC over a character list, PaddleOCR); for telemetry also regression (one value) and anomaly (a score compared with threshold).',
    ['classification', 'boxes', 'yolo-grid', 'text-detection', 'text-recognition', 'regression', 'anomaly'],
  ),
  unit: str('Unit of a regression value, e.g. degC.'),
  output: str('Output tensor name for classification or yolo-grid (default: the first output).'),
  outputs: obj('Output tensor names for the boxes format.', {
    boxes: str('Boxes tensor.'),
    scores: str('Scores tensor.'),
    labels: str('Class ids tensor.'),
  }),
  activation: en('Activation applied to classification scores (default softmax; none when the model already outputs probabilities).', [
    'softmax',
    'sigmoid',
    'none',
  ]),
  topK: int('How many classes to return (default 3).', { minimum: 1, maximum: 1000 }),
  threshold: num(
    'Minimum score for a prediction to be returned; for anomaly, the score at or above which a message is an anomaly; for text-detection, the probability above which a map pixel is text (default 0.3).',
    { minimum: 0, maximum: 1 },
  ),
  boxThreshold: num('text-detection: least mean probability inside a region for it to be kept (default 0.6).', { minimum: 0, maximum: 1 }),
  unclipRatio: num('text-detection: how far regions grow, area * ratio / perimeter pixels on every side (default 1.5).', {
    minimum: 0,
    maximum: 10,
  }),
  minSize: num('text-detection: shortest side, in probability-map pixels, a region needs (default 3).', { minimum: 0, maximum: 1000 }),
  maxCandidates: int('text-detection: regions examined per image (default 1000).', { minimum: 1, maximum: 100000 }),
  shape: en('text-detection: quad gives each region as a rotated quadrilateral, box as its axis-aligned bounds (default quad).', [
    'quad',
    'box',
  ]),
  characters: relPath(
    "text-recognition: character list file (one entry per line, read as is), relative to the spec, e.g. PaddleOCR's ppocr_keys_v1.txt.",
  ),
  blank: en('text-recognition: where the CTC blank class is, before the characters (PaddleOCR) or after them (default first).', [
    'first',
    'last',
  ]),
  space: bool("text-recognition: a space class follows the listed characters (PaddleOCR's use_space_char; default true)."),
  iou: num('Intersection-over-union above which overlapping boxes are suppressed (default 0.45).', { minimum: 0, maximum: 1 }),
  maxDetections: int('Most detections returned per image (default 20).', { minimum: 1, maximum: 10000 }),
  boxFormat: en('Box coordinates of the boxes format (default xyxy).', ['xyxy', 'xywh', 'cxcywh']),
  normalized: bool('Boxes are 0-1 relative to the input (default false: pixels of the network input).'),
  labelOffset: int('Added to class ids before looking up labels, e.g. -1 when id 0 is background.', { minimum: -1000, maximum: 1000 }),
  xyActivation: en(
    "How yolo-grid box offsets are read: sigmoid (the classic Custom Vision decoder) or none (newer exports). Default: from the model's metadata, else sigmoid.",
    ['sigmoid', 'none'],
  ),
  anchors: arr(
    "Anchor sizes (in grid cells) of the yolo-grid format (default: Custom Vision's five anchors).",
    { type: 'array', items: { type: 'number', exclusiveMinimum: 0 }, minItems: 2, maxItems: 2 },
    { minItems: 1, maxItems: 20 },
  ),
});

const cascadeSpec = obj(
  "Later models that run on the regions this model finds: each stage sees crops of the regions of the last region-finding stage before it (text-detection, boxes, yolo-grid). Results nest under each region's stages.<name>.",
  {
    maxPixels: int(
      'Pixels one request may hold at once, the decoded image plus its crops (default 16000000); larger images are refused, and crops beyond it are skipped.',
      { minimum: 1, maximum: 200000000 },
    ),
    stages: arr(
      'The stages, in order.',
      obj(
        'A cascade stage.',
        {
          name: str("Stage name: the key of its results under each region's stages.", { pattern: '^[A-Za-z][A-Za-z0-9_-]{0,31}$' }),
          source: obj("The stage's model.", { file: relPath('ONNX model file, relative to the spec.') }, { required: ['file'] }),
          labels: arr("Class labels in the order of the model's outputs.", str('Label.'), { maxItems: 100000 }),
          labelsFile: relPath('Text file with one label per line, relative to the spec.'),
          preprocess: preprocessSpec,
          postprocess: postprocessSpec,
          crop: obj('How crops are cut from the regions found before this stage (the first stage after a region stage only).', {
            padding: num("Margin added on every side, as a fraction of the region's shorter side (default 0.1).", {
              minimum: 0,
              maximum: 2,
            }),
            maxRegions: int(
              'Regions cropped per image, the best scores first (default 50); the others are reported without stage results.',
              { minimum: 1, maximum: 1000 },
            ),
            minSize: num('Regions whose shorter side is below this many pixels are not cropped (default 4).', {
              minimum: 0,
              maximum: 10000,
            }),
          }),
          rotate: obj(
            'An orientation stage: turn the crop before the next stage when the top label is `label`.',
            {
              label: str('The label that means the crop is turned, e.g. "180".'),
              degrees: { enum: [90, 180, 270], description: 'Degrees to turn the crop clockwise (default 180).' },
              minScore: num("Least score of that label to turn the crop (default 0.9, PaddleOCR's cls_thresh).", {
                minimum: 0,
                maximum: 1,
              }),
            },
            { required: ['label'] },
          ),
        },
        { required: ['name', 'source'] },
      ),
      { minItems: 1, maxItems: 8 },
    ),
  },
  { required: ['stages'] },
);

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
  description:
    'One file that describes an ML model, the IoT Edge device it runs on, its modules and routes, and the Azure resources around them.',
  type: 'object',
  additionalProperties: false,
  required: ['edgeml', 'name', 'task', 'model', 'target', 'azure', 'modules'],
  definitions: { scoringModule, captureModule, containerModule },
  properties: {
    edgeml: { const: 1, description: 'Spec format version. Always 1 for this schema.' },
    name: str('Workflow name: lowercase letters, digits and hyphens. Names the output folder and tags images.', {
      pattern: '^[a-z][a-z0-9-]{0,62}$',
    }),
    description: str('What this workflow does, for people reading the spec and the generated README.'),
    task: en(
      'What the model does: classify or detect in images served over HTTP, or score telemetry messages that edgeHub routes to the scoring module.',
      ['image-classification', 'object-detection', 'telemetry'],
    ),
    model: obj(
      'The model, how images are prepared for it and how its outputs are read.',
      {
        source: {
          description: 'Where the model comes from: exactly one of file, customvision, azureml, url.',
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          maxProperties: 1,
          properties: {
            file: relPath('ONNX model file, relative to the spec.'),
            customvision: relPath(
              'Custom Vision ONNX export, relative to the spec: the downloaded .zip, or the folder it unzips to (model.onnx and labels.txt).',
            ),
            azureml: obj(
              'A model registered in the Azure ML workspace named in azure.ml.',
              {
                name: str('Registered model name.'),
                version: int('Registered model version.', { minimum: 1 }),
                file: str('ONNX file inside the registered model (default model.onnx).'),
              },
              { required: ['name', 'version'] },
            ),
            url: obj(
              'An ONNX model downloaded over HTTPS when building the image.',
              {
                href: str('HTTPS address of the ONNX file.', { pattern: '^https://' }),
                sha256: str('SHA-256 of the file, checked after download.', { pattern: '^[a-fA-F0-9]{64}$' }),
              },
              { required: ['href', 'sha256'] },
            ),
          },
        },
        labels: arr("Class labels in the order of the model's outputs.", str('Label.'), { maxItems: 100000 }),
        labelsFile: relPath('Text file with one label per line, relative to the spec.'),
        preprocess: preprocessSpec,
        postprocess: postprocessSpec,
        features: arr(
          "task telemetry: the message fields that make the model's input vector, in the model's order.",
          obj(
            'One input feature.',
            {
              name: str('Feature name, for people and logs.', { pattern: '^[A-Za-z_][A-Za-z0-9_-]{0,63}$' }),
              path: str('Where the number is in the message body, in route syntax: $body.machine.temperature or $body.readings[0].', {
                pattern: '^\\$body(\\.[A-Za-z_][A-Za-z0-9_]*|\\[[0-9]+\\])+$',
              }),
              default: num('Used when a message lacks the field (default: such a message is not scored).'),
              unit: str('Unit of the value, for the generated README, e.g. degC or psi.'),
            },
            { required: ['name', 'path'] },
          ),
          { minItems: 1, maxItems: 4096 },
        ),
        window: int(
          'task telemetry: messages per sender in one model input, oldest first (default 1: each message alone). The model input is [batch, window x features].',
          { minimum: 1, maximum: 1000 },
        ),
        windowKey: en('task telemetry: whose messages form a window: the sending device (default) or each module of it.', [
          'device',
          'module',
        ]),
        samples: arr(
          'Sample images (relative to the spec) used by edgeml test and the generated step-5 test; for task telemetry, JSON-lines files of messages.',
          relPath('Image or JSON-lines file.'),
        ),
        cascade: cascadeSpec,
        expect: obj('What a correct prediction on the first sample looks like.', {
          label: str('Expected top label.'),
          minScore: num('Expected minimum score of the top prediction.', { minimum: 0, maximum: 1 }),
          minDetections: int('Expected minimum number of detections.', { minimum: 0 }),
          anomalies: int('task telemetry: how many messages of the first sample file are anomalies.', { minimum: 0 }),
        }),
      },
      { required: ['source'] },
    ),
    target: obj('The IoT Edge device the workflow runs on.', {
      platform: en('CPU architecture of the device (default amd64).', ['amd64', 'arm64v8', 'arm32v7']),
      accelerator: en('Accelerator on the device (default none).', ['none', 'nvidia-gpu']),
      device: en(
        'Kind of device, which decides how it is set up (default ubuntu-vm). databox-edge (also azure-stack-edge): IoT Edge in an Ubuntu VM on an Azure Stack Edge / Data Box Edge appliance, since managed IoT Edge on the appliance was retired on 2024-03-31.',
        ['ubuntu-vm', 'databox-edge', 'azure-stack-edge', 'raspberry-pi', 'generic'],
      ),
      os: en('Operating system of the device (default ubuntu-22.04).', [
        'ubuntu-22.04',
        'ubuntu-24.04',
        'debian-11',
        'debian-12',
        'raspberry-pi-os-12',
      ]),
      runtime: {
        description: 'IoT Edge runtime version (default "1.6", the supported LTS; 1.5 LTS support ended on 2026-11-10).',
        enum: ['1.5', '1.6', 1.5, 1.6],
      },
    }),
    azure: obj(
      'Azure resources the workflow uses or creates.',
      {
        subscription: str("Subscription id (default: the signed-in account's default subscription)."),
        resourceGroup: {
          description: 'Resource group name, or { name, create } (default create: true).',
          oneOf: [
            str('Resource group name.', { pattern: '^[-\\w._()]{1,90}$' }),
            obj(
              'Resource group.',
              {
                name: str('Name.', { pattern: '^[-\\w._()]{1,90}$' }),
                create: bool('Create it (and delete it on destroy) when it does not exist.'),
              },
              { required: ['name'] },
            ),
          ],
        },
        location: str('Azure region, e.g. eastus.', { pattern: '^[a-z0-9]+$' }),
        iotHub: obj(
          'The IoT hub.',
          {
            name: str('IoT hub name, globally unique: 3-50 letters, digits and hyphens.', { pattern: '^[A-Za-z0-9-]{3,50}$' }),
            sku: en('Pricing tier (default S1). F1 is free, one per subscription.', ['F1', 'B1', 'B2', 'B3', 'S1', 'S2', 'S3']),
            units: int('Number of units (default 1).', { minimum: 1, maximum: 200 }),
            create: bool('Create the hub when it does not exist (default true; false for a Data Box Edge hub).'),
          },
          { required: ['name'] },
        ),
        registry: {
          description:
            'Container registry: { create: { name, sku } } for a new Azure Container Registry, or { address, username, password } for an existing one.',
          type: 'object',
          additionalProperties: false,
          properties: {
            create: obj(
              'Create an Azure Container Registry.',
              {
                name: str('Registry name, globally unique: 5-50 letters and digits.', { pattern: '^[a-zA-Z0-9]{5,50}$' }),
                sku: en('Registry tier (default Standard).', ['Basic', 'Standard', 'Premium']),
              },
              { required: ['name'] },
            ),
            address: str('Login server of an existing registry, e.g. myacr.azurecr.io or localhost:5000.', {
              pattern: '^[a-z0-9.-]+(:[0-9]{1,5})?$',
            }),
            username: str('User name for the existing registry (a plain name or a ${env:NAME} reference).'),
            password: secretRef('Password or token for the existing registry.'),
          },
        },
        ml: obj(
          'The Azure ML workspace a model comes from.',
          { workspace: str('Workspace name.'), resourceGroup: str('Workspace resource group (default: azure.resourceGroup).') },
          { required: ['workspace'] },
        ),
        device: obj(
          'Deploy to one IoT Edge device.',
          {
            id: str('Device id: up to 128 letters, digits and - . _ : characters.', { pattern: '^[A-Za-z0-9\\-.:_]{1,128}$' }),
            create: bool('Create the device identity when it does not exist (default true).'),
          },
          { required: ['id'] },
        ),
        fleet: obj(
          'Deploy to every device that matches a target condition (an IoT Hub automatic deployment).',
          {
            id: str('Deployment name; edgeml adds a content hash, so updates never collide.', { pattern: "^[a-z0-9-+%_*!']{1,100}$" }),
            targetCondition: str("Which devices get the deployment, e.g. tags.environment='prod'."),
            priority: int('Priority; the highest priority base deployment wins on a device (default 10).', {
              minimum: 0,
              maximum: 2147483647,
            }),
            layered: bool('A layered deployment adds modules on top of a base deployment (default false).'),
            labels: { type: 'object', description: 'Labels attached to the deployment.', additionalProperties: { type: 'string' } },
            metrics: {
              type: 'object',
              description: 'Custom metric queries (at most 5).',
              additionalProperties: { type: 'string' },
              maxProperties: 5,
            },
            rollout: rolloutSpec,
          },
          { required: ['id'] },
        ),
        endpoints: obj('Endpoint overrides for sovereign clouds (or test servers).', {
          resourceManager: str('Azure Resource Manager endpoint, e.g. https://management.chinacloudapi.cn.', { pattern: '^https://' }),
          iotHubSuffix: str('IoT hub host name suffix, e.g. azure-devices.cn.'),
          authority: str('Microsoft Entra authority host, e.g. https://login.chinacloudapi.cn.', { pattern: '^https://' }),
        }),
      },
      { required: ['resourceGroup', 'iotHub', 'registry'] },
    ),
    modules: {
      type: 'object',
      description: 'The modules that run on the device, by name. Names may use letters, digits, - and _.',
      minProperties: 1,
      additionalProperties: moduleDef,
    },
    routes: arr(
      'How messages flow between modules and to IoT Hub.',
      obj(
        'A route.',
        {
          name: str('Route name (default: derived from from and to).', { pattern: '^[^.$# ]+$' }),
          from: str('Source: "module.output", "module.*" or "module" (any output), "*" (all messages), or "devices" (leaf devices).'),
          to: str('Destination: "upstream" (IoT Hub) or "module.input".'),
          when: str("Condition in IoT Edge's route condition language, e.g. $body.predictions[0].probability > 0.5."),
          priority: int('0 (highest) to 9 (lowest).', { minimum: 0, maximum: 9 }),
          ttl: int('Seconds messages on this route are kept while offline (default: storeAndForward.ttl).', {
            minimum: 0,
            maximum: 4294967295,
          }),
        },
        { required: ['from', 'to'] },
      ),
    ),
    storeAndForward: obj('How long edgeHub keeps undelivered messages.', {
      ttl: int('Seconds (default 7200).', { minimum: 0, maximum: 2147483647 }),
      maxSizeBytes: int('Upper bound of the message store.', { minimum: 1 }),
    }),
  },
};
process.stdout.write(JSON.stringify(schema, null, 2) + '\n');
