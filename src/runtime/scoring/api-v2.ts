// The Open Inference Protocol (KServe v2 REST, as Triton, OpenVINO Model Server and MLServer speak it): server
// metadata GET /v2, GET /v2/health/live|ready, model metadata and readiness under /v2/models/<name>[/versions/<v>],
// and POST …/infer with JSON tensors or Triton's binary tensor data extension. The model is the config's module name,
// version "1"; its metadata comes from the loaded ONNX model. An input named `image` (BYTES, one encoded JPEG/PNG/
// BMP/WebP per element: base64 strings in JSON, raw bytes in binary) runs the spec's preprocessing and decoder and
// answers `label` (BYTES), `label_id` (INT32), `score` (FP32) [N, K] and, for detectors, `box` (FP32 [N, K, 4], x1 y1
// x2 y2 in 0..1); rows are padded with "", -1, 0. Errors are `{"error": "..."}`. Runtime stage (scoring).
import type { IncomingMessage } from 'node:http';
import { HttpError, type Answer, type ApiContext, type ErrorShape, type Route } from './api.js';
import type { ScoreResult } from './scorer.js';
import type { TensorInfo } from './model-metadata.js';
import type { TensorData, TensorRequest, WireTensor } from './tensor-run.js';
import { DATATYPES, datatypeOf, elementCount, fromBinary, fromJson, splitBody, toBinary, toJson } from './v2-tensors.js';
import { readBody } from '../shared/request-body.js';
import { InputError } from '../shared/input-error.js';
import { QueueFullError } from '../shared/limiter.js';

const MODEL_VERSION = '1';
const IMAGE_INPUT = 'image';
const HEADER_LENGTH = 'inference-header-content-length';

/** The protocol's error body: `{"error": "<message>"}` (no other fields). */
const v2Error: ErrorShape = (_status, _code, message) => json({ error: message });

/** Health answers are a status and an empty body: 200 for true, a 4xx for false (KServe v2 required_api, Health). */
const NOT_READY = 400;

const json = (value: unknown): { raw: string; contentType: string } => ({ raw: JSON.stringify(value), contentType: 'application/json' });
const empty = (status: number): Answer => ({ status, body: { raw: '', contentType: 'text/plain' } });

const MODEL_PATH = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/;

export function v2Routes(ctx: ApiContext): Route[] {
  const { config } = ctx;
  const maxElements = config.server.maxBodyBytes;

  /** The model named in the path, or 404 in the protocol's shape. */
  const checkModel = (match: RegExpExecArray): void => {
    const name = decodePart(match[1]!);
    if (name !== config.name)
      throw new HttpError(404, `Unknown model '${name.slice(0, 100)}'; this server serves '${config.name}'.`, 'not-found');
    if (match[2] !== undefined && decodePart(match[2]) !== MODEL_VERSION)
      throw new HttpError(
        404,
        `Unknown version '${match[2].slice(0, 20)}' of model '${config.name}'; it has version ${MODEL_VERSION}.`,
        'not-found',
      );
  };

  const metadata = (): unknown => {
    const { description } = ctx.readyScorer();
    const tensor = (t: TensorInfo) => ({
      name: t.name,
      datatype: datatypeOf(t.elementType) ?? t.elementType.toUpperCase(),
      shape: (t.shape ?? []).map((d) => (typeof d === 'number' ? d : -1)),
    });
    return {
      name: config.name,
      versions: [MODEL_VERSION],
      platform: 'onnxruntime_onnx',
      inputs: description.inputs.map(tensor),
      outputs: description.outputs.map(tensor),
    };
  };

  const route = (method: Route['method'], path: RegExp, handler: Route['handler']): Route => ({
    method,
    path,
    api: 'v2',
    handler,
    errorShape: v2Error,
  });

  return [
    route('GET', /^\/v2\/?$/, async () => ({
      status: 200,
      body: json({ name: 'edgeml-scoring', version: MODEL_VERSION, extensions: ['binary_tensor_data'] }),
    })),
    route('GET', /^\/v2\/health\/live$/, async () => empty(200)),
    route('GET', /^\/v2\/health\/ready$/, async () => {
      try {
        ctx.readyScorer();
        return empty(200);
      } catch {
        return empty(NOT_READY);
      }
    }),
    route('GET', MODEL_PATH, async (_req, match) => {
      checkModel(match);
      if (match[3] === '/infer') throw new InputError(405, 'Use POST for infer.');
      if (match[3] === '/ready') {
        try {
          ctx.readyScorer();
          return empty(200);
        } catch {
          return empty(NOT_READY);
        }
      }
      return { status: 200, body: json(metadata()) };
    }),
    route('POST', MODEL_PATH, async (req, match) => {
      checkModel(match);
      if (match[3] !== '/infer') throw new InputError(405, 'Use GET here; POST is for …/infer.');
      return infer(ctx, req, maxElements);
    }),
    // Last: any other path under /v2 is a 404 in the protocol's error shape.
    ...(['GET', 'POST'] as const).map((method) =>
      route(method, /^\/v2\//, async (req) => {
        req.resume();
        throw new HttpError(
          404,
          `No such endpoint '${(req.url ?? '').split('?')[0]!.slice(0, 200)}' in the Open Inference Protocol.`,
          'not-found',
        );
      }),
    ),
  ];
}

