#!/usr/bin/env node
// edgeml's executable: loads the CLI (the code-cached bundle when the build made one, see load-cli.cjs) and sets the
// exit code. CommonJS (bin/package.json) and tiny, because start-up time is spent before any command runs.
'use strict';
const { loadCli } = require('./load-cli.cjs');

async function run() {
  const loaded = loadCli()?.cli;
  const { main, processIO } = loaded ?? { ...(await import('../dist/cli/main.js')), ...(await import('../dist/cli/io.js')) };
  process.exitCode = await main(process.argv.slice(2), processIO());
}

run().catch((error) => {
  // Only bugs reach here: user mistakes are diagnostics. Show the stack so the bug can be reported.
  process.stderr.write(`edgeml: internal error (please report it with the command you ran):\n${error?.stack ?? error}\n`);
  process.exitCode = 3;
});
