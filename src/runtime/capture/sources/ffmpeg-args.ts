// Builds ffmpeg command lines that turn a video file, camera or RTSP stream into JPEG frames on stdout at a fixed
// rate (image2pipe, mjpeg). Runtime stage (capture). Pure: arguments go to spawn() as an array, never through a shell.
import { isAbsolute, resolve } from 'node:path';
import { FrameSourceError } from '../frame.js';

export type FfmpegInput =
  | { kind: 'video'; path: string; loop: boolean }
  | { kind: 'camera'; device: string }
  | { kind: 'rtsp'; url: string };

const CAMERA_DEVICE = /^\/dev\/[A-Za-z0-9._/-]+$/;

/** A camera as the seed allowed it: a device path, or a bare index meaning /dev/video<index>. */
export function cameraDevicePath(device: string): string {
  const path = /^\d+$/.test(device) ? `/dev/video${device}` : device;
  if (!CAMERA_DEVICE.test(path) || path.includes('..'))
    throw new FrameSourceError(`Camera device '${device}' must be a /dev path such as /dev/video0.`);
  return path;
}

/** Input options per source kind: a table, because each kind differs only in how ffmpeg opens it. */
const inputArgs: { [K in FfmpegInput['kind']]: (input: Extract<FfmpegInput, { kind: K }>) => string[] } = {
  // `file:` stops a path that looks like a URL or an option from being read as one.
  video: (input) => [
    ...(input.loop ? ['-stream_loop', '-1'] : []),
    '-i',
    `file:${isAbsolute(input.path) ? input.path : resolve(input.path)}`,
  ],
  camera: (input) => ['-f', 'v4l2', '-i', cameraDevicePath(input.device)],
  rtsp: (input) => {
    if (!/^rtsps?:\/\//i.test(input.url)) throw new FrameSourceError('The RTSP URL must start with rtsp:// or rtsps://.');
    // TCP survives lossy networks and NAT better than the UDP default; time out (µs) rather than hang on a dead camera.
    return ['-rtsp_transport', 'tcp', '-timeout', '10000000', '-i', input.url];
  },
};

/** ffmpeg arguments that emit `fps` JPEG frames per second of source time to stdout. */
export function ffmpegArgs(input: FfmpegInput, fps: number): string[] {
  if (!(fps > 0 && Number.isFinite(fps))) throw new FrameSourceError(`fps must be a positive number, not ${fps}.`);
  const build = inputArgs[input.kind] as (i: FfmpegInput) => string[];
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    ...build(input),
    '-an',
    '-vf',
    `fps=${fps}`,
    '-f',
    'image2pipe',
    '-c:v',
    'mjpeg',
    '-q:v',
    '3',
    'pipe:1',
  ];
}

/** Removes credentials from text ffmpeg printed (it echoes input URLs in its errors). */
export function redactCredentials(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('<redacted>');
  return out.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}

/** "rtsp stream at host:port" without user, password, path or query. */
export function describeRtsp(url: string): string {
  try {
    const u = new URL(url);
    return `rtsp stream at '${u.host}'`;
  } catch {
    return 'rtsp stream';
  }
}