interface ParsedInput {
  name: string;
  datatype: string;
  shape: number[];
  /** Typed data; BYTES given as binary stay Buffers (images keep their bytes). */
  data: TensorData | Buffer[];
}

interface ParsedRequest {
  id?: string;
  inputs: ParsedInput[];
  outputs: { name: string; binary: boolean }[];
  binaryOutputs: boolean;
}

async function infer(ctx: ApiContext, req: IncomingMessage, maxElements: number): Promise<Answer> {
  const scorer = ctx.readyScorer();
  if (ctx.limiter.isFull()) throw new QueueFullError();
  const body = await readBody(req, ctx.config.server.maxBodyBytes);
  const header = req.headers[HEADER_LENGTH];
  const request = parseRequest(body, typeof header === 'string' ? header : undefined, maxElements);
  const imageMode = request.inputs.some((i) => i.name === IMAGE_INPUT) && !scorer.description.inputs.some((i) => i.name === IMAGE_INPUT);
  let outputs: WireTensor[];
  let inferenceMs: number;
  if (imageMode) {
    if (request.inputs.length !== 1) throw new HttpError(400, `Send the '${IMAGE_INPUT}' input alone.`);
    const images = imagesOf(request.inputs[0]!);
    const results = await ctx.limiter.run(() => scorer.scoreBatch(images, { transfer: false }));
    outputs = imageOutputs(results, ctx.config.task === 'object-detection');
    inferenceMs = results.reduce((n, r) => n + r.timings.inferenceMs / r.timings.batchSize, 0);
  } else {
    const tensorRequest: TensorRequest = { inputs: request.inputs.map(toWire), outputs: request.outputs.map((o) => o.name) };
    const result = await ctx.limiter.run(() => scorer.infer(tensorRequest));
    outputs = result.outputs;
    inferenceMs = result.inferenceMs;
  }
  const wanted = request.outputs.length > 0 ? request.outputs : outputs.map((o) => ({ name: o.name, binary: false }));
  const unknown = wanted.find((w) => !outputs.some((o) => o.name === w.name));
  if (unknown) throw new HttpError(400, `There is no output '${unknown.name}' (there are '${outputs.map((o) => o.name).join("', '")}').`);
  const binaries: Buffer[] = [];
  const answerOutputs = wanted.map((w) => {
    const tensor = outputs.find((o) => o.name === w.name)!;
    const base = { name: tensor.name, datatype: datatypeOf(tensor.type)!, shape: tensor.dims };
    if (w.binary || request.binaryOutputs) {
      const bytes = toBinary(tensor);
      binaries.push(bytes);
      return { ...base, parameters: { binary_data_size: bytes.length } };
    }
    return { ...base, data: toJson(tensor) };
  });
  const answer = { model_name: ctx.config.name, model_version: MODEL_VERSION, id: request.id ?? '', outputs: answerOutputs };
  if (binaries.length === 0) return { status: 200, body: json(answer), inferenceMs };
  const head = Buffer.from(JSON.stringify(answer));
  return {
    status: 200,
    body: { raw: Buffer.concat([head, ...binaries]), contentType: 'application/octet-stream' },
    headers: { 'inference-header-content-length': String(head.length) },
    inferenceMs,
  };
}

