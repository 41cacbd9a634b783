// Check: limits IoT Edge and IoT Hub enforce (facts §2.2): 50 modules, 32 KB of desired properties per twin,
// createOptions of at most 8 chunks of 512 characters. The compiler measures the rendered manifest exactly; this
// check catches what the spec alone already shows.
import { defineCheck } from '../define-check.js';

export const MAX_MODULES = 50;
export const MAX_TWIN_BYTES = 32 * 1024;
export const MAX_CREATE_OPTIONS_CHARS = 8 * 512;
const MAX_TWIN_DEPTH = 10;

export default defineCheck({
  meta: {
    id: 'iot-edge-limits',
    description: 'The deployment stays within IoT Edge and IoT Hub limits.',
    messages: {
      tooManyModules: {
        code: 'EML3601',
        text: (d: { count: number }) => `The spec declares ${d.count} modules; an IoT Edge deployment holds at most ${MAX_MODULES}.`,
        hint: () => 'Split the modules across devices or layered deployments.',
      },
      twinTooLarge: {
        code: 'EML3602',
        text: (d: { module: string; size: number }) =>
          `The twin of module '${d.module}' is ${d.size} bytes; desired properties are limited to ${MAX_TWIN_BYTES} bytes.`,
        hint: () => 'Move bulky settings into a file baked into the image or fetched at start.',
      },
      createOptionsTooLarge: {
        code: 'EML3603',
        text: (d: { module: string; size: number }) =>
          `The createOptions of module '${d.module}' are ${d.size} characters minified; IoT Edge tools accept at most ${MAX_CREATE_OPTIONS_CHARS} (8 chunks of 512).`,
        hint: () => 'Move settings out of createOptions (e.g. env, or a config file in the image).',
      },
      twinTooDeep: {
        code: 'EML3604',
        text: (d: { module: string }) =>
          `The twin of module '${d.module}' nests deeper than ${MAX_TWIN_DEPTH} levels, which IoT Hub rejects.`,
        hint: () => 'Flatten the twin properties.',
      },
      twinBadKey: {
        code: 'EML3605',
        text: (d: { module: string; key: string }) =>
          `Twin property '${d.key}' of module '${d.module}' contains '.', '$' or a space, which IoT Hub rejects in twin keys.`,
        hint: () => 'Rename the property.',
      },
      twinNullInArray: {
        code: 'EML3606',
        text: (d: { module: string }) => `The twin of module '${d.module}' has null inside a list, which IoT Hub rejects.`,
        hint: () => 'Remove the null entries.',
      },
    },
  },
  check(ctx) {
    if (ctx.ir.modules.length > MAX_MODULES) ctx.report('tooManyModules', { count: ctx.ir.modules.length }, ['modules'], { key: true });
    for (const module of ctx.ir.modules) {
      if (module.twin) {
        const size = Buffer.byteLength(JSON.stringify(module.twin), 'utf8');
        if (size > MAX_TWIN_BYTES) ctx.report('twinTooLarge', { module: module.name, size }, [...module.path, 'twin'], { key: true });
        walkTwin(module.twin, [...module.path, 'twin'], 1, (problem, path, key) => {
          if (problem === 'depth') ctx.report('twinTooDeep', { module: module.name }, path, { key: true });
          else if (problem === 'key') ctx.report('twinBadKey', { module: module.name, key: key! }, path, { key: true });
          else ctx.report('twinNullInArray', { module: module.name }, path);
        });
      }
      const raw = JSON.stringify(module.createOptions);
      if (raw.length > MAX_CREATE_OPTIONS_CHARS)
        ctx.report('createOptionsTooLarge', { module: module.name, size: raw.length }, [...module.path, 'createOptions'], { key: true });
    }
  },
});

function walkTwin(
  value: unknown,
  path: (string | number)[],
  depth: number,
  report: (problem: 'depth' | 'key' | 'null', path: (string | number)[], key?: string) => void,
): void {
  if (depth > MAX_TWIN_DEPTH) {
    report('depth', path);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => (item === null ? report('null', [...path, i]) : walkTwin(item, [...path, i], depth + 1, report)));
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (/[.$ ]/.test(key)) report('key', [...path, key], key);
      walkTwin(child, [...path, key], depth + 1, report);
    }
  }
}
