// The telemetry module's work, apart from how messages arrive: each message becomes a feature vector (or is
// rejected with the reason), joins its sender's window, waits in a bounded drop-oldest queue, and is scored in
// batches as large as the backlog allows (up to maxBatch); each result goes to `send`. Runtime stage (telemetry).
import type { TelemetryConfig } from './config.js';
import { decodeRow, type TelemetryPrediction } from './decoders.js';
import { featureVector } from './features.js';
import { DropOldestQueue } from './queue.js';
import type { TelemetryScorer } from './scorer.js';
import { Windows } from './windows.js';

export interface IncomingTelemetry {
  /** The IoT Edge input it arrived on. */
  input: string;
  body: unknown;
  /** Sender identity from the message's system properties, when present. */
  deviceId?: string;
  moduleId?: string;
  messageId?: string;
  correlationId?: string;
  /** When the sender created it (body timestamp or iothub-creation-time-utc), if known. */
  createdAt?: string;
  receivedAt: number;
}

/** The body of a result message (its contract is src/runtime/contracts/telemetry-results.ts). */
export type TelemetryResult = TelemetryPredictionFields & {
  input: { name: string; deviceId: string; moduleId: string; messageId: string; correlationId: string };
  timestamps: { created: string; received: string; scored: string };
  /** Features that were missing and took their default. */
  defaulted: string[];
  /** Messages dropped so far because the queue was full. */
  dropped: number;
};

type TelemetryPredictionFields =
  | { kind: 'regression'; value: number; unit: string }
  | { kind: 'classification'; label: string; probability: number; probabilities: Record<string, number> }
  | { kind: 'anomaly'; score: number; threshold: number; anomaly: boolean };

interface Queued {
  message: IncomingTelemetry;
  row: number[];
  defaulted: string[];
}

export interface PipelineStats {
  received: number;
  scored: number;
  rejected: number;
  dropped: number;
  /** Messages held while a sender's window fills. */
  warmingUp: number;
  batches: number;
}

export interface TelemetryPipeline {
  handle(message: IncomingTelemetry): void;
  /** Resolves when every queued message has been scored. */
  idle(): Promise<void>;
  readonly stats: PipelineStats;
}

function fields(p: TelemetryPrediction): TelemetryPredictionFields {
  if (p.kind === 'regression') return { kind: 'regression', value: p.value, unit: p.unit ?? '' };
  return p;
}

export function createTelemetryPipeline(
  config: TelemetryConfig,
  scorer: TelemetryScorer,
  send: (result: TelemetryResult) => Promise<void> | void,
  options: { log?: (line: string) => void; now?: () => number } = {},
): TelemetryPipeline {
  const log = options.log ?? (() => undefined);
  const now = options.now ?? Date.now;
  const queue = new DropOldestQueue<Queued>(config.limits.queueLength);
  const windows = new Windows(config.window, config.limits.maxWindows);
  const stats: PipelineStats = { received: 0, scored: 0, rejected: 0, dropped: 0, warmingUp: 0, batches: 0 };
  const loggedReasons = new Set<string>();
  let draining: Promise<void> | undefined;

  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.take(config.limits.maxBatch);
      stats.batches++;
      let rows: Float32Array[];
      try {
        rows = await scorer.score(batch.map((q) => q.row));
      } catch (error) {
        stats.rejected += batch.length;
        log(`scoring failed for ${batch.length} message(s): ${(error as Error).message}`);
        continue;
      }
      const scoredAt = new Date(now()).toISOString();
      // Messages of a burst often arrive in the same millisecond: format each receive time once.
      let lastReceived = NaN;
      let lastReceivedText = '';
      for (let i = 0; i < batch.length; i++) {
        const q = batch[i];
        stats.scored++;
        const m = q.message;
        if (m.receivedAt !== lastReceived) {
          lastReceived = m.receivedAt;
          lastReceivedText = new Date(m.receivedAt).toISOString();
        }
        const sent = send({
          ...fields(decodeRow(config.decoder, rows[i])),
          input: {
            name: m.input,
            deviceId: m.deviceId ?? '',
            moduleId: m.moduleId ?? '',
            messageId: m.messageId ?? '',
            correlationId: m.correlationId ?? '',
          },
          timestamps: { created: m.createdAt ?? '', received: lastReceivedText, scored: scoredAt },
          defaulted: q.defaulted,
          dropped: stats.dropped,
        });
        // Only an asynchronous sink (IoT Edge) is awaited: a turn of the event loop per message costs more than scoring it.
        if (sent) await sent;
      }
    }
  };

  const kick = (): void => {
    draining ??= drain().finally(() => {
      draining = undefined;
      if (queue.length > 0) kick();
    });
  };

  return {
    stats,
    handle(message) {
      stats.received++;
      const vector = featureVector(message.body, config.features);
      if (!vector.ok) {
        stats.rejected++;
        // One log line per distinct reason: a sender that always lacks a field must not flood the log.
        if (loggedReasons.size < 100 && !loggedReasons.has(vector.reason)) {
          loggedReasons.add(vector.reason);
          log(`message rejected on input '${message.input}': ${vector.reason}`);
        }
        return;
      }
      const key = (config.windowKey === 'module' ? `${message.deviceId ?? ''}/${message.moduleId ?? ''}` : message.deviceId) ?? '';
      const row = config.window === 1 ? vector.values : windows.push(key, vector.values);
      if (!row) {
        stats.warmingUp++;
        return;
      }
      if (queue.push({ message, row, defaulted: vector.defaulted })) stats.dropped = queue.dropped;
      kick();
    },
    async idle() {
      while (draining) await draining;
    },
  };
}
