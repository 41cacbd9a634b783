// Apply step "images": builds each module image for the target platform, refuses a platform mismatch, pushes with
// the registry credentials and records the digest in the state; skips contexts unchanged since their push, and with
// --skip-build only checks the images are recorded or in the registry. Apply stage.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { DesiredImage } from '../plan/desired.js';
import type { DockerProvider, RegistryAuth } from '../providers/docker/docker-provider.js';
import { createTar, readFolderEntries, type TarEntry } from '../providers/docker/tar.js';
import { isProviderError } from '../providers/types.js';
import { manifestDigest } from '../providers/docker/registry-client.js';
import { outsideDockerfileEntry, outsideDockerfileName } from './desired-from-render.js';
import { ApplyError, applyError } from './errors.js';
import type { Progress } from './progress.js';
import type { ApplyState } from './state.js';

export interface PublishOptions {
  images: readonly DesiredImage[];
  state: ApplyState;
  /** Opened only when something must be built. */
  docker: () => Promise<DockerProvider>;
  /** Credentials to push with; undefined for an anonymous registry. Fetched only when something is pushed. */
  registryAuth: () => Promise<RegistryAuth | undefined>;
  skipBuild: boolean;
  progress: Progress;
  /** Called after each recorded push so a killed apply keeps what it pushed. */
  saveState(): void;
  /** Registry lookup for --skip-build of images edgeml did not push (default: the registry's v2 API). */
  registryDigest?: (ref: string, auth: RegistryAuth | undefined) => Promise<string | undefined>;
  /**
   * For a remote model (azureml/url): returns the path of the cached, verified and spec-checked model file, fetching
   * it on first use (model/fetch-remote.ts createRemoteModelLoader). Throws ModelCacheError.
   */
  remoteModel?: () => Promise<string>;
}

/** Rendered contexts of remote models hold model/source.json; the model bytes are added only for the build. */
const REMOTE_MODEL_SOURCE = 'model/source.json';
const MODEL_FILE = 'model/model.onnx';

/**
 * Adds the remote model to a context about to be built. Called after the context hash was taken, so the hash (and
 * the skip-if-unchanged decision) stays a function of the rendered files, which name the model in source.json.
 */
async function withRemoteModel(entries: TarEntry[], remoteModel: PublishOptions['remoteModel']): Promise<TarEntry[]> {
  if (!remoteModel || !entries.some((e) => e.path === REMOTE_MODEL_SOURCE) || entries.some((e) => e.path === MODEL_FILE)) return entries;
  let file: string;
  try {
    file = await remoteModel();
  } catch (error) {
    const diagnostic = (error as { diagnostic?: ApplyError['diagnostic'] }).diagnostic;
    if ((error as Error)?.name === 'ModelCacheError' && diagnostic) throw new ApplyError(diagnostic);
    throw error;
  }
  return [...entries, { path: MODEL_FILE, content: await readFile(file) }];
}

interface PreparedBuild {
  entries: TarEntry[];
  dockerfile: string;
  contextHash: string;
}

function prepare(image: DesiredImage): PreparedBuild {
  const build = image.build!;
  const entries: TarEntry[] =
    build.context.kind === 'files'
      ? [...build.context.files].map(([path, content]) => ({ path, content }))
      : readFolderEntries(build.context.path);
  let dockerfile = build.dockerfile;
  const outside = outsideDockerfileEntry(dockerfile);
  if (outside) {
    entries.push(outside);
    dockerfile = outsideDockerfileName;
  }
  const hash = createHash('sha256').update(createTar(entries)).update(`\0${dockerfile}\0${image.platform}\0${image.ref}`);
  return { entries, dockerfile, contextHash: hash.digest('hex') };
}

/** Builds, checks and pushes what changed. Throws ApplyError; a platform mismatch stops before any push. */
export async function publishImages(options: PublishOptions): Promise<void> {
  const { state, progress } = options;
  const buildable = options.images.filter((i) => i.build).sort((a, b) => a.module.localeCompare(b.module));
  let docker: DockerProvider | undefined;
  let auth: RegistryAuth | undefined;
  let authLoaded = false;
  for (const image of buildable) {
    const title = `image ${image.module}`;
    const previous = state.images[image.module];
    if (options.skipBuild) {
      if (previous?.ref === image.ref) {
        progress.skip(title, '--skip-build');
        continue;
      }
      // Pushed by someone else (e.g. scripts/03-build-push.sh): deploy it only if the registry really has it.
      if (!authLoaded) {
        auth = await options.registryAuth();
        authLoaded = true;
      }
      const digest = await (options.registryDigest ?? manifestDigest)(image.ref, auth);
      if (!digest) throw applyError('imageMissing', { image: image.ref });
      state.images[image.module] = { ref: image.ref, digest, contextHash: '' };
      options.saveState();
      progress.skip(title, `--skip-build, in the registry as ${digest.slice(0, 19)}`);
      continue;
    }
    const prepared = prepare(image);
    if (previous?.ref === image.ref && previous.contextHash === prepared.contextHash) {
      progress.skip(title, `unchanged, ${previous.digest.slice(0, 19)}`);
      continue;
    }
    await progress.step(`${title}: build, check platform, push`, async (control) => {
      // The model is fetched and checked against the spec before Docker is even asked: a wrong pairing costs no build.
      control.update('model');
      const context = await withRemoteModel(prepared.entries, options.remoteModel);
      if (!docker) {
        docker = await options.docker();
        try {
          await docker.ping();
        } catch (error) {
          throw applyError('dockerUnavailable', { reason: (error as Error).message });
        }
      }
      try {
        control.update('building');
        await docker.build({
          ref: image.ref,
          context,
          dockerfile: prepared.dockerfile,
          platform: image.platform,
          onOutput: (line) => control.update(line.slice(0, 60)),
        });
      } catch (error) {
        if (isProviderError(error, 'BuildFailed')) throw applyError('buildFailed', { module: image.module, reason: error.message });
        throw error;
      }
      try {
        await docker.checkPlatform(image.ref, image.platform);
      } catch (error) {
        if (isProviderError(error, 'PlatformMismatch')) {
          const [actual, expected] = error.message.split(' is not ');
          throw applyError('platformMismatch', { module: image.module, image: image.ref, actual, expected });
        }
        throw error;
      }
      if (!authLoaded) {
        auth = await options.registryAuth();
        authLoaded = true;
      }
      control.update('pushing');
      let digest: string;
      try {
        digest = (await docker.push(image.ref, auth)).digest;
      } catch (error) {
        if (isProviderError(error, 'PushFailed')) throw applyError('pushFailed', { image: image.ref, reason: error.message });
        throw error;
      }
      state.images[image.module] = { ref: image.ref, digest, contextHash: prepared.contextHash };
      options.saveState();
    });
  }
}
