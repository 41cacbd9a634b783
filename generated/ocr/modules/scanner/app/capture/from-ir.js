/** Request settings the spec does not expose: generous enough for a CPU detector, short enough to notice an outage. */
export const SCORING_CLIENT_DEFAULTS = { timeoutMs: 10_000, retries: 2, backoffMs: 250 };
/**
 * The capture module's config for `module` (kind 'image-capture'). An RTSP URL given as a secret is never written:
 * the config names its environment variable instead, which the deployment must pass to the container.
 */
export function createCaptureConfig(ir, module, options = {}) {
    const capture = module.capture;
    if (module.kind !== 'image-capture' || !capture) {
        throw new Error(`Module '${module.name}' is not an image-capture module.`);
    }
    const mapPath = options.mapPath ?? ((p) => p);
    const config = {
        version: 1,
        name: module.name,
        source: sourceConfig(capture.source, mapPath),
        fps: capture.fps,
        loop: capture.loop,
        scoring: { url: options.scoringUrl ?? capture.scoringUrl, ...SCORING_CLIENT_DEFAULTS },
        output: capture.output,
    };
    if (capture.resize)
        config.resize = { width: capture.resize.width, height: capture.resize.height };
    if (capture.view && !options.withoutView)
        config.view = { port: capture.view.port, minScore: capture.view.minScore };
    void ir; // the workflow is part of the seam's signature so later settings (e.g. task-specific defaults) need no API change
    return config;
}
function sourceConfig(source, mapPath) {
    switch (source.kind) {
        case 'folder':
            return { kind: 'folder', path: mapPath(source.path) };
        case 'video':
            return { kind: 'video', path: mapPath(source.path) };
        case 'camera':
            return { kind: 'camera', device: source.device };
        case 'rtsp':
            return typeof source.url === 'string' ? { kind: 'rtsp', url: source.url } : { kind: 'rtsp', urlEnv: source.url.env };
    }
}
