// `edgeml run` checks every module message against its output's message contract: edgeml's own modules must
// always match theirs, and a container module's declared contract is only useful if the module keeps it.
// Local stage; bounded: one compiled validator per output, counts plus the first problem per output.
import { compileContract, type BodyValidator } from '../contracts/validate.js';
import type { WorkflowIR } from '../ir/types.js';
import type { BusMessage } from './message-bus.js';

export interface ContractViolations {
  /** `module.output` → how many messages failed, the first problem, and whether edgeml generated the contract. */
  bySource: Map<string, { count: number; problem: string; generated: boolean }>;
}

export interface ContractChecker extends ContractViolations {
  check(message: BusMessage): void;
}

export function createContractChecker(ir: WorkflowIR): ContractChecker {
  const validators = new Map<string, { validate: BodyValidator; generated: boolean } | undefined>();
  const bySource: ContractViolations['bySource'] = new Map();
  const validatorFor = (module: string, output: string) => {
    const key = `${module}.${output}`;
    if (!validators.has(key)) {
      const contract = ir.modules.find((m) => m.name === module)?.contracts?.[output];
      // The resolve stage compiled every contract already, so this does not throw for a loaded spec.
      validators.set(
        key,
        contract?.schema ? { validate: compileContract(contract.schema), generated: contract.origin === 'generated' } : undefined,
      );
    }
    return validators.get(key);
  };
  return {
    bySource,
    check(message) {
      const validator = validatorFor(message.module, message.output);
      if (!validator) return;
      let body: unknown;
      let problems: string[];
      try {
        body = JSON.parse(message.body);
        problems = validator.validate(body);
      } catch {
        problems = ['the body is not JSON'];
      }
      if (problems.length === 0) return;
      const key = `${message.module}.${message.output}`;
      const seen = bySource.get(key);
      if (seen) seen.count++;
      else bySource.set(key, { count: 1, problem: problems[0]!, generated: validator.generated });
    },
  };
}
