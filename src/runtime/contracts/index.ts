// Message contracts: a JSON Schema for every output of every module edgeml generates, in one place.
// Module tests validate what the modules send against these; the compiler lowers them into the IR, checks route
// conditions against them and renders them (contracts/*.schema.json and the README's field tables).
export type { JsonSchema, JsonSchemaType } from './json-schema.js';
export { JSON_SCHEMA_DRAFT_07 } from './json-schema.js';
export { captureResultsContract, SUMMARY_SCHEMA, type CascadeContract, type ContractTask, type StageContract } from './capture-results.js';
export { schemaFields, type SchemaField } from './fields.js';
export { telemetryResultsContract, type TelemetryResultKind } from './telemetry-results.js';
