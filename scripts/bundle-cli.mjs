// Build step: bundles the CLI (dist/cli/main.js and everything it imports from dist/, with the small npm packages a
// command needs at start-up) into one CommonJS file, dist/edgeml.cjs, then runs the bundle on the example specs and
// saves V8's code cache for it (dist/edgeml.cjs.cache; bin/load-cli.cjs reads both). Packages with native code or that
// only some commands load (onnxruntime, sharp, Azure SDKs, dockerode) stay outside, required when a command needs them.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const { BUNDLE, CACHE, loadCli } = require('../bin/load-cli.cjs');

/** npm packages bundled: what every command loads while starting. Everything else is required at run time. */
const BUNDLED_PACKAGES = [/^yaml$/, /^commander$/, /^handlebars\/runtime\.js$/, /^ajv\/dist\/runtime\//];

rmSync(CACHE, { force: true });
const result = await build({
  stdin: {
    contents: "export { main } from './dist/cli/main.js';\nexport { processIO } from './dist/cli/io.js';\n",
    resolveDir: root,
    sourcefile: 'edgeml-cli-entry.js',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // import() of an external package becomes require(): V8's code cache is for classic scripts, whose import() would
  // need vm's experimental module loader. Every package loaded this way (onnxruntime-node, dockerode) is CommonJS.
  supported: { 'dynamic-import': false },
  write: false,
  logLevel: 'warning',
  // Modules locate package files from import.meta.url (src/package-root.ts): in the bundle, that is the bundle's own.
  define: { 'import.meta.url': '__edgemlBundleUrl' },
  banner: { js: "const __edgemlBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [
    {
      name: 'external-packages',
      setup(context) {
        context.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith('node:') || !BUNDLED_PACKAGES.some((pattern) => pattern.test(args.path))
            ? { path: args.path, external: true }
            : undefined,
        );
      },
    },
  ],
});
const code = result.outputFiles[0].text;
const buildId = createHash('sha256').update(code).digest('hex');
writeFileSync(BUNDLE, `// edgeml-bundle ${buildId}\n${code}`);

// Warm-up: run the commands that start most often, so the cache holds every function they compile.
const silent = {
  write() {
    return true;
  },
};
const loaded = loadCli({ useCache: false });
const out = mkdtempSync(join(tmpdir(), 'edgeml-bundle-'));
try {
  const specs = readdirSync(join(root, 'specs'))
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => join(root, 'specs', name));
  const io = { stdout: silent, stderr: silent, env: { ...process.env, NO_COLOR: '1' }, cwd: root };
  const runs = [['--help'], ['validate', ...specs], ...specs.map((spec, i) => ['compile', spec, '--out', join(out, String(i))])];
  // A run that fails (say, onnxruntime cannot load on this machine) still leaves what it compiled in the cache.
  for (const args of runs) await loaded.cli.main(args, io).catch(() => undefined);
} finally {
  rmSync(out, { recursive: true, force: true });
}
const cache = loaded.createCache();
writeFileSync(CACHE, cache);
console.log(
  `bundled the CLI into dist/edgeml.cjs (${(code.length / 1024).toFixed(0)} KiB), code cache ${(cache.length / 1024).toFixed(0)} KiB`,
);
