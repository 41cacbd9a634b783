// Types for the module the build generates from schemas/edgeml.schema.json (schemas/src/build-validator.mjs).
import type { ValidateFunction } from 'ajv';

declare const validate: ValidateFunction;
export default validate;