function parseRequest(body: Buffer, headerLength: string | undefined, maxElements: number): ParsedRequest {
  if (body.length === 0) throw new HttpError(400, 'The request body is empty; send {"inputs": [...]}.');
  const { json: head, binary } = splitBody(body, headerLength);
  let parsed: unknown;
  try {
    parsed = JSON.parse(head.toString('utf8'));
  } catch (error) {
    throw new HttpError(400, `The request is not valid JSON: ${(error as Error).message}.`);
  }
  const request = record(parsed, 'The request');
  if (request.id !== undefined && typeof request.id !== 'string') throw new HttpError(400, "'id' must be a string.");
  const parameters = request.parameters === undefined ? {} : record(request.parameters, "'parameters'");
  if (!Array.isArray(request.inputs) || request.inputs.length === 0) throw new HttpError(400, "'inputs' must be a non-empty list.");
  let offset = 0;
  const inputs = request.inputs.map((raw, i): ParsedInput => {
    const input = record(raw, `inputs[${i}]`);
    const what = `Input '${typeof input.name === 'string' ? input.name.slice(0, 100) : i}'`;
    if (typeof input.name !== 'string' || input.name === '') throw new HttpError(400, `inputs[${i}]: 'name' must be a non-empty string.`);
    const type = typeof input.datatype === 'string' && Object.hasOwn(DATATYPES, input.datatype) ? DATATYPES[input.datatype]! : undefined;
    if (!type) throw new HttpError(400, `${what}: 'datatype' must be one of ${Object.keys(DATATYPES).join(', ')}.`);
    const count = elementCount(input.shape, maxElements, what);
    const inputParameters = input.parameters === undefined ? {} : record(input.parameters, `${what}: 'parameters'`);
    const binarySize = inputParameters.binary_data_size;
    if (binarySize !== undefined) {
      if (!Number.isSafeInteger(binarySize) || (binarySize as number) < 0 || offset + (binarySize as number) > binary.length) {
        throw new HttpError(
          400,
          `${what}: binary_data_size ${String(binarySize)} does not fit the ${binary.length - offset} binary byte(s) left.`,
        );
      }
      const bytes = binary.subarray(offset, offset + (binarySize as number));
      offset += binarySize as number;
      return {
        name: input.name,
        datatype: input.datatype as string,
        shape: input.shape as number[],
        data: fromBinary(bytes, type, count, what),
      };
    }
    if (input.data === undefined) throw new HttpError(400, `${what}: 'data' is missing (or give binary_data_size).`);
    return {
      name: input.name,
      datatype: input.datatype as string,
      shape: input.shape as number[],
      data: fromJson(input.data, type, count, (input.shape as number[]).length, what),
    };
  });
  if (offset !== binary.length)
    throw new HttpError(400, `${binary.length - offset} binary byte(s) after the JSON header belong to no input.`);
  const outputs = request.outputs === undefined ? [] : Array.isArray(request.outputs) ? request.outputs : undefined;
  if (!outputs) throw new HttpError(400, "'outputs' must be a list.");
  return {
    ...(typeof request.id === 'string' ? { id: request.id } : {}),
    inputs,
    outputs: outputs.map((raw, i) => {
      const output = record(raw, `outputs[${i}]`);
      if (typeof output.name !== 'string') throw new HttpError(400, `outputs[${i}]: 'name' must be a string.`);
      const p = output.parameters === undefined ? {} : record(output.parameters, `outputs[${i}].parameters`);
      return { name: output.name, binary: p.binary_data === true };
    }),
    binaryOutputs: parameters.binary_data_output === true,
  };
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new HttpError(400, `'${part.slice(0, 100)}' is not a valid URL path segment.`);
  }
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, `${what} must be a JSON object.`);
  return value as Record<string, unknown>;
}

function toWire(input: ParsedInput): WireTensor {
  const type = DATATYPES[input.datatype]!;
  const data =
    Array.isArray(input.data) && input.data.length > 0 && Buffer.isBuffer(input.data[0])
      ? (input.data as Buffer[]).map((b) => b.toString('utf8'))
      : input.data;
  return { name: input.name, type, dims: input.shape, data: data as TensorData };
}

/** The encoded images of the image input: binary elements as they are, JSON strings as base64. */
function imagesOf(input: ParsedInput): Buffer[] {
  if (input.datatype !== 'BYTES')
    throw new HttpError(400, `Input '${IMAGE_INPUT}' must be BYTES (one encoded image per element), not ${input.datatype}.`);
  const elements = input.data as (Buffer | string)[];
  if (elements.length === 0) throw new HttpError(400, `Input '${IMAGE_INPUT}' holds no image.`);
  return elements.map((e, i) => {
    const bytes = Buffer.isBuffer(e) ? e : Buffer.from(e, 'base64');
    if (bytes.length === 0) throw new InputError(400, `Image ${i} of input '${IMAGE_INPUT}' is empty (JSON elements are base64).`, i);
    return bytes;
  });
}

/** Decoded predictions as [N, K] tensors, rows padded to the longest. */
function imageOutputs(results: readonly ScoreResult[], boxes: boolean): WireTensor[] {
  const n = results.length;
  const k = Math.max(0, ...results.map((r) => r.predictions.length));
  const label: string[] = new Array(n * k).fill('');
  const labelId = new Int32Array(n * k).fill(-1);
  const score = new Float32Array(n * k);
  const box = new Float32Array(n * k * 4);
  results.forEach((r, i) =>
    r.predictions.forEach((p, j) => {
      const at = i * k + j;
      label[at] = p.label;
      labelId[at] = p.labelId;
      score[at] = p.score;
      if (p.box) box.set([p.box.left, p.box.top, p.box.left + p.box.width, p.box.top + p.box.height], at * 4);
    }),
  );
  const outputs: WireTensor[] = [
    { name: 'label', type: 'string', dims: [n, k], data: label },
    { name: 'label_id', type: 'int32', dims: [n, k], data: labelId },
    { name: 'score', type: 'float32', dims: [n, k], data: score },
  ];
  if (boxes) outputs.push({ name: 'box', type: 'float32', dims: [n, k, 4], data: box });
  return outputs;
}
