// Atomic output writer (emit stage): writes every rendered file into a sibling temp folder, fsyncs, then swaps it
// into place with renames, so readers see the old output or the new one, never a mix, even if compile is killed.
import { closeSync, constants, fchmodSync, fsync, lstatSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Diagnostic } from '../diagnostics/types.js';
import { Reporter, bindMessages } from '../diagnostics/report.js';
import { emitMessages } from '../diagnostics/codes/render.js';
import type { RenderedFile } from '../render/types.js';
import { compareOutput, contentBytes, isExecutableMode } from './compare-output.js';
import { readTree } from './read-tree.js';
import { getUnsafePathReason, isInside } from './safe-path.js';

export interface WriteOutputOptions {
  /** Folders that must not be replaced: the output may not be one of them or contain one (e.g. the working directory). */
  protectedPaths?: readonly string[];
  /**
   * Relative paths of files that tools write into the output folder at run time (e.g. scripts/.edgeml-created):
   * when the old output has one as a regular file and nothing rendered replaces it, it is carried over unchanged.
   */
  preservePaths?: readonly string[];
  /**
   * Test seam for the kill test: called once after `pauseAfterFiles` files are in the temp folder and before the
   * rest are written. `edgeml compile` wires it to EDGEML_TEST_EMIT_PAUSE (see src/cli/commands/compile.ts).
   */
  pauseAfterFiles?: number;
  onPause?: (tempDir: string) => Promise<void>;
  /**
   * When the folder already holds exactly `files` (bytes and executable bits; preservePaths aside), write nothing:
   * an unchanged recompile keeps every file and its modification time.
   */
  skipUnchanged?: boolean;
}

export interface WriteOutputResult {
  diagnostics: Diagnostic[];
  /** Absolute output folder written, when the write succeeded. */
  outDir?: string;
  written: number;
  /** True when the folder was already up to date and nothing was written (skipUnchanged). */
  unchanged?: boolean;
}

const TEMP_MARK = '.edgeml-tmp-';
/** Files written, then fsynced together, per batch (bounds the open file descriptors). */
const WRITE_BATCH = 64;
const OLD_MARK = '.edgeml-old-';

/** Problems with the rendered paths themselves; nothing touches the disk when there are any. */
export function checkRenderedPaths(files: readonly RenderedFile[], reporter: Reporter): void {
  const report = bindMessages(reporter, 'emit', emitMessages);
  const seen = new Set<string>();
  const filePaths = new Set(files.map((f) => f.path));
  for (const file of files) {
    const reason = getUnsafePathReason(file.path);
    if (reason) report.unsafeOutputPath({ path: file.path, reason });
    else if (seen.has(file.path)) report.duplicateOutputPath({ path: file.path });
    seen.add(file.path);
    // A file path that is also a folder of another file ('a' and 'a/b') cannot both be written.
    const parts = file.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      if (filePaths.has(folder)) report.duplicateOutputPath({ path: folder });
    }
  }
}

function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temp and set-aside folders left by killed compiles of the same output folder. If a compile died between
 * its two renames (output moved aside, new output not yet in place), the set-aside output is restored first.
 */
export async function cleanStaleFolders(outDir: string): Promise<void> {
  const parent = dirname(outDir);
  const name = basename(outDir);
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  const outExists = await exists(outDir);
  let restored = outExists;
  for (const entry of entries.sort()) {
    for (const mark of [OLD_MARK, TEMP_MARK]) {
      if (!entry.startsWith(name + mark)) continue;
      const pid = Number(entry.slice(name.length + mark.length));
      if (!Number.isInteger(pid) || isProcessAlive(pid)) continue;
      const full = join(parent, entry);
      if (mark === OLD_MARK && !restored) {
        await rename(full, outDir);
        restored = true;
      } else {
        await rm(full, { recursive: true, force: true });
      }
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * A cheap first look for skipUnchanged: false when `dir` cannot hold exactly `files` (other names, sizes or executable
 * bits, or anything but folders and files), without reading any content. compareOutput, the rule `--check` uses,
 * makes the final call.
 */
function mayHoldExactly(dir: string, files: readonly RenderedFile[], ignore: readonly string[]): boolean {
  const onDisk = new Map<string, { size: number; mode: number }>();
  const walk = (folder: string, prefix: string): boolean => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = prefix + entry.name;
      if (entry.isDirectory()) {
        if (!walk(join(folder, entry.name), `${path}/`)) return false;
      } else if (!entry.isFile()) return false;
      else if (!ignore.includes(path)) {
        const stats = lstatSync(join(folder, entry.name));
        onDisk.set(path, { size: stats.size, mode: stats.mode });
      }
    }
    return true;
  };
  try {
    if (!lstatSync(dir).isDirectory() || !walk(dir, '') || onDisk.size !== files.length) return false;
    return files.every((file) => {
      const found = onDisk.get(file.path);
      return (
        found !== undefined &&
        found.size === contentBytes(file.content).length &&
        isExecutableMode(found.mode) === isExecutableMode(file.mode)
      );
    });
  } catch {
    return false; // unreadable or vanished: write it anew
  }
}

/** Flushes a folder's entries to disk. Best effort: some platforms (Windows) cannot open a folder for fsync. */
async function fsyncFolder(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY);
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}

