// Reads the JSON progress events of Docker's build and push streams. Dockerode resolves these streams even when
// the build or push failed: the failure is an `error` / `errorDetail` event, so it must be found here. Apply stage.

export interface DockerStreamEvent {
  stream?: string;
  status?: string;
  progress?: string;
  id?: string;
  error?: string;
  errorDetail?: { code?: number; message?: string };
  aux?: { ID?: string; Tag?: string; Digest?: string; Size?: number };
}

/** The failure message of a stream, or undefined when it succeeded. */
export function streamError(events: readonly DockerStreamEvent[]): string | undefined {
  for (const event of events) {
    const message = event.errorDetail?.message ?? event.error;
    if (message) return message.trim();
  }
  return undefined;
}

/** The image id a build produced (`aux.ID`, or the classic "Successfully built <id>" line). */
export function builtImageId(events: readonly DockerStreamEvent[]): string | undefined {
  for (const event of [...events].reverse()) {
    if (event.aux?.ID) return event.aux.ID;
    const match = /Successfully built ([0-9a-f]+)/.exec(event.stream ?? '');
    if (match) return match[1];
  }
  return undefined;
}

/** The registry digest a push reported (`aux.Digest`, or "<tag>: digest: sha256:… size: N"). */
export function pushedDigest(events: readonly DockerStreamEvent[]): string | undefined {
  for (const event of [...events].reverse()) {
    if (event.aux?.Digest) return event.aux.Digest;
    const match = /digest: (sha256:[0-9a-f]{64})/.exec(event.status ?? '');
    if (match) return match[1];
  }
  return undefined;
}

/** The last few lines of build output, to put in an error message. */
export function buildLogTail(events: readonly DockerStreamEvent[], lines = 8): string {
  const text = events.map((e) => e.stream ?? '').join('');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-lines)
    .join('\n');
}
