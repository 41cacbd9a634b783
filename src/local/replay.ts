// `edgeml run --replay MODULE.OUTPUT=FILE`: recorded messages (a JSON-lines file of bodies) sent through the local
// edgeHub's routes as if MODULE had sent them on OUTPUT, at a steady rate, instead of running that module. Lets a
// telemetry graph run offline with a sensor whose image is not here (Microsoft's simulated sensor, a vendor's module).
// Local stage.
import { readFileSync } from 'node:fs';
import type { ModuleIR } from '../ir/types.js';
import type { MessageBus } from './message-bus.js';

export interface ReplaySource {
  module: string;
  output: string;
  file: string;
  /** Message bodies as JSON text, in file order. */
  bodies: string[];
}

/** Most lines one replay file may hold (the file is read whole). */
export const MAX_REPLAY_LINES = 100_000;

/** Parses and reads one --replay value against the spec's modules; a string is the reason it cannot be used. */
export function parseReplay(
  value: string,
  modules: readonly ModuleIR[],
  cwd: string,
  resolvePath: (cwd: string, p: string) => string,
): ReplaySource | string {
  const match = /^([^.=\s]+)\.([^=\s]+)=(.+)$/.exec(value);
  if (!match) return 'expected MODULE.OUTPUT=FILE';
  const [, moduleName, output, file] = match;
  const module = modules.find((m) => m.name === moduleName);
  if (!module) return `the spec has no module '${moduleName}' (it has ${modules.map((m) => m.name).join(', ')})`;
  if (!module.outputs.includes(output))
    return `module '${moduleName}' declares no output '${output}' (it has ${module.outputs.join(', ') || 'none'})`;
  let text: string;
  try {
    text = readFileSync(resolvePath(cwd, file), 'utf8');
  } catch (error) {
    return `cannot read '${file}' (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) return `'${file}' holds no messages`;
  if (lines.length > MAX_REPLAY_LINES) return `'${file}' holds ${lines.length} messages, more than ${MAX_REPLAY_LINES}`;
  for (const [i, line] of lines.entries()) {
    try {
      JSON.parse(line);
    } catch {
      return `line ${i + 1} of '${file}' is not JSON`;
    }
  }
  return { module: moduleName, output, file, bodies: lines };
}

/**
 * Publishes every source's messages, interleaved one per source per tick, `perSecond` ticks a second; resolves when
 * all are sent or `signal` aborts. Returns how many were sent.
 */
export async function replay(sources: readonly ReplaySource[], bus: MessageBus, perSecond: number, signal: AbortSignal): Promise<number> {
  let sent = 0;
  const longest = Math.max(0, ...sources.map((s) => s.bodies.length));
  for (let i = 0; i < longest && !signal.aborted; i++) {
    for (const source of sources) {
      const body = source.bodies[i];
      if (body === undefined) continue;
      bus.publish({
        module: source.module,
        output: source.output,
        body,
        properties: { replayedFrom: source.file, replayLine: String(i + 1) },
        contentType: 'application/json',
        contentEncoding: 'utf-8',
      });
      sent++;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 / perSecond));
  }
  return sent;
}
