// Check: azure.fleet.rollout describes rings that widen one after another up to the whole fleet, with ring conditions
// IoT Hub can read and gates that name the fleet's own custom metrics.
import { defineCheck } from '../define-check.js';
import { targetConditionProblem } from '../target-condition.js';
import { didYouMean } from '../../routes/did-you-mean.js';
import { ringSelector } from '../../rollout/ring-conditions.js';

export default defineCheck({
  meta: {
    id: 'fleet-rollout',
    description: 'Rollout rings widen up to the whole fleet, have readable conditions and gate on metrics the fleet defines.',
    messages: {
      duplicateRing: {
        code: 'EML3720',
        text: (d: { name: string }) => `Two rings are named '${d.name}'.`,
        hint: () => 'Give every ring its own name; the history and progress name rings.',
      },
      ringNotWider: {
        code: 'EML3721',
        text: (d: { ring: string; percent: number; previous: number }) =>
          `Ring '${d.ring}' reaches ${d.percent}% of the fleet, no more than the ring before it (${d.previous}%), so it adds no device.`,
        hint: () => 'Give each later ring a larger percent, e.g. 5, 25, 100.',
      },
      lastRingPartial: {
        code: 'EML3722',
        text: (d: { ring: string }) =>
          `The last ring, '${d.ring}', does not reach the whole fleet, so the previous deployment could never be retired.`,
        hint: () => 'End with a ring that has no percent and no condition (or percent: 100).',
      },
      ringAfterWholeFleet: {
        code: 'EML3723',
        text: (d: { ring: string; whole: string }) => `Ring '${d.ring}' comes after '${d.whole}', which already reaches the whole fleet.`,
        hint: () => 'Remove it, or move the whole-fleet ring to the end.',
      },
      ringConditionDoubleQuotes: {
        code: 'EML3724',
        text: () => 'Ring conditions use single quotes; IoT Hub rejects double quotes.',
        hint: () => "Write tags.site='lab'.",
      },
      ringConditionUnbalanced: {
        code: 'EML3725',
        text: (d: { problem: string }) => `The ring condition ${d.problem}, so IoT Hub would reject it.`,
        hint: () => "Close every quote and parenthesis; write a quote inside a string as two: 'O''Brien'.",
      },
      unknownGateMetric: {
        code: 'EML3726',
        text: (d: { name: string; known: string }) =>
          `The gate limits the metric '${d.name}', which azure.fleet.metrics does not define (${d.known}).`,
        hint: (d: { suggestion?: string }) =>
          d.suggestion ? `Did you mean '${d.suggestion}'?` : 'Add the query under azure.fleet.metrics, or remove the limit.',
      },
      metricLimitEmpty: {
        code: 'EML3727',
        text: (d: { name: string }) => `The gate's limit on '${d.name}' sets neither maxDevices nor maxPercent, so it never fails.`,
        hint: () => 'Add maxDevices: 0 (no device may be counted) or a maxPercent.',
      },
    },
  },
  check(ctx) {
    const deployment = ctx.ir.azure.deployment;
    if (deployment.kind !== 'fleet' || !deployment.rollout) return;
    const rings = deployment.rollout.rings;
    const at = (index: number, ...rest: (string | number)[]) => ['azure', 'fleet', 'rollout', 'rings', index, ...rest];
    const seen = new Set<string>();
    let previousShare: number | undefined;
    let whole: string | undefined;
    rings.forEach((ring, index) => {
      if (seen.has(ring.name)) ctx.report('duplicateRing', { name: ring.name }, at(index, 'name'));
      seen.add(ring.name);
      if (whole !== undefined) ctx.report('ringAfterWholeFleet', { ring: ring.name, whole }, at(index), { key: true });
      const shareOnly = ring.condition === undefined && ring.percent !== undefined && ring.percent < 100;
      if (shareOnly && previousShare !== undefined && ring.percent! <= previousShare) {
        ctx.report('ringNotWider', { ring: ring.name, percent: ring.percent!, previous: previousShare }, at(index, 'percent'));
      }
      if (shareOnly) previousShare = ring.percent;
      if (ring.condition !== undefined) {
        const problem = targetConditionProblem(ring.condition);
        if (problem?.kind === 'doubleQuotes') ctx.report('ringConditionDoubleQuotes', undefined, at(index, 'condition'));
        else if (problem) ctx.report('ringConditionUnbalanced', { problem: problem.problem }, at(index, 'condition'));
      }
      if (whole === undefined && ringSelector(ring) === undefined) whole = ring.name;
      const known = Object.keys(deployment.metrics);
      for (const [name, limit] of Object.entries(ring.gate.metrics)) {
        if (!known.includes(name)) {
          ctx.report(
            'unknownGateMetric',
            { name, known: known.length ? `it has ${known.join(', ')}` : 'it defines none', suggestion: didYouMean(name, known) },
            at(index, 'gate', 'metrics', name),
            { key: true },
          );
        }
        if (limit.maxDevices === undefined && limit.maxPercent === undefined)
          ctx.report('metricLimitEmpty', { name }, at(index, 'gate', 'metrics', name), { key: true });
      }
    });
    const last = rings.at(-1);
    if (last && whole === undefined) ctx.report('lastRingPartial', { ring: last.name }, at(rings.length - 1), { key: true });
  },
});
