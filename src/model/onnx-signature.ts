// Reads an ONNX model's graph inputs and outputs (names, element types, shapes) straight from its protobuf,
// without onnxruntime: `edgeml compile` needs only the signature, and starting onnxruntime costs more than the
// rest of a compile. Model stage. `edgeml validate` and `edgeml test` still load the model with onnxruntime; a
// test keeps the two readers in agreement on real models.
import { readFile } from 'node:fs/promises';
import type { Dim, TensorInfo } from './model-info.js';
import { decodeFields as fields, stringField, type Field } from './protobuf.js';

export class OnnxSignatureError extends Error {
  override name = 'OnnxSignatureError';
}

export interface OnnxSignature {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** The operator that computes each graph output, looking through value-preserving ops such as Identity. */
  outputOps: Record<string, string>;
}

// Field numbers from onnx.proto.
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_OP_TYPE = 4;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;
const GRAPH_OUTPUT = 12;
const TENSOR_NAME = 8;
const VALUE_INFO_NAME = 1;
const VALUE_INFO_TYPE = 2;
const TYPE_TENSOR = 1;
const TENSOR_TYPE_ELEM = 1;
const TENSOR_TYPE_SHAPE = 2;
const SHAPE_DIM = 1;
const DIM_VALUE = 1;
const DIM_PARAM = 2;

/** onnx.TensorProto.DataType → the element type names onnxruntime-node reports. */
const ELEMENT_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
};

export async function readOnnxSignature(path: string): Promise<OnnxSignature> {
  return readOnnxSignatureFromBytes(await readFile(path));
}

export function readOnnxSignatureFromBytes(bytes: Uint8Array): OnnxSignature {
  const graph = fields(bytes).find((f) => f.number === MODEL_GRAPH && f.bytes);
  if (!graph?.bytes) throw new OnnxSignatureError('the file has no graph');
  const graphFields = fields(graph.bytes);
  // Old models (IR < 4) list their weights among the inputs too; those are not inputs a caller feeds.
  const initializers = new Set(
    graphFields.filter((f) => f.number === GRAPH_INITIALIZER && f.bytes).map((f) => stringField(fields(f.bytes!), TENSOR_NAME)),
  );
  const inputs = graphFields
    .filter((f) => f.number === GRAPH_INPUT && f.bytes)
    .map((f) => valueInfo(f.bytes!))
    .filter((i) => !initializers.has(i.name));
  const outputs = graphFields.filter((f) => f.number === GRAPH_OUTPUT && f.bytes).map((f) => valueInfo(f.bytes!));
  if (inputs.length === 0 || outputs.length === 0) throw new OnnxSignatureError('the graph declares no inputs or no outputs');
  return { inputs, outputs, outputOps: outputOperators(graphFields, outputs) };
}

/** Ops that pass values through unchanged (shape aside): the op before them is the one that computed the values. */
const PASS_THROUGH = new Set(['Identity', 'Reshape', 'Squeeze', 'Unsqueeze', 'Flatten']);

/** For each graph output, the op type of the node computing it (through pass-through ops, a few steps deep). */
function outputOperators(graphFields: readonly Field[], outputs: readonly TensorInfo[]): Record<string, string> {
  const producers = new Map<string, { op: string; firstInput?: string }>();
  for (const node of graphFields) {
    if (node.number !== GRAPH_NODE || !node.bytes) continue;
    const nodeFields = fields(node.bytes);
    const op = stringField(nodeFields, NODE_OP_TYPE);
    const firstInput = nodeFields.find((f) => f.number === NODE_INPUT && f.bytes);
    const producer = { op, firstInput: firstInput?.bytes ? new TextDecoder().decode(firstInput.bytes) : undefined };
    for (const out of nodeFields) if (out.number === NODE_OUTPUT && out.bytes) producers.set(new TextDecoder().decode(out.bytes), producer);
  }
  const ops: Record<string, string> = {};
  for (const output of outputs) {
    let producer = producers.get(output.name);
    for (let hops = 0; producer && PASS_THROUGH.has(producer.op) && producer.firstInput !== undefined && hops < 8; hops++) {
      producer = producers.get(producer.firstInput);
    }
    if (producer) ops[output.name] = producer.op;
  }
  return ops;
}

function valueInfo(bytes: Uint8Array): TensorInfo {
  const name = stringField(fields(bytes), VALUE_INFO_NAME);
  const type = fields(bytes).find((f) => f.number === VALUE_INFO_TYPE && f.bytes)?.bytes;
  const tensor = type ? fields(type).find((f) => f.number === TYPE_TENSOR && f.bytes)?.bytes : undefined;
  if (!tensor) return { name, elementType: 'non-tensor' };
  const tensorFields = fields(tensor);
  const elem = tensorFields.find((f) => f.number === TENSOR_TYPE_ELEM && f.value !== undefined)?.value ?? 0;
  const shape = tensorFields.find((f) => f.number === TENSOR_TYPE_SHAPE && f.bytes)?.bytes;
  const dims: Dim[] = shape
    ? fields(shape)
        .filter((f) => f.number === SHAPE_DIM && f.bytes)
        .map((f) => dimension(f.bytes!))
    : [];
  return { name, elementType: ELEMENT_TYPES[elem] ?? `type-${elem}`, shape: dims };
}

/** A dimension: its value when fixed and positive, its parameter name when symbolic, '?' otherwise (as onnxruntime). */
function dimension(bytes: Uint8Array): Dim {
  for (const f of fields(bytes)) {
    if (f.number === DIM_VALUE && f.value !== undefined && f.value > 0 && f.value < 2 ** 53) return f.value;
    if (f.number === DIM_PARAM && f.bytes && f.bytes.length > 0) return new TextDecoder().decode(f.bytes);
  }
  return '?';
}
