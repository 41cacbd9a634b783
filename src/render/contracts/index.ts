// Message contracts in the output folder (render stage, contracts): one JSON Schema file per module output that has
// a contract, so users and their cloud-side consumers can read (and validate) what each message looks like.
import type { MessageContractIR, WorkflowIR } from '../../ir/types.js';
import { schemaFields, type JsonSchema, type SchemaField } from '../../runtime/contracts/index.js';
import { stableJson } from '../stable-json.js';
import type { RenderContext, RenderedFile } from '../types.js';

export const CONTRACTS_DIR = 'contracts';

export interface OutputContractView {
  module: string;
  output: string;
  /** Path of the schema file in the output folder. */
  file: string;
  origin: 'generated' | 'inline' | 'file';
  title?: string;
  description?: string;
  fields: SchemaField[];
}

/** Every output with a known contract, in module then output order. */
export function outputContracts(ir: WorkflowIR): (OutputContractView & { schema: JsonSchema })[] {
  return ir.modules.flatMap((module) =>
    Object.entries(module.contracts ?? {})
      .filter((entry): entry is [string, MessageContractIR & { schema: JsonSchema }] => entry[1].schema !== undefined)
      .map(([output, contract]) => ({
        module: module.name,
        output,
        file: `${CONTRACTS_DIR}/${module.name}.${output}.schema.json`,
        origin: contract.origin,
        ...(contract.schema.title ? { title: contract.schema.title } : {}),
        ...((contract.description ?? contract.schema.description)
          ? { description: contract.description ?? contract.schema.description }
          : {}),
        fields: schemaFields(contract.schema),
        schema: contract.schema,
      })),
  );
}

export function renderContracts(ctx: RenderContext): RenderedFile[] {
  return outputContracts(ctx.ir).map((c) => ({ path: c.file, content: stableJson(c.schema) }));
}
