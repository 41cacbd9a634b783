// Test helper: compiles a spec with the CLI into a temp folder and starts one generated scoring module from it, as
// its container would (`node app/scoring/main.js config.json`), on a free loopback port.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

/**
 * Compiles `specPath` (extra `--set` pairs in `sets`) and starts module `module` of the output. Resolves once its
 * /healthz answers 200: { url, dir (the module folder), log (its output so far), stop() }.
 */
export async function startGeneratedModule({ specPath, module, sets = [], env = {} }) {
  const temp = mkdtempSync(join(tmpdir(), 'edgeml-generated-'));
  // The module's packages (onnxruntime-node, sharp, busboy) come from the repository, as `npm ci` gives them in the image.
  symlinkSync(join(root, 'node_modules'), join(temp, 'node_modules'), 'dir');
  const out = join(temp, 'out');
  const compiled = spawnSync(
    process.execPath,
    [join(root, 'bin/edgeml.js'), 'compile', specPath, '--out', out, ...sets.flatMap((s) => ['--set', s])],
    { encoding: 'utf8', env: { ...process.env, ...env } },
  );
  if (compiled.status !== 0) {
    rmSync(temp, { recursive: true, force: true });
    throw new Error(`compile failed:\n${compiled.stdout}${compiled.stderr}`);
  }
  const dir = join(out, 'modules', module);
  const port = await freePort();
  const child = spawn(process.execPath, [join(dir, 'app/scoring/main.js'), join(dir, 'config.json')], {
    env: { ...process.env, EDGEML_PORT: String(port), EDGEML_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    rmSync(temp, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const health = await fetch(`${url}/healthz`).catch(() => undefined);
    if (health?.ok)
      return {
        url,
        dir,
        stop,
        get log() {
          return log;
        },
      };
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`the generated module did not become ready; its output:\n${log}`);
}

/** The repository root, for spec paths. */
export const REPO_ROOT = root;