async function writeFileDurably(path: string, content: Uint8Array, mode: number): Promise<void> {
  await writeFilesDurably([{ path, content, mode }]);
}

/**
 * Writes new files, then fsyncs them all at once. The writes are synchronous (small files land in the page cache in
 * microseconds; a thread-pool round trip per call cost more than the work) and the fsyncs run in parallel.
 */
async function writeFilesDurably(files: readonly { path: string; content: Uint8Array; mode: number }[]): Promise<void> {
  const descriptors: number[] = [];
  try {
    for (const { path, content, mode } of files) {
      // O_EXCL: the temp folder is new, so an existing entry (or a planted symlink) here means something is wrong.
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
      descriptors.push(fd);
      for (let offset = 0; offset < content.length; ) offset += writeSync(fd, content, offset, content.length - offset);
      fchmodSync(fd, mode); // the umask may have narrowed the mode given to open()
    }
    await Promise.all(descriptors.map((fd) => new Promise<void>((done, fail) => fsync(fd, (error) => (error ? fail(error) : done())))));
  } finally {
    for (const fd of descriptors) closeSync(fd);
  }
}

/**
 * Copies `path` from the old output into the temp folder if it is a regular file there (never through a symlink).
 * Returns the copy's absolute path, or undefined when there was nothing to carry over.
 */
async function carryOver(outDir: string, tempDir: string, path: string): Promise<string | undefined> {
  const source = resolve(outDir, ...path.split('/'));
  let stats;
  try {
    stats = await lstat(source);
  } catch {
    return undefined;
  }
  if (!stats.isFile() || (await realpath(dirname(source))) !== dirname(source)) return undefined;
  const target = resolve(tempDir, ...path.split('/'));
  await mkdir(dirname(target), { recursive: true });
  await writeFileDurably(target, await readFile(source), stats.mode & 0o777);
  return target;
}

/** Resolves the output folder through symlinks (its parent is created if needed) and refuses dangerous targets. */
async function resolveOutDir(
  out: string,
  cwd: string,
  options: WriteOutputOptions,
  report: ReturnType<typeof bindMessages<typeof emitMessages>>,
): Promise<string | undefined> {
  const requested = resolve(cwd, out);
  await mkdir(dirname(requested), { recursive: true });
  const parent = await realpath(dirname(requested));
  let outDir = join(parent, basename(requested));
  try {
    outDir = await realpath(outDir);
    if (!(await stat(outDir)).isDirectory()) {
      report.unsafeOutputFolder({ out, reason: 'it exists and is not a folder' });
      return undefined;
    }
  } catch {
    // does not exist yet: fine
  }
  if (dirname(outDir) === outDir) {
    report.unsafeOutputFolder({ out, reason: 'it is the root of the file system' });
    return undefined;
  }
  for (const guarded of [cwd, ...(options.protectedPaths ?? [])]) {
    const real = await realpath(guarded).catch(() => resolve(guarded));
    if (isInside(outDir, real, sep)) {
      report.unsafeOutputFolder({ out, reason: `replacing it would remove '${guarded}'` });
      return undefined;
    }
  }
  if (await exists(join(outDir, '.git'))) {
    report.unsafeOutputFolder({ out, reason: 'it holds a git repository' });
    return undefined;
  }
  return outDir;
}

