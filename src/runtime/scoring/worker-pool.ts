// A Scorer backed by worker threads, one onnxruntime session each: `concurrency` models run in parallel off the
// HTTP thread. Same interface as createScorer; used by the scoring service. A crashed worker fails only its own jobs
// and is replaced. Runtime stage (scoring).
import { Worker } from 'node:worker_threads';
import type { ScoringConfig } from './config.js';
import type { CreateScorerOptions, ScoreOptions, Scorer, ScoreResult } from './scorer.js';
import { ModelLoadError } from './session.js';
import { InputError, type InputErrorStatus } from '../shared/input-error.js';
import type { FromWorker, SerializedError, ToWorker, WorkerInit } from './worker-protocol.js';
import type { TensorRequest, TensorResult } from './tensor-run.js';

interface Job {
  id: number;
  images: Uint8Array[];
  /** Set for an Open Inference Protocol tensor run instead of images. */
  tensors?: TensorRequest;
  resolve: (results: ScoreResult[]) => void;
  resolveTensors?: (result: TensorResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  job?: Job;
}

export interface WorkerScorerOptions extends CreateScorerOptions {
  /** Worker threads (each with its own model session); default config.server.concurrency. */
  workers?: number;
}

const WORKER_URL = new URL('./scoring-worker.js', import.meta.url);

export async function createWorkerScorer(config: ScoringConfig, options: WorkerScorerOptions = {}): Promise<Scorer> {
  const { log, workers = config.server.concurrency, ...scorerOptions } = options;
  // Load the native modules in this thread too: on glibc their shared libraries are unloaded when the last thread
  // using them exits, and a replacement worker loading them again can crash the process (sharp's install notes,
  // "worker threads"). Held here, they stay loaded for the life of the process.
  await Promise.all([import('sharp'), import('onnxruntime-node')]);
  const init: WorkerInit = { config, options: scorerOptions };
  const slots: Slot[] = [];
  const waiting: Job[] = [];
  let nextId = 1;
  let closing = false;
  let restarting = 0;

  /** Starts a worker and resolves once its model is loaded. */
  const spawn = (): Promise<{ slot: Slot; ready: Extract<FromWorker, { type: 'ready' }> }> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(WORKER_URL, { workerData: init });
      const slot: Slot = { worker };
      let started = false;
      worker.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'ready':
            started = true;
            resolve({ slot, ready: message });
            return;
          case 'failed':
            void worker.terminate();
            return reject(rebuild(message.error));
          case 'log':
            return log?.(message.line);
          case 'scored':
          case 'inferred':
          case 'error': {
            const job = slot.job;
            if (!job || job.id !== message.id) return;
            slot.job = undefined;
            if (message.type === 'scored') job.resolve(message.results);
            else if (message.type === 'inferred') job.resolveTensors?.(message.result);
            else job.reject(rebuild(message.error));
            return dispatch();
          }
          case 'closed':
            return;
        }
      });
      worker.on('error', (error) => {
        if (!started) return reject(new ModelLoadError(`The scoring worker failed to start: ${error.message}`));
        log?.(`error: scoring worker crashed: ${error.message}`);
      });
      worker.on('exit', () => {
        const index = slots.indexOf(slot);
        if (index >= 0) slots.splice(index, 1);
        slot.job?.reject(new Error('The scoring worker stopped while scoring.'));
        slot.job = undefined;
        if (started && !closing) replace();
      });
    });

  const replace = (): void => {
    restarting++;
    spawn().then(
      ({ slot }) => {
        restarting--;
        slots.push(slot);
        dispatch();
      },
      (error: Error) => {
        restarting--;
        log?.(`error: could not replace a scoring worker: ${error.message}`);
        // With no worker left, waiting jobs would wait forever: fail them now.
        if (noWorkers()) for (const job of waiting.splice(0)) job.reject(new Error('No scoring worker is running.'));
      },
    );
  };
  const noWorkers = (): boolean => slots.length === 0 && restarting === 0;

  const dispatch = (): void => {
    for (const slot of slots) {
      if (slot.job) continue;
      const job = waiting.shift();
      if (!job) return;
      slot.job = job;
      if (job.tensors) {
        slot.worker.postMessage({ type: 'infer', id: job.id, request: job.tensors } satisfies ToWorker);
        continue;
      }
      const message: ToWorker = { type: 'score', id: job.id, images: job.images };
      slot.worker.postMessage(message, job.images.map((i) => i.buffer as ArrayBuffer));
    }
  };

  const started = await Promise.allSettled(Array.from({ length: Math.max(1, workers) }, spawn));
  const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  for (const s of started) if (s.status === 'fulfilled') slots.push(s.value.slot);
  if (failure) {
    closing = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
    throw failure.reason;
  }
  const { summary, description } = (started[0] as PromiseFulfilledResult<{ ready: Extract<FromWorker, { type: 'ready' }> }>).value.ready;

  const scoreBatch = (images: readonly Uint8Array[], options: ScoreOptions = {}): Promise<ScoreResult[]> =>
    new Promise((resolve, reject) => {
      if (closing) return reject(new Error('The scorer is closed.'));
      if (noWorkers()) return reject(new Error('No scoring worker is running.'));
      waiting.push({ id: nextId++, images: images.map((i) => (options.transfer && ownsItsBuffer(i) ? i : ownedCopy(i))), resolve, reject });
      dispatch();
    });

  const infer = (request: TensorRequest): Promise<TensorResult> =>
    new Promise((resolve, reject) => {
      if (closing) return reject(new Error('The scorer is closed.'));
      if (noWorkers()) return reject(new Error('No scoring worker is running.'));
      waiting.push({ id: nextId++, images: [], tensors: request, resolve: () => undefined, resolveTensors: resolve, reject });
      dispatch();
    });

  return {
    summary,
    description,
    scoreBatch,
    infer,
    score: async (image) => (await scoreBatch([image]))[0]!,
    async close() {
      closing = true;
      for (const job of waiting.splice(0)) job.reject(new Error('The scorer is closed.'));
      await Promise.all(
        slots.map(
          (slot) =>
            new Promise<void>((resolve) => {
              slot.worker.once('exit', () => resolve());
              slot.worker.postMessage({ type: 'close' } satisfies ToWorker);
            }),
        ),
      );
    },
  };
}

/** A private copy in a fresh ArrayBuffer, which can then be transferred: the caller's bytes stay untouched. */
function ownedCopy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/** Whether transferring these bytes moves nothing else: a view of a whole, ordinary ArrayBuffer (not a pool slice). */
function ownsItsBuffer(bytes: Uint8Array): boolean {
  return bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.byteLength > 0;
}

function rebuild(error: SerializedError): Error {
  if (error.name === 'InputError' && error.status) return new InputError(error.status as InputErrorStatus, error.message, error.imageIndex);
  if (error.name === 'ModelLoadError') return new ModelLoadError(error.message);
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}
