#!/usr/bin/env node
// edgeml's executable: loads the compiled CLI and sets the exit code. Kept tiny so start-up stays fast.
import { main } from '../dist/cli/main.js';
import { processIO } from '../dist/cli/io.js';

try {
  process.exitCode = await main(process.argv.slice(2), processIO());
} catch (error) {
  // Only bugs reach here: user mistakes are diagnostics. Show the stack so the bug can be reported.
  process.stderr.write(`edgeml: internal error (please report it with the command you ran):\n${error?.stack ?? error}\n`);
  process.exitCode = 3;
}
