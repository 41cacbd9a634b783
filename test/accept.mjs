// `npm run accept`: recompiles every example spec (specs/*.yaml) into generated/<name>/ with the golden environment,
// atomically, clears .baselines/local/, and removes generated/ folders whose spec is gone. Review the diff in git.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeOutput } from '../dist/emit/write-output.js';
import { SCRIPT_STATE_FILES } from '../dist/render/scripts/index.js';
import { compileGolden, describeDiagnostics, exampleSpecs, root } from './compile/_golden.mjs';

let failed = 0;
const names = new Set();
for (const spec of exampleSpecs()) {
  const compiled = await compileGolden(spec);
  if (compiled.files.length === 0) {
    failed++;
    process.stderr.write(`${spec} did not compile:\n${describeDiagnostics(compiled)}\n`);
    continue;
  }
  names.add(compiled.name);
  // Keeps run-time state of scripts run from generated/<name>/ (step 1's record of what it created).
  const result = await writeOutput(join('generated', compiled.name), compiled.files, root, { preservePaths: SCRIPT_STATE_FILES });
  if (result.diagnostics.some((d) => d.category === 'error')) {
    failed++;
    process.stderr.write(result.diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n') + '\n');
    continue;
  }
  rmSync(join(root, '.baselines/local', compiled.name), { recursive: true, force: true });
  process.stdout.write(`accepted generated/${compiled.name}/ (${compiled.files.length} files) from ${spec}\n`);
}

// Only when every spec compiled: otherwise a spec with errors would lose its accepted output.
if (failed === 0 && existsSync(join(root, 'generated'))) {
  for (const entry of readdirSync(join(root, 'generated'), { withFileTypes: true })) {
    if (entry.isDirectory() && !names.has(entry.name)) {
      rmSync(join(root, 'generated', entry.name), { recursive: true, force: true });
      process.stdout.write(`removed generated/${entry.name}/ (no spec compiles to it)\n`);
    }
  }
}
process.exitCode = failed > 0 ? 1 : 0;
