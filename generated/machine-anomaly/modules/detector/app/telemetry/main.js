// Entry point of the telemetry scoring module: `node main.js [config.json]` (or EDGEML_CONFIG). Under IoT Edge it reads
// its inputs through the ModuleClient and sends a result per scored message on its output; elsewhere (or with
// --stdin) it reads JSON-lines messages `{"input": "...", "body": {...}}` or plain bodies from stdin and writes results
// as JSON lines on stdout, which `edgeml test` and tests use. Logs go to stderr. Runtime stage (telemetry).
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { TelemetryConfigError, validateTelemetryConfig } from './config.js';
import { isIotEdgeEnvironment, openEdgeLink, toIncoming } from './edge-client.js';
import { createTelemetryPipeline } from './pipeline.js';
import { createTelemetryScorer } from './scorer.js';
const log = (line) => void process.stderr.write(`telemetry: ${line}\n`);
async function readConfig(path) {
    const text = await readFile(path, 'utf8').catch((error) => {
        throw new TelemetryConfigError(`Cannot read telemetry config '${path}': ${error.code ?? error.message}.`);
    });
    try {
        return validateTelemetryConfig(JSON.parse(text));
    }
    catch (error) {
        if (error instanceof SyntaxError)
            throw new TelemetryConfigError(`Telemetry config '${path}' is not valid JSON: ${error.message}.`);
        throw error;
    }
}
async function main() {
    const args = process.argv.slice(2);
    const stdinMode = args.includes('--stdin') || !isIotEdgeEnvironment(process.env);
    const configPath = resolve(args.find((a) => !a.startsWith('--')) ?? process.env.EDGEML_CONFIG ?? 'config.json');
    const config = await readConfig(configPath);
    const scorer = await createTelemetryScorer(resolve(dirname(configPath), config.model.path), config.model.inputName, config.decoder.output);
    log(`model loaded; ${config.features.length} features, window ${config.window}, inputs ${config.inputs.join(', ')}`);
    if (stdinMode) {
        const pipeline = createTelemetryPipeline(config, scorer, (result) => void process.stdout.write(JSON.stringify({ output: config.output, body: result }) + '\n'), { log });
        const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
        let lineNumber = 0;
        for await (const line of lines) {
            lineNumber++;
            if (line.trim() === '')
                continue;
            if (Buffer.byteLength(line) > config.limits.maxMessageBytes) {
                log(`line ${lineNumber}: longer than ${config.limits.maxMessageBytes} bytes; skipped`);
                continue;
            }
            let parsed;
            try {
                parsed = JSON.parse(line);
            }
            catch {
                log(`line ${lineNumber}: not JSON; skipped`);
                continue;
            }
            const wrapped = typeof parsed === 'object' && parsed !== null && 'body' in parsed
                ? parsed
                : { body: parsed };
            pipeline.handle({ input: wrapped.input ?? config.inputs[0], body: wrapped.body, deviceId: wrapped.deviceId, receivedAt: Date.now() });
            // Reading waits for scoring now and then, so a large file cannot outrun the bounded queue unnoticed.
            if (lineNumber % config.limits.maxBatch === 0)
                await pipeline.idle();
        }
        await pipeline.idle();
        const s = pipeline.stats;
        log(`done: ${s.received} received, ${s.scored} scored, ${s.rejected} rejected, ${s.dropped} dropped, ${s.warmingUp} filling windows`);
        await scorer.close();
        return;
    }
    let link;
    const pipeline = createTelemetryPipeline(config, scorer, async (result) => link?.send(config.output, result), { log });
    link = await openEdgeLink((input, message) => {
        if (!config.inputs.includes(input))
            return;
        const incoming = toIncoming(input, message, config.limits.maxMessageBytes, Date.now());
        if ('rejected' in incoming)
            log(`message on '${input}' rejected: ${incoming.rejected}`);
        else
            pipeline.handle(incoming);
    }, log);
    log(`connected to IoT Edge; results go to output '${config.output}'`);
    const stop = async (signal) => {
        log(`${signal}: stopping`);
        await pipeline.idle();
        await link?.close();
        await scorer.close();
        process.exit(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
}
main().catch((error) => {
    log(error instanceof TelemetryConfigError ? error.message : `cannot start: ${error.message}`);
    process.exitCode = 1;
});
