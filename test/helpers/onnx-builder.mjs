// Test helper: builds tiny deterministic ONNX models with onnx-proto (constants, Identity, ReduceMean graphs) so
// decoder and pipeline tests can assert exact predictions. Also writes them into a temp folder.
import onnxProto from 'onnx-proto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { onnx } = onnxProto;

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const UINT8 = onnx.TensorProto.DataType.UINT8;
export const INT64 = onnx.TensorProto.DataType.INT64;
export const DOUBLE = onnx.TensorProto.DataType.DOUBLE;
export const STRING = onnx.TensorProto.DataType.STRING;

/** A graph input or output: dims are numbers, or strings for symbolic dims (e.g. 'batch'). */
export function valueInfo(name, elemType, dims) {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** A constant tensor with its values stored as raw little-endian bytes. */
export function tensor(name, elemType, dims, values) {
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new Error(`tensor ${name}: ${values.length} values for dims [${dims}]`);
  if (elemType === STRING) return { name, dataType: elemType, dims, stringData: values.map((v) => Buffer.from(String(v))) };
  let raw;
  if (elemType === FLOAT) raw = new Uint8Array(Float32Array.from(values).buffer);
  else if (elemType === INT64) raw = new Uint8Array(BigInt64Array.from(values.map((v) => BigInt(v))).buffer);
  else if (elemType === UINT8) raw = Uint8Array.from(values);
  else throw new Error(`tensor ${name}: unsupported element type ${elemType}`);
  return { name, dataType: elemType, dims, rawData: raw };
}

export function node(opType, inputs, outputs, attributes = {}) {
  const attribute = Object.entries(attributes).map(([name, value]) => {
    if (Array.isArray(value)) return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: value };
    if (typeof value === 'number' && Number.isInteger(value)) return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
    if (typeof value === 'number') return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value };
    if (value && typeof value === 'object' && 'dataType' in value)
      return { name, type: onnx.AttributeProto.AttributeType.TENSOR, t: value };
    throw new Error(`attribute ${name}: unsupported value`);
  });
  return { opType, input: inputs, output: outputs, name: `${opType}_${outputs[0]}`, attribute };
}

/** Serialises a model (opset 13 by default) to ONNX bytes. */
export function buildModel({ inputs, outputs, nodes, initializers = [], opset = 13, name = 'test', metadata = {} }) {
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'edgeml-test',
    opsetImport: [{ domain: '', version: opset }],
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    graph: { name, input: inputs, output: outputs, node: nodes, initializer: initializers },
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * A model whose outputs are constants, independent of the image: the decoder sees exactly `constants`.
 * constants: { name: { type, dims, values } }. The image input is still declared so preprocessing runs.
 */
export function constantOutputsModel({ input = { name: 'image', type: FLOAT, dims: [1, 3, 32, 32] }, constants, metadata = {} }) {
  const nodes = [];
  const outputs = [];
  for (const [name, c] of Object.entries(constants)) {
    nodes.push(node('Constant', [], [name], { value: tensor(`${name}_value`, c.type ?? FLOAT, c.dims, c.values) }));
    outputs.push(valueInfo(name, c.type ?? FLOAT, c.dims));
  }
  return buildModel({ inputs: [valueInfo(input.name, input.type ?? FLOAT, input.dims)], outputs, nodes, metadata });
}

/**
 * Per-channel mean of the preprocessed input: [N, 3, H, W] → 'means' [N, 3] (NCHW) or [N, H, W, 3] → [N, 3] (NHWC).
 * Lets a test see exactly what the scoring pipeline fed the model.
 */
export function channelMeanModel({ layout = 'NCHW', width = 8, height = 8, batch = 1, elemType = FLOAT, inputName = 'image' } = {}) {
  const dims = layout === 'NCHW' ? [batch, 3, height, width] : [batch, height, width, 3];
  const axes = layout === 'NCHW' ? [2, 3] : [1, 2];
  const nodes = [];
  let source = inputName;
  if (elemType !== FLOAT) {
    nodes.push(node('Cast', [inputName], ['as_float'], { to: FLOAT }));
    source = 'as_float';
  }
  nodes.push(node('ReduceMean', [source], ['means'], { axes, keepdims: 0 }));
  return buildModel({
    inputs: [valueInfo(inputName, elemType, dims)],
    outputs: [valueInfo('means', FLOAT, [batch, 3])],
    nodes,
  });
}

/** A model that returns its input unchanged (any shape): 'output' = Identity(input). */
export function identityModel({ inputName = 'image', dims = [1, 3, 4, 4], elemType = FLOAT } = {}) {
  return buildModel({
    inputs: [valueInfo(inputName, elemType, dims)],
    outputs: [valueInfo('output', elemType, dims)],
    nodes: [node('Identity', [inputName], ['output'])],
  });
}

/** A temp folder for model files; call cleanup() when done. */
export function createModelDir() {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-onnx-'));
  return {
    dir,
    write(name, bytes) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Custom Vision's five YOLO anchors (object_detection.py), in grid cells. */
export const CUSTOM_VISION_ANCHORS = [
  [0.573, 0.677],
  [1.87, 2.06],
  [3.34, 5.47],
  [7.88, 3.53],
  [9.77, 9.17],
];

/**
 * Values of a Custom Vision style grid [1, anchors*(5+classes), gridH, gridW], everything "off" (objectness logit
 * -20) except the given cells: { anchor, gx, gy, tx, ty, tw, th, objectness, classLogits }.
 */
export function yoloGridValues({ anchors, classes, gridW, gridH, cells }) {
  const perAnchor = 5 + classes;
  const plane = gridW * gridH;
  const values = new Array(anchors * perAnchor * plane).fill(0);
  for (let a = 0; a < anchors; a++) for (let p = 0; p < plane; p++) values[(a * perAnchor + 4) * plane + p] = -20;
  for (const c of cells) {
    const at = (k) => (c.anchor * perAnchor + k) * plane + c.gy * gridW + c.gx;
    values[at(0)] = c.tx ?? 0;
    values[at(1)] = c.ty ?? 0;
    values[at(2)] = c.tw ?? 0;
    values[at(3)] = c.th ?? 0;
    values[at(4)] = c.objectness;
    c.classLogits.forEach((v, k) => (values[at(5 + k)] = v));
  }
  return { dims: [1, anchors * perAnchor, gridH, gridW], values };
}
