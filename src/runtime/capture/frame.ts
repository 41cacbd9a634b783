// The frame and frame-source contracts shared by every source (folder, video, camera, RTSP) and the capture loop.
// Runtime stage (capture).

export interface Frame {
  /** Encoded image bytes: JPEG from ffmpeg, or the file's own format from a folder. */
  data: Buffer;
  /** 0-based count of frames this source has produced. */
  index: number;
  /** Where it came from, for logs and message properties: a file name, or the source description and frame time. */
  origin: string;
}

export interface FrameSource {
  /** e.g. "folder 'samples' (4 images)" or "camera '/dev/video0'"; never contains credentials. */
  readonly description: string;
  /** The next frame; undefined when the source has ended (a folder or video without loop). */
  next(): Promise<Frame | undefined>;
  /** Stops any child process; next() then resolves undefined. */
  close(): Promise<void>;
}

/** A source that cannot start or keep going (missing folder, ffmpeg absent, bad video): one line, no stack needed. */
export class FrameSourceError extends Error {
  override name = 'FrameSourceError';
}
