// Types for the module the build generates from the vendored $edgeHub 1.1 schema (schemas/src/build-validator.mjs).
import type { ValidateFunction } from 'ajv';

declare const validate: ValidateFunction;
export default validate;
