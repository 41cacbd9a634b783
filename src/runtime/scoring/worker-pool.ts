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
/** How long after start-up this thread loads the native modules itself (see holdNativeModules). */
const HOLD_NATIVE_DELAY_MS = 3_000;

/** A worker-thread Scorer; it answers once its first worker is ready, the others join as they start. */
export interface WorkerScorer extends Scorer {
  /** Settles when every worker has started (or failed to; that is logged and the pool runs with fewer). */
  readonly allStarted: Promise<void>;
  /** Workers ready now. */
  readonly ready: number;
}

export async function createWorkerScorer(config: ScoringConfig, options: WorkerScorerOptions = {}): Promise<WorkerScorer> {
  const { log, workers = config.server.concurrency, ...scorerOptions } = options;
  const init: WorkerInit = { config, options: scorerOptions };
  const slots: Slot[] = [];
  const waiting: Job[] = [];
  let nextId = 1;
  let closing = false;
  let restarting = 0;
  /** A worker of the staggered start still loading, which close() must wait for. */
  let starting: Promise<unknown> | undefined;

  // Load the native modules in this thread too before any worker is replaced: on glibc their shared libraries are
  // unloaded when the last thread using them exits, and a replacement worker loading them again can crash the
  // process (sharp's install notes, "worker threads"). Held here, they stay loaded for the life of the process.
  let nativeModules: Promise<unknown> | undefined;
  const holdNativeModules = (): Promise<unknown> => (nativeModules ??= Promise.all([import('sharp'), import('onnxruntime-node')]));

  /** Starts a worker and resolves once its model is loaded and it has scored a warm-up image. */
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
    holdNativeModules()
      .then(spawn)
      .then(
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
      slot.worker.postMessage(
        message,
        job.images.map((i) => i.buffer as ArrayBuffer),
      );
    }
  };

  // Start-up is staggered: the first worker loads onnxruntime, sharp and the model alone (and scores a warm-up
  // image), so the first answer is not delayed by the others competing for the same cores; the rest start one after
  // another once it serves. (Started together on 2 cores, first answer came at 1.7-1.8x the raw floor.)
  const first = await spawn();
  slots.push(first.slot);
  const { summary, description } = first.ready;
  const allStarted = (async () => {
    for (let i = 1; i < Math.max(1, workers) && !closing; i++) {
      const next = spawn();
      starting = next;
      try {
        const { slot } = await next;
        if (closing) await slot.worker.terminate();
        else {
          slots.push(slot);
          dispatch();
        }
      } catch (error) {
        log?.(`error: scoring worker ${i + 1} of ${workers} did not start (serving with ${slots.length}): ${(error as Error).message}`);
      } finally {
        starting = undefined;
      }
    }
    // Later, so that loading them (their JavaScript runs on this, the HTTP thread: ~50 ms of CPU) does not compete
    // with the first answers; a replacement worker waits for it anyway.
    if (!closing) setTimeout(() => void holdNativeModules().catch(() => undefined), HOLD_NATIVE_DELAY_MS).unref();
  })();

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
    allStarted,
    get ready() {
      return slots.length;
    },
    scoreBatch,
    infer,
    score: async (image) => (await scoreBatch([image]))[0]!,
    async close() {
      closing = true;
      for (const job of waiting.splice(0)) job.reject(new Error('The scorer is closed.'));
      await starting?.catch(() => undefined);
      await allStarted;
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
  return (
    bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.byteLength > 0
  );
}

function rebuild(error: SerializedError): Error {
  if (error.name === 'InputError' && error.status) return new InputError(error.status as InputErrorStatus, error.message, error.imageIndex);
  if (error.name === 'ModelLoadError') return new ModelLoadError(error.message);
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}
