// The shape a state file must have, checked field by field on every read so a hand-edited or damaged file is
// refused with the path of the first wrong value instead of being trusted. Apply stage; pure.

export interface StateProblem {
  /** Where in the file, e.g. ['iotHub', 'created']; empty for the whole document. */
  path: (string | number)[];
  /** What was expected there, as the end of a sentence: "must be true or false". */
  expected: string;
}

type Path = (string | number)[];
type Validator = (value: unknown, path: Path) => StateProblem | undefined;

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

const string: Validator = (v, path) =>
  typeof v === 'string' && v.length > 0 ? undefined : { path, expected: 'must be a non-empty string' };
/** Empty allowed: an image pushed with --skip-build has no build-context hash. */
const anyString: Validator = (v, path) => (typeof v === 'string' ? undefined : { path, expected: 'must be a string' });
const boolean: Validator = (v, path) => (typeof v === 'boolean' ? undefined : { path, expected: 'must be true or false' });
const count: Validator = (v, path) =>
  Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : { path, expected: 'must be a whole number, 0 or more' };
const arrayOf =
  (item: Validator): Validator =>
  (v, path) => {
    if (!Array.isArray(v)) return { path, expected: 'must be a list' };
    for (const [index, element] of v.entries()) {
      const problem = item(element, [...path, index]);
      if (problem) return problem;
    }
    return undefined;
  };
const recordOf =
  (item: Validator): Validator =>
  (v, path) => {
    if (!isObject(v)) return { path, expected: 'must be an object' };
    for (const [key, element] of Object.entries(v)) {
      const problem = item(element, [...path, key]);
      if (problem) return problem;
    }
    return undefined;
  };
/** An object with these fields (optional ones may be absent); unknown fields are refused, as they mean a newer edgeml. */
const object =
  (required: Record<string, Validator>, optional: Record<string, Validator> = {}): Validator =>
  (v, path) => {
    if (!isObject(v)) return { path, expected: 'must be an object' };
    for (const [key, check] of Object.entries(required)) {
      if (!(key in v)) return { path: [...path, key], expected: 'is missing' };
      const problem = check(v[key], [...path, key]);
      if (problem) return problem;
    }
    for (const [key, value] of Object.entries(v)) {
      if (key in required) continue;
      const check = optional[key];
      if (!check) return { path: [...path, key], expected: 'is not a field of the state format' };
      if (value === undefined) continue;
      const problem = check(value, [...path, key]);
      if (problem) return problem;
    }
    return undefined;
  };

const resourceRecord = object({ name: string, created: boolean }, { id: string, creating: boolean });
const imageRecord = object({ ref: string, digest: string, contextHash: anyString });
const version: Validator = (v, path) => (v === 1 || v === 2 ? undefined : { path, expected: 'must be 1 or 2' });

const stateDocument = object(
  { version, workflow: string },
  {
    serial: count,
    subscription: string,
    resourceGroup: resourceRecord,
    iotHub: resourceRecord,
    registry: resourceRecord,
    device: resourceRecord,
    configurations: arrayOf(string),
    deviceModules: object({ device: string, modules: arrayOf(string) }),
    images: recordOf(imageRecord),
    lastAppliedContentHash: string,
    updatedAt: string,
  },
);

/** The first problem with `data` as a state document of any readable version, or undefined when it is valid. */
export function validateStateData(data: unknown): StateProblem | undefined {
  if (!isObject(data))
    return { path: [], expected: `must be a JSON object, not ${data === null ? 'null' : Array.isArray(data) ? 'a list' : typeof data}` };
  return stateDocument(data, []);
}
