// scripts/05-test.sh (render stage, scripts): polls the $edgeAgent module twin until the deployment converged
// (lastDesiredStatus 200, desired version processed, every module in its desired state), prints a status table,
// then POSTs the sample image to the scoring module and checks the answer against model.expect.
import type { ModuleIR, WorkflowIR } from '../../ir/types.js';
import { compileTemplate } from '../docker/template.js';
import { FLEET_MANIFEST_FILE } from '../manifest/index.js';
import { quoteChecked, shellQuote } from '../shell.js';

/** The sample shipped next to the scripts for this test, relative to scripts/. */
export function samplePath(ir: WorkflowIR): string | undefined {
  const sample = ir.model.samples[0];
  return sample ? `samples/${sample.split('/').pop()}` : undefined;
}

const STEP5 = `#!/usr/bin/env bash
# Step 5 of 6: check that workflow {{workflowComment}} is running, then score the sample image on the device.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"

require_cmd jq curl
az_ready
az_extension azure-iot

{{#if device}}
device="$DEVICE_ID"
{{else}}
device="\${EDGE_DEVICE_ID:?set EDGE_DEVICE_ID to a device the fleet deployment targets}"
deployment_id="$(jq -r '.id' "$OUT_DIR/{{fleetFile}}")"
{{/if}}
# <module> <desired status>
EXPECTED_MODULES=(
{{#each modules}}
  {{this}}
{{/each}}
)

twin=''
last_problem='no answer from IoT Hub yet'
converged() {
  # shellcheck disable=SC2016  # $edgeAgent is the module's literal name
  twin="$(az iot hub module-twin show --hub-name "$IOT_HUB" --device-id "$device" --module-id '$edgeAgent' --output json 2>/dev/null)" || return 1
{{#unless device}}
  # IoT Hub marks the deployment Applied on the device's $edgeAgent twin once the device took it.
  local applied
  applied="$(jq -r --arg id "$deployment_id" '.configurations[$id].status // "absent"' <<<"$twin")"
  if [[ "$applied" != Applied ]]; then
    last_problem="deployment $deployment_id is $applied on $device (its tags may not match the target condition)"
    return 1
  fi
{{/unless}}
  local code
  code="$(jq -r '.properties.reported.lastDesiredStatus.code // "none"' <<<"$twin")"
  if [[ "$code" != 200 ]]; then
    last_problem="edgeAgent reports lastDesiredStatus $code: $(jq -r '.properties.reported.lastDesiredStatus.description // ""' <<<"$twin")"
    return 1
  fi
  if [[ "$(jq -r '.properties.desired["$version"] == .properties.reported.lastDesiredVersion' <<<"$twin")" != true ]]; then
    last_problem='edgeAgent has not processed the latest deployment yet'
    return 1
  fi
  if [[ "$(jq -r '.properties.reported.systemModules.edgeHub.runtimeStatus // "absent"' <<<"$twin")" != running ]]; then
    last_problem='edgeHub is not running'
    return 1
  fi
  local i status
  for ((i = 0; i < \${#EXPECTED_MODULES[@]}; i += 2)); do
    status="$(jq -r --arg m "\${EXPECTED_MODULES[i]}" '.properties.reported.modules[$m].runtimeStatus // "absent"' <<<"$twin")"
    if [[ "$status" != "\${EXPECTED_MODULES[i + 1]}" ]]; then
      last_problem="module \${EXPECTED_MODULES[i]} is $status (want \${EXPECTED_MODULES[i + 1]})"
      return 1
    fi
  done
}

report() {
  [[ -n "$twin" ]] || return 0
  log "Module status on $device:"
  jq -r '.properties.reported as $r | (($r.systemModules // {}) + ($r.modules // {})) | to_entries[]
    | "    \\(.key)\\t\\(.value.runtimeStatus // "?")\\t\\(.value.settings.image // "")"' <<<"$twin"
}

if ! wait_until "\${EDGEML_TEST_TIMEOUT:-900}" 15 "the deployment to converge on $device" converged; then
  report
  die "not converged: $last_problem"
fi
report
log "The deployment is running on $device"

{{#if http}}
host="\${EDGE_DEVICE_HOST:-localhost}"
base="http://$host:"{{port}}
sample="$SCRIPTS_DIR/"{{sample}}
health() { curl -fsS --max-time 5 --output /dev/null "$base/healthz"; }
wait_until 300 5 "the scoring module to load its model ($base/healthz)" health || die "the scoring module at $base is not ready"

log "Scoring $sample at $base"{{path}}
answer="$(curl -fsS --max-time 120 -H 'Content-Type: application/octet-stream' --data-binary "@$sample" "$base"{{path}})"
# Both APIs normalised to [{label, score}], best first.
predictions="$(jq -c '{{normalise}} | sort_by(-.score)' <<<"$answer")"
count="$(jq 'length' <<<"$predictions")"
top_label="$(jq -r '.[0].label // ""' <<<"$predictions")"
top_score="$(jq -r '.[0].score // 0' <<<"$predictions")"
log "$count prediction(s); best: \${top_label:-none} ($top_score)"
failures=0
{{#if expectLabel}}
if [[ "$top_label" == "$EXPECT_LABEL" ]]; then note "ok: best label is $EXPECT_LABEL"; else warn "expected label $EXPECT_LABEL, got \${top_label:-none}"; failures=$((failures + 1)); fi
{{/if}}
{{#if expectMinScore}}
if jq -e --argjson min {{expectMinScore}} '.[0].score >= $min' <<<"$predictions" >/dev/null; then note "ok: best score >= {{expectMinScore}}"; else warn "expected a best score of at least {{expectMinScore}}, got $top_score"; failures=$((failures + 1)); fi
{{/if}}
{{#if expectMinDetections}}
if ((count >= {{expectMinDetections}})); then note "ok: $count >= {{expectMinDetections}} detections"; else warn "expected at least {{expectMinDetections}} detections, got $count"; failures=$((failures + 1)); fi
{{/if}}
((failures == 0)) || die "the sample's answer did not meet model.expect"
{{else}}
note {{noHttpReason}}
{{/if}}
{{#each views}}
# The capture module's annotated-frame page (module {{module}}).
view_url="http://\${EDGE_DEVICE_HOST:-localhost}:{{port}}/"
view_up() { curl -fsS --max-time 5 --output /dev/null "$view_url"; }
if wait_until 120 5 "the annotated-frame view at $view_url" view_up; then
  note "ok: open $view_url in a browser to watch the annotated frames"
else
  warn "the view at $view_url does not answer; see the module's log: iotedge logs {{moduleName}}"
fi
{{/each}}
log "Step 5 done."
`;

