// Chooses the frame source for a capture config: folder reader, or ffmpeg for video, camera and RTSP.
// Runtime stage (capture). Relative paths are resolved against the config file's folder.
import { basename, isAbsolute, resolve } from 'node:path';
import { FrameSourceError } from '../frame.js';
import { describeRtsp } from './ffmpeg-args.js';
import { createFfmpegSource } from './ffmpeg.js';
import { createFolderSource } from './folder.js';
export async function createFrameSource(source, ctx) {
    const at = (path) => (isAbsolute(path) ? path : resolve(ctx.baseDir, path));
    const ffmpeg = { fps: ctx.fps, log: ctx.log, ffmpegPath: ctx.ffmpegPath };
    switch (source.kind) {
        case 'folder':
            return createFolderSource(at(source.path), ctx.loop, ctx.log ? { log: ctx.log } : {});
        case 'video':
            return createFfmpegSource({
                ...ffmpeg,
                input: { kind: 'video', path: at(source.path), loop: ctx.loop },
                description: `video '${basename(source.path)}'`,
            });
        case 'camera':
            return createFfmpegSource({ ...ffmpeg, input: { kind: 'camera', device: source.device }, description: `camera '${source.device}'` });
        case 'rtsp': {
            const url = 'urlEnv' in source ? ctx.env[source.urlEnv] : source.url;
            if (!url)
                throw new FrameSourceError(`The RTSP URL is read from environment variable '${source.urlEnv}', which is not set.`);
            return createFfmpegSource({ ...ffmpeg, input: { kind: 'rtsp', url }, description: describeRtsp(url) });
        }
    }
}
