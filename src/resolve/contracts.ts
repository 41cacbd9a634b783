// Resolve stage: reads the message contracts container modules declare (`outputs: { name: { schema: file.json } }`),
// and checks every declared contract (file or inline) is a JSON Schema ajv compiles. Runs before the semantic checks,
// because route conditions are checked against these contracts. Errors point at the `schema` value in the spec.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { compileContract } from '../contracts/validate.js';
import { resolveMessages } from '../diagnostics/codes/resolve.js';
import { bindMessages, type Reporter } from '../diagnostics/report.js';
import type { MessageContractIR, WorkflowIR } from '../ir/types.js';
import type { SpecDocument } from '../parse/load-spec.js';
import type { JsonSchema } from '../runtime/contracts/index.js';

/** A contract is a description of a message, not data: 1 MiB is far more than any real one needs. */
export const MAX_CONTRACT_BYTES = 1024 * 1024;

export function resolveMessageContracts(ir: WorkflowIR, spec: SpecDocument, reporter: Reporter): void {
  const m = bindMessages(reporter, 'resolve', resolveMessages);
  const specRoot = realpath(ir.specDir) ?? ir.specDir;
  for (const module of ir.modules) {
    for (const [output, contract] of Object.entries(module.contracts ?? {})) {
      if (contract.origin === 'generated' || !contract.path) continue;
      const at = spec.locate(contract.path);
      const where = `${module.name}.${output}`;
      let schema = contract.schema;
      if (contract.origin === 'file' && contract.file !== undefined) {
        const read = readContractFile(ir.specDir, specRoot, contract.file);
        if (read.problem === 'missing') m.fileMissing({ what: 'message contract', path: contract.file }, at);
        else if (read.problem === 'not-a-file') m.notAFile({ what: 'message contract', path: contract.file }, at);
        else if (read.problem === 'escapes') m.escapesFolder({ path: contract.file }, at);
        else if (read.problem === 'too-large')
          m.fileTooLarge({ what: 'message contract', path: contract.file, size: read.size, limit: MAX_CONTRACT_BYTES }, at);
        else if (read.problem === 'not-json') m.contractNotJson({ path: contract.file, reason: read.reason }, at);
        schema = read.schema;
      }
      if (!schema) continue;
      if (typeof schema !== 'object' || Array.isArray(schema)) {
        m.contractInvalid({ output: where, reason: 'a JSON Schema is an object' }, at);
        continue;
      }
      try {
        compileContract(schema);
      } catch (error) {
        m.contractInvalid({ output: where, reason: (error as Error).message }, at);
        continue;
      }
      const resolved: MessageContractIR = { ...contract, schema };
      module.contracts = { ...module.contracts, [output]: resolved };
    }
  }
}

type ReadResult =
  | { problem?: undefined; schema: JsonSchema }
  | { problem: 'missing' | 'not-a-file' | 'escapes'; schema?: undefined }
  | { problem: 'too-large'; size: number; schema?: undefined }
  | { problem: 'not-json'; reason: string; schema?: undefined };

function readContractFile(specDir: string, specRoot: string, file: string): ReadResult {
  const absolute = join(specDir, file);
  let size: number;
  try {
    const stats = statSync(absolute);
    if (!stats.isFile()) return { problem: 'not-a-file' };
    size = stats.size;
  } catch {
    return { problem: 'missing' };
  }
  const real = realpath(absolute);
  if (real && !(real === specRoot || real.startsWith(specRoot + sep))) return { problem: 'escapes' };
  if (size > MAX_CONTRACT_BYTES) return { problem: 'too-large', size };
  try {
    return { schema: JSON.parse(readFileSync(absolute, 'utf8')) as JsonSchema };
  } catch (error) {
    return { problem: 'not-json', reason: (error as Error).message };
  }
}

function realpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
