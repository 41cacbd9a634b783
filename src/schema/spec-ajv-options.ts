// Ajv options for the spec schema, shared by the build step that precompiles the validator
// (schemas/src/build-validator.mjs) and the run-time compile the tests compare it with.
/** `verbose` makes errors carry the failing schema and data. */
export const SPEC_AJV_OPTIONS = { allErrors: true, verbose: true, strict: false, allowUnionTypes: true } as const;
