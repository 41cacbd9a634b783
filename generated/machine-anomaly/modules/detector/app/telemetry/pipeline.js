import { decodeRow } from './decoders.js';
import { featureVector } from './features.js';
import { DropOldestQueue } from './queue.js';
import { Windows } from './windows.js';
function fields(p) {
    if (p.kind === 'regression')
        return { kind: 'regression', value: p.value, unit: p.unit ?? '' };
    return p;
}
export function createTelemetryPipeline(config, scorer, send, options = {}) {
    const log = options.log ?? (() => undefined);
    const now = options.now ?? Date.now;
    const queue = new DropOldestQueue(config.limits.queueLength);
    const windows = new Windows(config.window, config.limits.maxWindows);
    const stats = { received: 0, scored: 0, rejected: 0, dropped: 0, warmingUp: 0, batches: 0 };
    const loggedReasons = new Set();
    let draining;
    const drain = async () => {
        while (queue.length > 0) {
            const batch = queue.take(config.limits.maxBatch);
            stats.batches++;
            let rows;
            try {
                rows = await scorer.score(batch.map((q) => q.row));
            }
            catch (error) {
                stats.rejected += batch.length;
                log(`scoring failed for ${batch.length} message(s): ${error.message}`);
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
                if (sent)
                    await sent;
            }
        }
    };
    const kick = () => {
        draining ??= drain().finally(() => {
            draining = undefined;
            if (queue.length > 0)
                kick();
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
            if (queue.push({ message, row, defaulted: vector.defaulted }))
                stats.dropped = queue.dropped;
            kick();
        },
        async idle() {
            while (draining)
                await draining;
        },
    };
}
