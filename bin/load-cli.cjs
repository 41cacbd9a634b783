// Loads edgeml's CLI from the single-file bundle dist/edgeml.cjs (scripts/bundle-cli.mjs) with the V8 code cache
// the build made for it, so a command starts without parsing and compiling edgeml's JavaScript again. Node 20 has no
// module compile cache, and V8 accepts code cache only for classic scripts: hence a CommonJS bundle run through
// vm.Script. A cache made for another bundle or another Node is ignored, never trusted: it starts with the bundle's
// build id, and V8 itself rejects data from a different version or different flags.
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const BUNDLE = join(__dirname, '..', 'dist', 'edgeml.cjs');
const CACHE = `${BUNDLE}.cache`;
/** The bundle's first line: `// edgeml-bundle <build id>`; the cache file starts with the same id. */
const BUILD_ID_PATTERN = /^\/\/ edgeml-bundle ([0-9a-f]{64})\n/;
const BUILD_ID_BYTES = 64;

function readCache(buildId) {
  let data;
  try {
    data = readFileSync(CACHE);
  } catch {
    return undefined;
  }
  if (data.length <= BUILD_ID_BYTES || data.toString('latin1', 0, BUILD_ID_BYTES) !== buildId) return undefined;
  return data.subarray(BUILD_ID_BYTES);
}

/**
 * Runs the bundle and returns its exports ({ main, processIO }), or undefined when dist/ holds no bundle (a build
 * without the bundling step): the caller then imports dist/cli/main.js. `useCache: false` compiles from source.
 */
function loadCli({ useCache = true } = {}) {
  if (!existsSync(BUNDLE)) return undefined;
  const source = readFileSync(BUNDLE, 'utf8');
  const buildId = BUILD_ID_PATTERN.exec(source)?.[1];
  const cachedData = useCache && buildId ? readCache(buildId) : undefined;
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: BUNDLE, cachedData });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
  return {
    cli: module.exports,
    cacheUsed: cachedData !== undefined && !script.cachedDataRejected,
    /** The code cache for everything compiled so far, prefixed with the build id (the build writes it to CACHE). */
    createCache: () => (buildId ? Buffer.concat([Buffer.from(buildId, 'latin1'), script.createCachedData()]) : undefined),
  };
}

module.exports = { loadCli, BUNDLE, CACHE };
