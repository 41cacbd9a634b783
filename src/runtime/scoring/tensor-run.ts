// Runs the model on tensors a client sent as they are (the Open Inference Protocol's infer request), without the image
// pipeline: checks names, element types and shapes against the model, runs, and returns the requested outputs as
// plain typed arrays (which cross to and from worker threads). Runtime stage (scoring).
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { SessionDescription } from './model-metadata.js';
import { InputError } from '../shared/input-error.js';

/** onnxruntime's element type names this path accepts and returns. */
export type TensorElementType =
  | 'bool'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float16'
  | 'float32'
  | 'float64'
  | 'string';

export type TensorData =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array
  | string[];

export interface WireTensor {
  name: string;
  type: TensorElementType;
  dims: number[];
  data: TensorData;
}

export interface TensorRequest {
  inputs: WireTensor[];
  /** Outputs to return; empty means all of the model's. */
  outputs: string[];
}

export interface TensorResult {
  outputs: WireTensor[];
  inferenceMs: number;
}

/** Checks the request against the model before anything runs: every input known and given once, types and fixed dims as the model declares. */
export function checkTensorRequest(request: TensorRequest, description: SessionDescription): void {
  const given = new Set<string>();
  for (const input of request.inputs) {
    const meta = description.inputs.find((i) => i.name === input.name);
    if (!meta)
      throw new InputError(400, `The model has no input '${input.name}' (it has '${description.inputs.map((i) => i.name).join("', '")}').`);
    if (given.has(input.name)) throw new InputError(400, `Input '${input.name}' is given more than once.`);
    given.add(input.name);
    if (meta.elementType !== input.type) throw new InputError(400, `Input '${input.name}' takes ${meta.elementType}, not ${input.type}.`);
    const shape = meta.shape ?? [];
    if (shape.length !== input.dims.length)
      throw new InputError(400, `Input '${input.name}' has ${shape.length} dimension(s) [${shape.join(', ')}], not ${input.dims.length}.`);
    shape.forEach((d, i) => {
      if (typeof d === 'number' && d !== input.dims[i])
        throw new InputError(400, `Input '${input.name}' dimension ${i} must be ${d}, not ${input.dims[i]}.`);
    });
  }
  const missing = description.inputs.filter((i) => !given.has(i.name)).map((i) => i.name);
  if (missing.length > 0) throw new InputError(400, `Input '${missing.join("', '")}' is missing.`);
  for (const name of request.outputs) {
    if (!description.outputs.some((o) => o.name === name))
      throw new InputError(400, `The model has no output '${name}' (it has '${description.outputs.map((o) => o.name).join("', '")}').`);
  }
}

export async function runTensors(
  session: InferenceSession,
  description: SessionDescription,
  request: TensorRequest,
): Promise<TensorResult> {
  checkTensorRequest(request, description);
  const ort = await import('onnxruntime-node');
  const feeds: Record<string, Tensor> = {};
  for (const input of request.inputs) feeds[input.name] = new ort.Tensor(input.type, input.data as Float32Array, input.dims);
  const names = request.outputs.length > 0 ? request.outputs : description.outputs.map((o) => o.name);
  const started = performance.now();
  const results = (await session.run(feeds, names)) as Record<string, Tensor>;
  const inferenceMs = performance.now() - started;
  const outputs = names.map((name) => {
    const tensor = results[name]!;
    // A copy that owns its memory: the tensor is released below, and the copy may be transferred between threads.
    const data = Array.isArray(tensor.data) ? [...(tensor.data as string[])] : (tensor.data as Exclude<TensorData, string[]>).slice();
    return { name, type: tensor.type as TensorElementType, dims: [...tensor.dims], data };
  });
  for (const tensor of Object.values(results)) tensor.dispose?.();
  return { outputs, inferenceMs: Math.round(inferenceMs * 1000) / 1000 };
}
