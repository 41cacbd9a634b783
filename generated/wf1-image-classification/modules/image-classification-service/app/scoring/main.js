// Entry point of the scoring module container: `node main.js [config.json]` (or EDGEML_CONFIG), logging one line
// per request to stdout. Runtime stage (scoring). Sets process.exitCode rather than exiting, so output is flushed.
import { startScoringService, StartupError } from './service.js';
import { ScoringConfigError } from './config.js';
const log = (line) => void process.stdout.write(line + '\n');
async function main() {
    const configPath = process.argv[2] ?? process.env.EDGEML_CONFIG ?? 'config.json';
    const port = process.env.EDGEML_PORT ? Number(process.env.EDGEML_PORT) : undefined;
    // On the device the module must answer on the edge network (all interfaces); `edgeml run` sets loopback.
    const host = process.env.EDGEML_HOST || undefined;
    // Handlers go in before anything starts, so a signal during start-up stops the service instead of killing it.
    const starting = startScoringService(configPath, log, port, host);
    const onSignal = (signal) => {
        log(`${signal}: finishing running requests, then stopping.`);
        starting
            .then((service) => service.stop())
            .then(() => log('stopped.'), (error) => {
            log(`error while stopping: ${error.message}`);
            process.exitCode = 1;
        });
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
    await starting;
}
main().catch((error) => {
    // Expected start-up problems get one line; anything else is a bug and keeps its stack.
    const expected = error instanceof StartupError || error instanceof ScoringConfigError || error?.code === 'EADDRINUSE';
    process.stderr.write(`scoring: ${expected ? error.message : (error?.stack ?? String(error))}\n`);
    process.exitCode = 1;
});
