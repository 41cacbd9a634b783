// Test helper: the spec of the text-orientation classifier (specs/models/text-orientation) that the apply, image and
// fetch suites deploy, each with its own names, model source, target, Azure settings and scoring module.

/**
 * prefix names the workflow's resources (<prefix>-rg, <prefix>-hub, <prefix>-edge); source is the YAML under
 * model.source, indented four spaces; ml adds the Azure ML workspace the fixtures serve.
 */
export function orientationSpec({ name, prefix, description, source, topK, samples = [], target, registry, ml = false, armUrl, module }) {
  const lines = [
    'edgeml: 1',
    `name: ${name}`,
    `description: ${description}`,
    'task: image-classification',
    'model:',
    '  source:',
    source,
    '  labels: ["0", "180"]',
    '  preprocess:',
    '    width: 192',
    '    height: 48',
    '    resize: pad-right',
    '    padValue: 0',
    '    mean: [0.5, 0.5, 0.5]',
    '    std: [0.5, 0.5, 0.5]',
    '  postprocess:',
    '    format: classification',
    '    activation: none',
    ...(topK ? [`    topK: ${topK}`] : []),
    ...(samples.length ? ['  samples:', ...samples.map((s) => `    - ${s}`)] : []),
    'target:',
    '  platform: amd64',
    `  device: ${target.device}`,
    `  os: ${target.os}`,
    '  runtime: "1.5"',
    'azure:',
    `  resourceGroup: ${prefix}-rg`,
    '  location: westeurope',
    '  iotHub:',
    `    name: ${prefix}-hub`,
    '  registry:',
    `    address: ${registry}`,
    ...(ml ? ['  ml:', '    workspace: edgeml-ws', '    resourceGroup: ml-rg'] : []),
    '  device:',
    `    id: ${prefix}-edge`,
    '  endpoints:',
    `    resourceManager: ${armUrl}`,
    'modules:',
    `  ${module.name}:`,
    '    type: scoring',
    `    port: ${module.port}`,
  ];
  return lines.join('\n') + '\n';
}

/** The two targets the suites use. */
export const GENERIC_DEBIAN = { device: 'generic', os: 'debian-12' };
export const UBUNTU_VM = { device: 'ubuntu-vm', os: 'ubuntu-22.04' };