/**
 * Replaces folder `out` (relative to `cwd`) with exactly `files`. Returns diagnostics instead of throwing for
 * refused paths or I/O failures; on any failure the previous output is left as it was.
 */
export async function writeOutput(
  out: string,
  files: readonly RenderedFile[],
  cwd: string,
  options: WriteOutputOptions = {},
): Promise<WriteOutputResult> {
  const reporter = new Reporter();
  const report = bindMessages(reporter, 'emit', emitMessages);
  checkRenderedPaths(files, reporter);
  if (reporter.errorCount > 0) return { diagnostics: reporter.diagnostics, written: 0 };

  let tempDir: string | undefined;
  try {
    const outDir = await resolveOutDir(out, cwd, options, report);
    if (!outDir) return { diagnostics: reporter.diagnostics, written: 0 };
    await cleanStaleFolders(outDir);
    const preserved = options.preservePaths ?? [];
    if (
      options.skipUnchanged &&
      mayHoldExactly(outDir, files, preserved) &&
      compareOutput(files, await readTree(outDir), preserved).length === 0
    ) {
      return { diagnostics: reporter.diagnostics, outDir, written: 0, unchanged: true };
    }

    tempDir = `${outDir}${TEMP_MARK}${process.pid}`;
    rmSync(tempDir, { recursive: true, force: true });
    mkdirSync(tempDir);
    const folders = new Set<string>([tempDir]);
    const targets = [...files]
      .sort((a, b) => (a.path < b.path ? -1 : 1))
      .map((file) => {
        const target = resolve(tempDir!, ...file.path.split('/'));
        if (!isInside(tempDir!, target, sep) || target === tempDir) throw new Error(`internal: '${file.path}' escapes the output folder`);
        for (let dir = dirname(target); isInside(tempDir!, dir, sep); dir = dirname(dir)) {
          folders.add(dir);
          if (dir === tempDir) break;
        }
        return { file, target };
      });
    for (const folder of [...folders].sort()) mkdirSync(folder, { recursive: true });
    // Durable writes (each file fsynced) in batches whose fsyncs run in parallel: one at a time, they dominated a compile.
    let written = 0;
    let paused = false;
    for (let i = 0; i < targets.length; ) {
      // A batch never crosses the test pause point, so the pause happens after exactly that many files.
      const pauseAt = !paused && options.pauseAfterFiles !== undefined && options.pauseAfterFiles > i ? options.pauseAfterFiles : Infinity;
      const batch = targets.slice(i, Math.min(i + WRITE_BATCH, pauseAt));
      i += batch.length;
      await writeFilesDurably(
        batch.map(({ file, target }) => ({ path: target, content: contentBytes(file.content), mode: file.mode ?? 0o644 })),
      );
      written += batch.length;
      if (!paused && options.pauseAfterFiles !== undefined && written >= options.pauseAfterFiles) {
        paused = true;
        await options.onPause?.(tempDir);
      }
    }
    for (const path of options.preservePaths ?? []) {
      if (getUnsafePathReason(path) || files.some((f) => f.path === path)) continue;
      const carried = await carryOver(outDir, tempDir, path);
      if (carried) for (let dir = dirname(carried); isInside(tempDir, dir, sep) && dir !== tempDir; dir = dirname(dir)) folders.add(dir);
    }
    await Promise.all([...folders].map((folder) => fsyncFolder(folder)));

    // The swap: move the old output aside, move the new one in, then drop the old one. A crash between the renames
    // is repaired by cleanStaleFolders on the next run.
    const oldDir = `${outDir}${OLD_MARK}${process.pid}`;
    const hadOutput = await exists(outDir);
    if (hadOutput) await rename(outDir, oldDir);
    await rename(tempDir, outDir);
    tempDir = undefined;
    await fsyncFolder(dirname(outDir));
    if (hadOutput) rmSync(oldDir, { recursive: true, force: true });
    return { diagnostics: reporter.diagnostics, outDir, written };
  } catch (error) {
    if (tempDir) await rm(tempDir, { recursive: true, force: true }).catch(() => undefined);
    report.outputWriteFailed({ out, reason: (error as Error).message });
    return { diagnostics: reporter.diagnostics, written: 0 };
  }
}
