// Check stage registry: every semantic check, run over the IR after the schema passed. Order does not matter.
import type { Diagnostic } from '../diagnostics/types.js';
import type { SpecPath, Span, WorkflowIR } from '../ir/types.js';
import { supportCheckDate } from '../ir/platform-support.js';
import type { Check, CheckContext } from './define-check.js';
import createOptionsShape from './rules/create-options-shape.js';
import databoxEdgeFeatures from './rules/databox-edge-features.js';
import deploymentTarget from './rules/deployment-target.js';
import fleetRollout from './rules/fleet-rollout.js';
import gpuNeedsAccelerator from './rules/gpu-needs-accelerator.js';
import hostPortCollision from './rules/host-port-collision.js';
import iotEdgeLimits from './rules/iot-edge-limits.js';
import modelCascade from './rules/model-cascade.js';
import modelDecoderTask from './rules/model-decoder-task.js';
import moduleFields from './rules/module-fields.js';
import moduleNameValid from './rules/module-name-valid.js';
import noLiteralSecrets from './rules/no-literal-secrets.js';
import platformSupport from './rules/platform-support.js';
import registryReachable from './rules/registry-reachable.js';
import routeBodyMissingField from './rules/route-body-missing-field.js';
import routeBodyPathExists from './rules/route-body-path-exists.js';
import routeConditionValid from './rules/route-condition-valid.js';
import routeEndpointsExist from './rules/route-endpoints-exist.js';
import routeGraphCoverage from './rules/route-graph-coverage.js';
import routeLiteralType from './rules/route-literal-type.js';
import scoringLimits from './rules/scoring-limits.js';
import scoringUrlFetch from './rules/scoring-url-fetch.js';
import telemetryModel from './rules/telemetry-model.js';

export const CHECKS: readonly Check[] = [
  createOptionsShape,
  databoxEdgeFeatures,
  deploymentTarget,
  fleetRollout,
  gpuNeedsAccelerator,
  hostPortCollision,
  iotEdgeLimits,
  modelCascade,
  modelDecoderTask,
  moduleFields,
  moduleNameValid,
  noLiteralSecrets,
  platformSupport,
  registryReachable,
  routeBodyMissingField,
  routeBodyPathExists,
  routeConditionValid,
  routeEndpointsExist,
  routeGraphCoverage,
  routeLiteralType,
  scoringLimits,
  scoringUrlFetch,
  telemetryModel,
];

export interface CheckInput {
  ir: WorkflowIR;
  data: Record<string, unknown>;
  text: string;
  file: string;
  /** YYYY-MM-DD; default: supportCheckDate of the process environment. */
  today?: string;
  locate(path: SpecPath, options?: { key?: boolean }): Span;
}

function isSpan(at: SpecPath | Span): at is Span {
  return !Array.isArray(at) && typeof (at as Span).start === 'number';
}

export function runChecks(input: CheckInput, checks: readonly Check[] = CHECKS, options: { tolerant?: boolean } = {}): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const check of checks) {
    const ctx: CheckContext<Record<string, never>> = {
      ir: input.ir,
      data: input.data,
      text: input.text,
      today: input.today ?? supportCheckDate(process.env),
      locate: input.locate,
      report(messageId, data, at, options) {
        const message = (check.meta.messages as Record<string, import('./define-check.js').CheckMessage<unknown>>)[messageId];
        if (!message) throw new Error(`Check '${check.meta.id}' reported unknown message '${messageId}'.`);
        const span = isSpan(at) ? at : input.locate(at, { key: options?.key });
        const diagnostic: Diagnostic = {
          code: message.code,
          id: `${check.meta.id}/${messageId}`,
          category: message.category ?? 'error',
          file: span.file ?? input.file,
          start: span.start,
          length: span.length,
          message: message.text(data),
        };
        const hint = message.hint?.(data);
        if (hint) diagnostic.hint = hint;
        if (options?.related?.length) {
          diagnostic.related = options.related.map((r) => {
            const s = isSpan(r.at) ? r.at : input.locate(r.at, { key: r.key });
            return { file: s.file, start: s.start, length: s.length, message: r.message };
          });
        }
        diagnostics.push(diagnostic);
      },
    };
    const before = diagnostics.length;
    try {
      check.check(ctx);
    } catch (error) {
      if (options.tolerant) {
        diagnostics.length = before;
        continue;
      }
      // A crashing check is a bug in edgeml, not in the spec: surface it with the check's id.
      throw new Error(`Internal error in check '${check.meta.id}': ${(error as Error).stack ?? error}`);
    }
  }
  return diagnostics;
}
