// The frame and frame-source contracts shared by every source (folder, video, camera, RTSP) and the capture loop.
// Runtime stage (capture).
/** A source that cannot start or keep going (missing folder, ffmpeg absent, bad video): one line, no stack needed. */
export class FrameSourceError extends Error {
    name = 'FrameSourceError';
}
