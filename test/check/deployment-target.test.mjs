import { runCheckCases } from '../helpers/check-tester.mjs';
import { BASE_SPEC, editSpec } from '../helpers/spec-fixtures.mjs';

const fleet = (body) => editSpec(['  device: { id: dev1 }\n', `  fleet:\n${body}`]);

runCheckCases('deployment-target', {
  valid: [
    BASE_SPEC,
    fleet('    id: demo\n    targetCondition: "tags.site=\'a\'"\n'),
    fleet("    id: demo\n    targetCondition: \"(tags.site='O''Brien (east)' OR deviceId IN ['a', 'b']) AND NOT is_defined(tags.off)\"\n"),
    editSpec([
      '  registry: { create: { name: demoregistry } }',
      '  registry: { address: "myacr.azurecr.io", username: bob, password: "${env:ACR_PASSWORD}" }',
    ]),
  ],
  invalid: [
    { name: 'no target', text: editSpec(['  device: { id: dev1 }\n', '']), errors: [{ messageId: 'noTarget', at: 'azure:' }] },
    {
      name: 'both targets',
      text: editSpec(['  device: { id: dev1 }\n', '  device: { id: dev1 }\n  fleet: { id: f, targetCondition: "deviceId=\'a\'" }\n']),
      errors: [{ messageId: 'bothTargets', at: 'fleet:' }],
    },
    { name: 'fleet without condition', text: fleet('    id: demo\n'), errors: [{ messageId: 'fleetWithoutCondition', at: 'fleet:' }] },
    {
      name: 'double quotes in condition',
      text: fleet('    id: demo\n    targetCondition: \'tags.site="a"\'\n'),
      errors: [{ messageId: 'conditionDoubleQuotes', at: `'tags.site` }],
    },
    {
      name: 'unclosed string in condition',
      text: fleet('    id: demo\n    targetCondition: "tags.site=\'plant-1"\n'),
      errors: [{ messageId: 'conditionUnbalanced', at: '"tags.site' }],
    },
    {
      name: 'unbalanced parentheses in condition',
      text: fleet("    id: demo\n    targetCondition: \"(tags.a='b' AND (tags.c='d')\"\n"),
      errors: [{ messageId: 'conditionUnbalanced', at: '"(tags.a' }],
    },
    {
      name: 'a parenthesis closed early',
      text: fleet("    id: demo\n    targetCondition: \"tags.a='b') AND (tags.c='d'\"\n"),
      errors: [{ messageId: 'conditionUnbalanced', at: `"tags.a='b')` }],
    },
    {
      name: 'layered at priority 0',
      text: fleet('    id: demo\n    targetCondition: "tags.a=\'b\'"\n    layered: true\n    priority: 0\n'),
      errors: [{ messageId: 'layeredPriority', at: '0\n' }],
    },
    {
      name: 'registry missing',
      text: editSpec(['  registry: { create: { name: demoregistry } }', '  registry: {}']),
      errors: [{ messageId: 'registryMissing', at: 'registry:' }],
    },
    {
      name: 'registry both',
      text: editSpec([
        '  registry: { create: { name: demoregistry } }',
        '  registry: { create: { name: demoregistry }, address: "x.azurecr.io" }',
      ]),
      errors: [{ messageId: 'registryBoth', at: 'address' }],
    },
    {
      name: 'username without password',
      text: editSpec(['  registry: { create: { name: demoregistry } }', '  registry: { address: "x.azurecr.io", username: bob }']),
      errors: [{ messageId: 'usernameWithoutPassword', at: 'username' }],
    },
    {
      name: 'azure ml without workspace',
      text: editSpec(['  ml: { workspace: ws }\n', '']),
      errors: [{ messageId: 'mlWorkspaceMissing', at: '{ name: classifier' }],
    },
  ],
});
