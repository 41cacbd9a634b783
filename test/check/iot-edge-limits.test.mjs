import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec } from '../helpers/spec-fixtures.mjs';

const many = Array.from({ length: 49 }, (_, i) => `  m${i}:\n    type: container\n    image: contoso/m:1.${i}\n`).join('');
const bigTwin = `    twin:\n      blob: "${'x'.repeat(33 * 1024)}"\n`;
const bigCreate = `    createOptions:\n      Labels:\n${Array.from({ length: 40 }, (_, i) => `        label${i}: "${'v'.repeat(100)}"\n`).join('')}`;
const deep = '    twin:\n' + Array.from({ length: 11 }, (_, i) => `${'  '.repeat(i + 3)}l${i}:\n`).join('') + `${'  '.repeat(14)}leaf: 1\n`;

runCheckCases('iot-edge-limits', {
  valid: [BASE_SPEC, editSpec(['    port: 8080\n', '    port: 8080\n    twin: { threshold: 0.5, zones: [1, 2] }\n'])],
  invalid: [
    { name: '51 modules', text: editSpec(['routes:\n', `${many}routes:\n`]), errors: [{ messageId: 'tooManyModules', at: 'modules:' }] },
    {
      name: 'twin over 32 KB',
      text: editSpec(['    port: 8080\n', `    port: 8080\n${bigTwin}`]),
      errors: [{ messageId: 'twinTooLarge', at: 'twin:' }],
    },
    {
      name: 'createOptions over 4 KB',
      text: editSpec(['    port: 8080\n', `    port: 8080\n${bigCreate}`]),
      errors: [{ messageId: 'createOptionsTooLarge', at: 'createOptions:' }],
    },
    {
      name: 'twin too deep',
      text: editSpec(['    port: 8080\n', `    port: 8080\n${deep}`]),
      errors: [{ messageId: 'twinTooDeep', at: 'l9:' }],
    },
    {
      name: 'twin key with a dot',
      text: editSpec(['    port: 8080\n', '    port: 8080\n    twin: { "a.b": 1 }\n']),
      errors: [{ messageId: 'twinBadKey', at: '"a.b"' }],
    },
    {
      name: 'null in twin array',
      text: editSpec(['    port: 8080\n', '    port: 8080\n    twin: { zones: [1, null] }\n']),
      errors: [{ messageId: 'twinNullInArray', at: 'null' }],
    },
  ],
});
