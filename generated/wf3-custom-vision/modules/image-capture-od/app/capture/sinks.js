// Where the capture module's result messages go: IoT Edge (ModuleClient over MQTT, when running under the edge
// runtime), JSON lines on stdout (local runs, `edgeml run` reads them), or a callback (tests, in-process use).
// Runtime stage (capture). Every message is JSON with contentType/contentEncoding set, so $body routes work.
export const MESSAGE_CONTENT_TYPE = 'application/json';
export const MESSAGE_CONTENT_ENCODING = 'utf-8';
/** The edge runtime (or the IoT Edge simulator) sets these for every module it starts. */
export function isIotEdgeEnvironment(env) {
    return Boolean((env.IOTEDGE_WORKLOADURI && env.IOTEDGE_MODULEID) || env.EdgeHubConnectionString);
}
export function formatMessageLine(message) {
    const line = {
        type: 'message',
        output: message.output,
        contentType: MESSAGE_CONTENT_TYPE,
        contentEncoding: MESSAGE_CONTENT_ENCODING,
        properties: message.properties,
        body: JSON.parse(message.body),
    };
    return JSON.stringify(line) + '\n';
}
/** Parses a line written by the stdout sink; undefined for any other line. */
export function parseMessageLine(line) {
    if (!line.startsWith('{"type":"message"'))
        return undefined;
    try {
        const parsed = JSON.parse(line);
        return parsed.type === 'message' && typeof parsed.output === 'string' ? parsed : undefined;
    }
    catch {
        return undefined;
    }
}
export function createStdoutSink(write = (t) => process.stdout.write(t)) {
    return {
        kind: 'stdout',
        async send(message) {
            write(formatMessageLine(message));
        },
        async close() { },
    };
}
export function createCallbackSink(onMessage) {
    return {
        kind: 'callback',
        async send(message) {
            await onMessage(message);
        },
        async close() { },
    };
}
/** The Azure IoT SDKs are CommonJS: Node's ESM import exposes most of their exports only on `default`. */
async function loadCommonJs(module) {
    const loaded = (await module);
    return loaded.default ?? loaded;
}
async function moduleClientFromEnvironment() {
    const [{ ModuleClient }, { Mqtt }] = await Promise.all([
        loadCommonJs(import('azure-iot-device')),
        loadCommonJs(import('azure-iot-device-mqtt')),
    ]);
    return await ModuleClient.fromEnvironment(Mqtt);
}
/**
 * Opens a ModuleClient from the edge runtime's environment (MQTT); the SDK is loaded only here, on first use.
 * `openClient` replaces the client in tests.
 */
export async function createIotEdgeSink(log = () => undefined, openClient = moduleClientFromEnvironment) {
    const { Message } = await loadCommonJs(import('azure-iot-device'));
    const client = await openClient();
    client.on('error', (error) => log(`capture: IoT Edge client error: ${error.message}`));
    await client.open();
    return {
        kind: 'iotedge',
        async send(message) {
            const m = new Message(message.body);
            m.contentType = MESSAGE_CONTENT_TYPE;
            m.contentEncoding = MESSAGE_CONTENT_ENCODING;
            for (const [key, value] of Object.entries(message.properties))
                m.properties.add(key, value);
            await client.sendOutputEvent(message.output, m);
        },
        async close() {
            await client.close();
        },
    };
}
