// Test helper: a small valid spec (no files needed: the model comes from Azure ML), a way to load edited copies
// of it from a temp folder, and the line/column of a piece of text so tests assert where a diagnostic points.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadWorkflow } from '../../dist/program.js';
import { LineIndex } from '../../dist/diagnostics/line-index.js';

export const BASE_SPEC = `edgeml: 1
name: demo
task: image-classification
model:
  source:
    azureml: { name: classifier, version: 1 }
  preprocess: { width: 224, height: 224, layout: NCHW }
target:
  platform: amd64
azure:
  resourceGroup: rg
  iotHub: { name: hub-1 }
  registry: { create: { name: demoregistry } }
  ml: { workspace: ws }
  device: { id: dev1 }
modules:
  scorer:
    type: scoring
    port: 8080
  camera:
    type: image-capture
    source: { rtsp: "rtsp://camera.local/stream" }
    sendTo: scorer
    output: frames
routes:
  - from: camera.frames
    to: upstream
`;

/** BASE_SPEC with each [from, to] replacement applied once (throws if `from` is missing, so tests stay honest). */
export function editSpec(...replacements) {
  let text = BASE_SPEC;
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`editSpec: '${from}' is not in the base spec`);
    text = text.replace(from, to);
  }
  return text;
}

/** Writes `text` (plus extra files) into a temp folder and loads it. */
export async function loadText(text, { env = {}, sets, files = {}, introspect = false, name = 'spec.yaml' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-spec-'));
  try {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    writeFileSync(join(dir, name), text);
    const result = await loadWorkflow(name, { cwd: dir, env, sets, introspect });
    return { ...result, text };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 1-based line and column of the `occurrence`-th appearance of `needle` in `text`. */
export function position(text, needle, occurrence = 0) {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`position: '${needle}' (occurrence ${occurrence}) not found`);
  }
  return new LineIndex(text).position(index);
}

/** The diagnostics of `result` as { id, code, category, line, column } for compact assertions. */
export function located(result) {
  const index = new LineIndex(result.text);
  return result.diagnostics.map((d) => ({
    id: d.id,
    code: d.code,
    category: d.category,
    message: d.message,
    hint: d.hint,
    ...(d.start !== undefined ? index.position(d.start) : {}),
  }));
}
