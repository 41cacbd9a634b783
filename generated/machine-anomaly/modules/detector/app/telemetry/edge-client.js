async function loadCommonJs(module) {
    const loaded = (await module);
    return loaded.default ?? loaded;
}
/** Reads an input message into what the pipeline needs; a body that is not JSON yields undefined. */
export function toIncoming(input, message, maxBytes, now) {
    const bytes = message.getBytes();
    if (bytes.length > maxBytes)
        return { rejected: `message of ${bytes.length} bytes is larger than ${maxBytes}` };
    let body;
    try {
        body = JSON.parse(bytes.toString('utf8'));
    }
    catch {
        return { rejected: 'body is not JSON' };
    }
    const property = (key) => message.properties.getValue(key);
    // When the reading was made: the body's own timestamp (timestamp, or timeCreated as Microsoft's simulated sensor
    // writes it), else the creation time edgeHub carries in $.ctime.
    const stamped = body;
    const created = typeof stamped?.timestamp === 'string'
        ? stamped.timestamp
        : typeof stamped?.timeCreated === 'string'
            ? stamped.timeCreated
            : property('$.ctime');
    return {
        input,
        body,
        deviceId: property('$.cdid'),
        moduleId: property('$.cmid'),
        messageId: message.messageId,
        correlationId: message.correlationId,
        createdAt: created,
        receivedAt: now,
    };
}
export async function openEdgeLink(onMessage, log) {
    const [device, { Mqtt }] = await Promise.all([loadCommonJs(import('azure-iot-device')), loadCommonJs(import('azure-iot-device-mqtt'))]);
    const client = await device.ModuleClient.fromEnvironment(Mqtt);
    client.on('error', (error) => log(`IoT Edge client error: ${error.message}`));
    client.on('inputMessage', (input, message) => {
        onMessage(input, message);
        // Acknowledged once read: scoring is best effort and bounded; edgeHub must not redeliver a dropped reading.
        client.complete(message).catch((error) => log(`could not complete a message: ${error.message}`));
    });
    await client.open();
    return {
        async send(output, body, properties = {}) {
            const message = new device.Message(JSON.stringify(body));
            message.contentType = 'application/json';
            message.contentEncoding = 'utf-8';
            for (const [key, value] of Object.entries(properties))
                message.properties.add(key, value);
            await client.sendOutputEvent(output, message);
        },
        close: async () => void (await client.close()),
    };
}
export function isIotEdgeEnvironment(env) {
    return Boolean(env.IOTEDGE_WORKLOADURI || env.EdgeHubConnectionString);
}
