import { createPacer } from './pacer.js';
import { ScoringRejectedError } from './scoring-client.js';
import { messageBodyFor } from './summary.js';
export async function runCaptureLoop(options) {
    const { config, source, client, sink, view } = options;
    const log = createRepeatFilter(options.log ?? (() => undefined));
    const resize = options.resize ?? resizeWithSharp;
    const stats = { captured: 0, dropped: 0, sent: 0, failed: 0 };
    const limit = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, limit.signal]) : limit.signal;
    // A live source may be waiting for a frame when we stop: closing it releases that wait.
    const onAbort = () => void source.close();
    signal.addEventListener('abort', onAbort, { once: true });
    const handle = async (frame) => {
        try {
            const image = config.resize
                ? await resize(frame.data, config.resize).catch((error) => Promise.reject(new Error(`cannot resize it: ${error.message}`)))
                : frame.data;
            const answer = await client.score(image, signal);
            await sink.send({
                output: config.output,
                body: messageBodyFor(answer.json, answer.text),
                properties: { frameIndex: String(frame.index), frameOrigin: frame.origin },
            });
            stats.sent++;
            view?.update(image, answer.json, frame.index);
            if (options.maxMessages !== undefined && stats.sent >= options.maxMessages)
                limit.abort();
        }
        catch (error) {
            if (signal.aborted && !(error instanceof ScoringRejectedError))
                return; // interrupted by shutdown, not a failure
            stats.failed++;
            log(`capture: frame ${frame.index} (${frame.origin}) lost: ${error.message}`);
        }
    };
    const pacer = createPacer(config.fps, signal);
    let inFlight;
    let reason = 'stopped';
    try {
        while (await pacer.wait()) {
            const frame = await source.next();
            if (!frame) {
                if (!signal.aborted)
                    reason = 'ended';
                break;
            }
            if (signal.aborted)
                break;
            stats.captured++;
            if (inFlight) {
                stats.dropped++;
                continue;
            }
            inFlight = handle(frame).finally(() => (inFlight = undefined));
        }
    }
    catch (error) {
        reason = error;
    }
    finally {
        await inFlight;
        signal.removeEventListener('abort', onAbort);
    }
    if (limit.signal.aborted)
        reason = 'limit';
    return { stats, reason };
}
async function resizeWithSharp(image, size) {
    const { default: sharp } = await import('sharp');
    return sharp(image).rotate().resize(size.width, size.height, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer();
}
/** Logs a repeated message (e.g. "scoring unreachable" at every frame) once, then a count every 30 s. */
function createRepeatFilter(log, windowMs = 30_000) {
    let last = '';
    let lastAt = 0;
    let repeats = 0;
    return (line) => {
        const key = line.replace(/frame \d+ \([^)]*\)/, 'frame');
        const now = Date.now();
        if (key === last && now - lastAt < windowMs) {
            repeats++;
            return;
        }
        if (repeats > 0)
            log(`capture: (previous message repeated ${repeats} more time${repeats === 1 ? '' : 's'})`);
        last = key;
        lastAt = now;
        repeats = 0;
        log(line);
    };
}
