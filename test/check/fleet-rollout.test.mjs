import { runCheckCases } from '../helpers/check-tester.mjs';
import { editSpec } from '../helpers/spec-fixtures.mjs';

/** A fleet spec with the given rollout YAML (indented under fleet:) and optional metrics. */
const rollout = (body, metrics = '') =>
  editSpec([
    '  device: { id: dev1 }\n',
    `  fleet:\n    id: demo\n    targetCondition: "tags.role='camera'"\n${metrics}    rollout:\n${body}`,
  ]);

const ring = (name, extra = '') => `        - name: ${name}\n${extra}`;

runCheckCases('fleet-rollout', {
  valid: [
    rollout(`      rings:\n${ring('canary', '          percent: 5\n')}${ring('early', '          percent: 25\n')}${ring('all')}`),
    rollout(
      `      onFailure: halt\n      rings:\n${ring('lab', '          condition: "tags.site=\'lab\'"\n')}${ring('everyone', '          percent: 100\n')}`,
    ),
    rollout(
      `      rings:\n${ring('canary', '          percent: 10\n          gate: { minDevices: 3, maxFailedPercent: 0, waitSeconds: 600, metrics: { errors: { maxDevices: 0 } } }\n')}${ring('all')}`,
      '    metrics:\n      errors: "SELECT deviceId FROM devices.modules WHERE properties.reported.errors > 0"\n',
    ),
  ],
  invalid: [
    {
      name: 'two rings with one name',
      text: rollout(`      rings:\n${ring('canary', '          percent: 5\n')}${ring('canary', '          percent: 50\n')}${ring('all')}`),
      errors: [{ messageId: 'duplicateRing', at: 'canary', occurrence: 1 }],
    },
    {
      name: 'a ring no wider than the one before',
      text: rollout(`      rings:\n${ring('canary', '          percent: 25\n')}${ring('early', '          percent: 25\n')}${ring('all')}`),
      errors: [{ messageId: 'ringNotWider', at: '25', occurrence: 1 }],
    },
    {
      name: 'the last ring stops short of the fleet',
      text: rollout(`      rings:\n${ring('canary', '          percent: 5\n')}${ring('most', '          percent: 90\n')}`),
      errors: [{ messageId: 'lastRingPartial', at: 'name: most' }],
    },
    {
      name: 'a ring after the whole fleet',
      text: rollout(`      rings:\n${ring('all')}${ring('late', '          percent: 50\n')}`),
      errors: [{ messageId: 'ringAfterWholeFleet', at: 'name: late' }],
    },
    {
      name: 'double quotes in a ring condition',
      text: rollout(`      rings:\n${ring('lab', `          condition: 'tags.site="lab"'\n`)}${ring('all')}`),
      errors: [{ messageId: 'ringConditionDoubleQuotes', at: `'tags.site` }],
    },
    {
      name: 'an unclosed string in a ring condition',
      text: rollout(`      rings:\n${ring('lab', `          condition: "tags.site='lab"\n`)}${ring('all')}`),
      errors: [{ messageId: 'ringConditionUnbalanced', at: `"tags.site='lab"` }],
    },
    {
      name: 'a gate on a metric the fleet does not define, with a suggestion',
      text: rollout(
        `      rings:\n${ring('canary', '          percent: 10\n          gate:\n            metrics:\n              eror: { maxDevices: 0 }\n')}${ring('all')}`,
        '    metrics:\n      error: "SELECT deviceId FROM devices WHERE tags.x = 1"\n',
      ),
      errors: [{ messageId: 'unknownGateMetric', at: 'eror' }],
    },
    {
      name: 'a metric limit without a bound',
      text: rollout(
        `      rings:\n${ring('canary', '          percent: 10\n          gate:\n            metrics:\n              error: {}\n')}${ring('all')}`,
        '    metrics:\n      error: "SELECT deviceId FROM devices WHERE tags.x = 1"\n',
      ),
      errors: [{ messageId: 'metricLimitEmpty', at: 'error: {}' }],
    },
  ],
});
