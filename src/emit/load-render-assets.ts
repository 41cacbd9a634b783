// Reads everything the pure renderers need from disk into RenderAssets (the I/O half of compile, next to the writer):
// edgeml's runtime module code (dist/runtime/), the files the spec names, and pinned versions of npm dependencies.
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { WorkflowIR } from '../ir/types.js';
import { isArchivePath, readArchiveFiles } from '../model/custom-vision-archive.js';
import { PACKAGE_ROOT } from '../package-root.js';
import type { RenderAssets } from '../render/types.js';

export interface AssetLocations {
  /** Folder of compiled runtime code; default <package>/dist/runtime. */
  runtimeDir?: string;
  /** edgeml's own package root (package.json, package-lock.json, node_modules); default: where this file lives. */
  packageRoot?: string;
}

/** Every file under `dir` (recursively, no symlinks), keyed by path relative to `dir` with forward slashes. */
function listFiles(dir: string, prefix = ''): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory()) found.push(...listFiles(join(dir, entry.name), `${prefix}${entry.name}/`));
    else if (entry.isFile()) found.push(prefix + entry.name);
  }
  return found.sort();
}

/**
 * Runtime JavaScript by path relative to the runtime folder, e.g. 'scoring/server.js'. With `sourceDir` (src/runtime,
 * shipped with the package), a .js file is kept only if its .ts source exists: tsc never deletes the output of a
 * renamed or removed source, and such stale files must not end up in images or golden output.
 */
export function loadRuntimeCode(runtimeDir: string, sourceDir?: string): Map<string, string> {
  const code = new Map<string, string>();
  const sources = sourceDir !== undefined && existsSync(sourceDir) ? new Set(listFiles(sourceDir)) : undefined;
  for (const path of listFiles(runtimeDir)) {
    if (!path.endsWith('.js')) continue;
    if (sources && !sources.has(path.replace(/\.js$/, '.ts'))) continue;
    code.set(path, readFileSync(join(runtimeDir, ...path.split('/')), 'utf8'));
  }
  return code;
}

/** Spec-relative paths (files or folders) that rendered build contexts may copy. */
export function specInputPaths(ir: WorkflowIR): string[] {
  const paths = new Set<string>();
  const source = ir.model.source;
  if (source.kind === 'file') paths.add(source.path);
  if (source.kind === 'customvision' && isArchivePath(source.path)) paths.add(source.path);
  else if (source.kind === 'customvision') {
    paths.add(`${source.path}/${source.modelFile}`);
    paths.add(`${source.path}/${source.labelsFile}`);
  }
  if (ir.model.labelsFile) paths.add(ir.model.labelsFile);
  for (const stage of ir.model.cascade?.stages ?? []) paths.add(stage.source.path);
  for (const sample of ir.model.samples) paths.add(sample);
  for (const module of ir.modules) {
    for (const contract of Object.values(module.contracts ?? {})) if (contract.origin === 'file' && contract.file) paths.add(contract.file);
    const capture = module.capture;
    if (!capture) continue;
    if (capture.bundle) paths.add(capture.bundle);
    if (capture.source.kind === 'folder' || capture.source.kind === 'video') paths.add(capture.source.path);
  }
  return [...paths].map((p) => p.replace(/\/+$/, '')).sort();
}

/**
 * Reads the spec's input files (folders recursively), keyed by spec-relative path. Anything missing, or resolving
 * outside the spec folder, is skipped: the resolve stage has already reported it, and the renderer reports what it lacks.
 */
export function loadSpecFiles(ir: WorkflowIR): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let root: string;
  try {
    root = realpathSync(ir.specDir);
  } catch {
    return files;
  }
  const inside = (absolute: string): boolean => {
    try {
      const real = realpathSync(absolute);
      return real === root || real.startsWith(root + sep);
    } catch {
      return false;
    }
  };
  for (const path of specInputPaths(ir)) {
    const absolute = join(root, ...path.split('/'));
    if (!existsSync(absolute) || !inside(absolute)) continue;
    if (lstatSync(absolute).isDirectory()) {
      for (const child of listFiles(absolute)) files.set(`${path}/${child}`, readFileSync(join(absolute, ...child.split('/'))));
    } else {
      files.set(path, readFileSync(absolute));
    }
  }
  const source = ir.model.source;
  if (source.kind === 'customvision' && isArchivePath(source.path) && files.has(source.path)) {
    // A zipped export stands for its folder: build contexts take model.onnx and labels.txt, never the archive.
    files.delete(source.path);
    try {
      for (const [name, bytes] of readArchiveFiles(join(root, ...source.path.split('/')), [source.modelFile, source.labelsFile])) {
        if (bytes) files.set(`${source.path}/${name}`, bytes);
      }
    } catch {
      // unreadable: the resolve stage has reported it
    }
  }
  return files;
}

/** Where the build records the dependency versions (scripts/pin-package-versions.mjs), relative to the package. */
export const PACKAGE_VERSIONS_FILE = ['dist', 'package-versions.json'] as const;

/**
 * Exact versions of edgeml's dependencies: those the build recorded, else from package-lock.json, else from the
 * installed packages. `pinned: false` skips the recorded file (the build step that writes it).
 */
export function loadPackageVersions(packageRoot: string, options: { pinned?: boolean } = {}): Map<string, string> {
  if (options.pinned !== false) {
    try {
      const pinned = JSON.parse(readFileSync(join(packageRoot, ...PACKAGE_VERSIONS_FILE), 'utf8')) as Record<string, string>;
      return new Map(Object.entries(pinned));
    } catch {
      // not built with that step: read the lock file
    }
  }
  const versions = new Map<string, string>();
  const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const names = Object.keys(manifest.dependencies ?? {}).sort();
  let lock: { packages?: Record<string, { version?: string }> } | undefined;
  try {
    lock = JSON.parse(readFileSync(join(packageRoot, 'package-lock.json'), 'utf8'));
  } catch {
    lock = undefined; // a published install has no lock file; fall back to node_modules
  }
  for (const name of names) {
    const locked = lock?.packages?.[`node_modules/${name}`]?.version;
    if (locked) {
      versions.set(name, locked);
      continue;
    }
    try {
      const installed = JSON.parse(readFileSync(join(packageRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string };
      if (installed.version) versions.set(name, installed.version);
    } catch {
      // not installed: the build-context check reports a missing version if a module needs it
    }
  }
  return versions;
}

export function loadRenderAssets(ir: WorkflowIR, locations: AssetLocations = {}): RenderAssets {
  const packageRoot = locations.packageRoot ?? PACKAGE_ROOT;
  return {
    runtime:
      locations.runtimeDir !== undefined
        ? loadRuntimeCode(locations.runtimeDir)
        : loadRuntimeCode(join(packageRoot, 'dist', 'runtime'), join(packageRoot, 'src', 'runtime')),
    files: loadSpecFiles(ir),
    packageVersions: loadPackageVersions(packageRoot),
  };
}
