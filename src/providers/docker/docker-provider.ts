// Docker provider on dockerode: builds a module image for the target platform from an in-memory build context,
// refuses an image whose Os/Architecture/Variant differs from the target, pushes with registry credentials and
// returns the pushed digest. Build and push failures are read from the progress events. Apply stage.
// Import lazily (await import): only apply and its tests need dockerode.
import { Readable } from 'node:stream';
import Docker from 'dockerode';
import { ProviderError, type SecretValue } from '../types.js';
import type { Platform } from '../../ir/types.js';
import { dockerPlatforms, platformMatches, platformString } from './platform.js';
import { buildLogTail, builtImageId, pushedDigest, streamError, type DockerStreamEvent } from './stream-events.js';
import { createTar, type TarEntry } from './tar.js';

export interface BuildRequest {
  /** Tag to give the image: the full reference the manifest uses. */
  ref: string;
  context: readonly TarEntry[];
  /** Dockerfile path inside the context. */
  dockerfile: string;
  platform: Platform;
  /** Called with each line of build output (for progress display). */
  onOutput?(line: string): void;
}

export interface RegistryAuth {
  /** Registry host, e.g. 'myacr.azurecr.io' or 'localhost:5000'. */
  address: string;
  username: string;
  password: SecretValue;
}

export interface ImagePlatform {
  os?: string;
  architecture?: string;
  variant?: string;
}

export interface DockerProvider {
  /** Throws ProviderError('DockerUnavailable') when no engine answers. */
  ping(): Promise<void>;
  build(request: BuildRequest): Promise<{ imageId: string }>;
  inspectPlatform(ref: string): Promise<ImagePlatform>;
  /** Throws ProviderError('PlatformMismatch') when the image is not for the target platform. */
  checkPlatform(ref: string, platform: Platform): Promise<ImagePlatform>;
  push(ref: string, auth?: RegistryAuth): Promise<{ digest: string }>;
  hasImage(ref: string): Promise<boolean>;
}

export interface DockerProviderOptions {
  /** Defaults to DOCKER_HOST or /var/run/docker.sock (dockerode's own defaults). */
  socketPath?: string;
  /**
   * Network for RUN steps (`docker build --network`), e.g. 'host' on engines started without a bridge network,
   * where the default network gives builds no way out (npm install needs one). Default: the engine's default.
   */
  buildNetwork?: string;
}

/** Splits 'host:5000/repo/name:tag' into repository and tag (a digest reference has no tag to push). */
export function splitReference(ref: string): { repository: string; tag: string } {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repository: ref, tag: 'latest' };
}

function collect(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  onEvent?: (event: DockerStreamEvent) => void,
): Promise<DockerStreamEvent[]> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, output: DockerStreamEvent[]) => (error ? reject(error) : resolve(output ?? [])),
      (event: DockerStreamEvent) => onEvent?.(event),
    );
  });
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length >= 4).reduce((out, s) => out.split(s).join('(sensitive)'), text);
}

export function createDockerProvider(options: DockerProviderOptions = {}): DockerProvider {
  const docker = options.socketPath ? new Docker({ socketPath: options.socketPath }) : new Docker();

  async function inspectPlatform(ref: string): Promise<ImagePlatform> {
    try {
      const info = (await docker.getImage(ref).inspect()) as { Os?: string; Architecture?: string; Variant?: string };
      return { os: info.Os, architecture: info.Architecture, variant: info.Variant };
    } catch (error) {
      throw new ProviderError({
        code: 'ImageNotFound',
        message: `docker.inspect failed: image '${ref}' is not in the local engine (${(error as Error).message}).`,
        operation: 'docker.inspect',
      });
    }
  }

  return {
    async ping() {
      try {
        await docker.ping();
      } catch (error) {
        throw new ProviderError({
          code: 'DockerUnavailable',
          message: (error as Error).message,
          operation: 'docker.ping',
          retryable: true,
        });
      }
    },

    async build(request) {
      const target = dockerPlatforms[request.platform];
      const tar = createTar(request.context);
      let stream: NodeJS.ReadableStream;
      try {
        const buildOptions = {
          t: request.ref,
          dockerfile: request.dockerfile,
          platform: platformString(target),
          rm: true,
          forcerm: true,
          ...(options.buildNetwork ? { networkmode: options.buildNetwork } : {}),
        };
        stream = await docker.buildImage(Readable.from([tar]), buildOptions as Docker.ImageBuildOptions);
      } catch (error) {
        throw new ProviderError({ code: 'BuildFailed', message: (error as Error).message, operation: 'docker.build' });
      }
      const events = await collect(docker, stream, (event) => {
        const line = event.stream?.trim();
        if (line) request.onOutput?.(line);
      });
      const failure = streamError(events);
      if (failure) {
        const tail = buildLogTail(events, 4);
        throw new ProviderError({ code: 'BuildFailed', message: tail ? `${failure}\n${tail}` : failure, operation: 'docker.build' });
      }
      const imageId = builtImageId(events);
      if (!imageId)
        throw new ProviderError({ code: 'BuildFailed', message: 'the engine reported no image id.', operation: 'docker.build' });
      return { imageId };
    },

    inspectPlatform,

    async checkPlatform(ref, platform) {
      const actual = await inspectPlatform(ref);
      const target = dockerPlatforms[platform];
      if (!platformMatches(target, actual)) {
        const got = [actual.os, actual.architecture, actual.variant].filter(Boolean).join('/');
        throw new ProviderError({
          code: 'PlatformMismatch',
          message: `${got} is not ${platformString(target)}`,
          operation: 'docker.checkPlatform',
        });
      }
      return actual;
    },

    async push(ref, auth) {
      const { repository, tag } = splitReference(ref);
      const secrets = auth ? [auth.password.reveal()] : [];
      const authconfig = auth ? { username: auth.username, password: auth.password.reveal(), serveraddress: auth.address } : undefined;
      let events: DockerStreamEvent[];
      try {
        const stream = await docker.getImage(repository).push({ tag, ...(authconfig ? { authconfig } : {}) });
        events = await collect(docker, stream);
      } catch (error) {
        throw new ProviderError({ code: 'PushFailed', message: redact((error as Error).message, secrets), operation: 'docker.push' });
      }
      const failure = streamError(events);
      if (failure) throw new ProviderError({ code: 'PushFailed', message: redact(failure, secrets), operation: 'docker.push' });
      const digest = pushedDigest(events);
      if (!digest) throw new ProviderError({ code: 'PushFailed', message: 'the registry reported no digest.', operation: 'docker.push' });
      return { digest };
    },

    async hasImage(ref) {
      try {
        await docker.getImage(ref).inspect();
        return true;
      } catch {
        return false;
      }
    },
  };
}
