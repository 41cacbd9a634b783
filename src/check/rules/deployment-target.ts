// Check: the Azure section names exactly one deployment target, a usable registry, and what the model source needs.
import { defineCheck } from '../define-check.js';
import { targetConditionProblem } from '../target-condition.js';

export default defineCheck({
  meta: {
    id: 'deployment-target',
    description: 'azure names one device or one fleet, a registry, and an Azure ML workspace when the model needs one.',
    messages: {
      noTarget: {
        code: 'EML3701',
        text: () => 'azure names neither a device nor a fleet, so nothing would be deployed.',
        hint: () => 'Add azure.device.id for one device, or azure.fleet with a targetCondition for many.',
      },
      bothTargets: {
        code: 'EML3702',
        text: () => 'azure names both a device and a fleet.',
        hint: () => 'Keep one: device for a single device, fleet for an automatic deployment.',
      },
      fleetWithoutCondition: {
        code: 'EML3703',
        text: () => 'The fleet has no targetCondition, so the deployment would target no device.',
        hint: () => "Add a targetCondition such as tags.environment='prod'.",
      },
      conditionUnbalanced: {
        code: 'EML3711',
        text: (d: { problem: string }) => `The target condition ${d.problem}, so IoT Hub would reject it.`,
        hint: () => "Close every quote and parenthesis; write a quote inside a string as two: 'O''Brien'.",
      },
      conditionDoubleQuotes: {
        code: 'EML3704',
        text: () => 'Target conditions use single quotes; IoT Hub rejects double quotes.',
        hint: () => "Write tags.site='plant-1'.",
      },
      registryMissing: {
        code: 'EML3705',
        text: () => 'azure.registry needs either create: { name } or the address of an existing registry.',
        hint: () => 'Add registry.create.name, or registry.address with username and password references.',
      },
      registryBoth: {
        code: 'EML3706',
        text: () => 'azure.registry has both create and address.',
        hint: () => 'Keep create for a new registry, or address for an existing one.',
      },
      usernameWithoutPassword: {
        code: 'EML3707',
        text: () => 'azure.registry has a username but no password reference.',
        hint: () => 'Add password: ${env:ACR_PASSWORD}, or remove username for a registry without credentials.',
      },
      mlWorkspaceMissing: {
        code: 'EML3708',
        text: () => 'The model comes from Azure ML, but azure.ml names no workspace.',
        hint: () => 'Add azure.ml.workspace.',
      },
      layeredPriority: {
        code: 'EML3709',
        category: 'warning',
        text: () => 'A layered deployment only applies above a base deployment; priority 0 is below any base.',
        hint: () => 'Give the layered deployment a priority higher than the base deployment on its devices.',
      },
    },
  },
  check(ctx) {
    const azure = (ctx.data.azure ?? {}) as Record<string, any>;
    if (!azure.device && !azure.fleet) ctx.report('noTarget', undefined, ['azure'], { key: true });
    if (azure.device && azure.fleet) ctx.report('bothTargets', undefined, ['azure', 'fleet'], { key: true });
    const deployment = ctx.ir.azure.deployment;
    if (deployment.kind === 'fleet') {
      if (!deployment.targetCondition.trim()) ctx.report('fleetWithoutCondition', undefined, ['azure', 'fleet'], { key: true });
      else {
        const problem = targetConditionProblem(deployment.targetCondition);
        if (problem?.kind === 'doubleQuotes') ctx.report('conditionDoubleQuotes', undefined, ['azure', 'fleet', 'targetCondition']);
        else if (problem) ctx.report('conditionUnbalanced', { problem: problem.problem }, ['azure', 'fleet', 'targetCondition']);
      }
      if (deployment.layered && deployment.priority === 0) ctx.report('layeredPriority', undefined, ['azure', 'fleet', 'priority']);
    }
    const registry = (azure.registry ?? {}) as Record<string, unknown>;
    if (!registry.create && !registry.address) ctx.report('registryMissing', undefined, ['azure', 'registry'], { key: true });
    if (registry.create && registry.address) ctx.report('registryBoth', undefined, ['azure', 'registry', 'address'], { key: true });
    if (registry.username && !registry.password)
      ctx.report('usernameWithoutPassword', undefined, ['azure', 'registry', 'username'], { key: true });
    if (ctx.ir.model.source.kind === 'azureml' && !ctx.ir.azure.ml)
      ctx.report('mlWorkspaceMissing', undefined, ['model', 'source', 'azureml']);
  },
});