interface Step5View {
  workflowComment: string;
  device: boolean;
  fleetFile: string;
  modules: string[];
  http: boolean;
  noHttpReason: string;
  port: string;
  path: string;
  sample: string;
  normalise: string;
  expectLabel: boolean;
  expectMinScore: string | false;
  expectMinDetections: string | false;
  /** module and moduleName are checked against SAFE_PATTERNS.moduleName (no quotes, $ or spaces); port is a number. */
  views: { module: string; moduleName: string; port: string }[];
}

const render = compileTemplate<Step5View>(STEP5);

/** jq expressions turning each API's answer into [{label, score}] (the seed's Azure ML answer differs by task). */
const NORMALISE = {
  edgeml: '[.results.image.predictions[]? | {label: (.label | tostring), score}]',
  customvision: '[.predictions[]? | {label: (.tagName | tostring), score: .probability}]',
  'azureml/image-classification': '[.[0].image[]? | {label: (.[1] | tostring), score: .[2]}]',
  'azureml/object-detection': '[.[0][0] | [.labels, .scores] | transpose[] | {label: (.[0] | tostring), score: .[1]}]',
} as const;

const PATHS = { edgeml: '/predict', customvision: '/image', azureml: '/score' } as const;

/** The API step 5 talks to: the most detailed one the module serves. */
const TEST_APIS = ['edgeml', 'customvision', 'azureml'] as const;

/** The scoring module reachable from outside the device: it maps its scoring port to a host port. */
function externalScoring(ir: WorkflowIR): { module: ModuleIR; hostPort: number } | undefined {
  for (const module of ir.modules) {
    if (module.kind !== 'scoring' || !module.scoring) continue;
    const mapping = module.ports.find((p) => p.container === module.scoring!.port && p.host !== undefined);
    if (mapping) return { module, hostPort: mapping.host! };
  }
  return undefined;
}

const number = (value: number, label: string): string => {
  if (!Number.isFinite(value)) throw new Error(`${label} must be a finite number.`);
  return String(value);
};

export function renderStep5(ir: WorkflowIR): string {
  const scoring = externalScoring(ir);
  const sample = samplePath(ir);
  const served: readonly string[] = scoring?.module.scoring?.apis ?? [];
  const api = TEST_APIS.find((a) => served.includes(a)) ?? 'customvision';
  const expect = ir.model.expect;
  return render({
    workflowComment: JSON.stringify(ir.name),
    device: ir.azure.deployment.kind === 'device',
    fleetFile: FLEET_MANIFEST_FILE,
    modules: ir.modules.map(
      (m) => `${quoteChecked('moduleName', m.name, `the name of module '${m.name}'`)} ${m.status === 'running' ? 'running' : 'stopped'}`,
    ),
    http: !!scoring && !!sample,
    noHttpReason: shellQuote(
      !scoring
        ? 'No scoring module maps its port to the host, so the HTTP test is skipped.'
        : 'The spec lists no sample image (model.samples), so the HTTP test is skipped.',
    ),
    port: scoring ? String(scoring.hostPort) : '',
    path: shellQuote(PATHS[api]),
    sample: sample ? quoteChecked('relativePath', sample, 'model.samples[0]') : "''",
    // A telemetry task has no HTTP scoring module (scoring is undefined), so its answer shape never matters here.
    normalise:
      api === 'azureml'
        ? NORMALISE[ir.task === 'object-detection' ? 'azureml/object-detection' : 'azureml/image-classification']
        : NORMALISE[api],
    expectLabel: expect?.label !== undefined,
    expectMinScore: expect?.minScore !== undefined ? number(expect.minScore, 'model.expect.minScore') : false,
    expectMinDetections: expect?.minDetections !== undefined ? number(expect.minDetections, 'model.expect.minDetections') : false,
    views: ir.modules.flatMap((m) => {
      const view = m.capture?.view;
      const mapping = view && m.ports.find((p) => p.container === view.port && p.host !== undefined);
      return mapping
        ? [
            {
              module: m.name,
              moduleName: (quoteChecked('moduleName', m.name, `the name of module '${m.name}'`), m.name),
              port: String(mapping.host),
            },
          ]
        : [];
    }),
  });
}
