// scripts/04-deploy.sh (render stage, scripts): fills the `${NAME}` secret placeholders of the manifest into a private
// temporary file (mode 600, deleted on exit) with jq, touching only the names the manifest declares, then applies it:
// `az iot edge set-modules` for one device, `az iot edge deployment create` for a fleet (id baked in at compile time).
// A fleet's superseded deployments (this workflow's `<id>-<hash>` ones) are deleted once the new one has reached every
// targeted device, as `edgeml apply` does (apply/deploy-fleet.ts): a hub holds at most 100 deployments.
import type { WorkflowIR } from '../../ir/types.js';
import { compileTemplate } from '../docker/template.js';
import { DEVICE_MANIFEST_FILE, FLEET_MANIFEST_FILE } from '../manifest/index.js';
import { CREATED_REGISTRY_PASSWORD_ENV, CREATED_REGISTRY_USERNAME_ENV, listManifestSecrets } from '../manifest/secrets.js';
import { quoteChecked } from '../shell.js';

const STEP4 = `#!/usr/bin/env bash
# Step 4 of 6: deploy workflow {{workflowComment}} to {{targetText}}.
# Secrets are read from the environment and written only to a private temporary copy of the manifest.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"

require_cmd jq
az_ready
az_extension azure-iot

manifest="$OUT_DIR/{{manifestFile}}"
[[ -f "$manifest" ]] || die "$manifest is missing: run edgeml compile again"

# The only \${NAME} placeholders this manifest may contain.
SECRET_NAMES=({{secretNames}})

{{#if createdRegistry}}
if [[ -z "\${${CREATED_REGISTRY_USERNAME_ENV}:-}" || -z "\${${CREATED_REGISTRY_PASSWORD_ENV}:-}" ]]; then
  log "Reading the pull credential of registry $REGISTRY_NAME (not printed)"
  {{usernameEnv}}="$(az acr credential show --name "$REGISTRY_NAME" --resource-group "$RESOURCE_GROUP" --query username --output tsv)"
  {{passwordEnv}}="$(az acr credential show --name "$REGISTRY_NAME" --resource-group "$RESOURCE_GROUP" --query 'passwords[0].value' --output tsv)"
  export {{usernameEnv}} {{passwordEnv}}
fi
{{/if}}

missing=()
for name in "\${SECRET_NAMES[@]}"; do
  [[ -n "\${!name:-}" ]] || missing+=("$name")
done
((\${#missing[@]} == 0)) || die "set these environment variables first: \${missing[*]}"
# jq reads the values from its environment. (A bare \`export\` would list every variable, so never call it empty.)
if ((\${#SECRET_NAMES[@]} > 0)); then export "\${SECRET_NAMES[@]}"; fi

filled="$(mktemp)"
chmod 600 "$filled"
trap 'rm -f "$filled"' EXIT
# jq reads each value from its environment ($ENV), so no secret appears on a command line, and writes it JSON-escaped.
jq '{{jqFilter}}{{contentOnly}}' "$manifest" >"$filled"
for name in "\${SECRET_NAMES[@]}"; do
  if grep -qF "\\\${$name}" "$filled"; then die "placeholder \\\${$name} was not filled"; fi
done

{{#if device}}
log "Applying the deployment to device $DEVICE_ID on $IOT_HUB"
az iot edge set-modules --hub-name "$IOT_HUB" --device-id "$DEVICE_ID" --content "$filled" --output none
{{else}}
deployment_id="$(jq -r '.id' "$manifest")"
[[ "$deployment_id" =~ ^[a-z0-9-]+$ ]] || die "deployment id '$deployment_id' in $manifest is not valid"
if az iot edge deployment show --hub-name "$IOT_HUB" --deployment-id "$deployment_id" --output none 2>/dev/null; then
  log "Deployment $deployment_id already exists: its content is unchanged (the id is a hash of the content)"
else
  metrics="$(mktemp)"
  trap 'rm -f "$filled" "$metrics"' EXIT
  jq '.metrics' "$manifest" >"$metrics"
  log "Creating deployment $deployment_id on $IOT_HUB for: $(jq -r '.targetCondition' "$manifest")"
  az iot edge deployment create --hub-name "$IOT_HUB" --deployment-id "$deployment_id" --content "$filled" \\
    --target-condition "$(jq -r '.targetCondition' "$manifest")" --priority "$(jq -r '.priority' "$manifest")" \\
    --labels "$(jq -c '.labels' "$manifest")" --metrics "$metrics" {{layeredFlag}}--output none
  # Step 6 deletes the deployments recorded here.
  record_created deployment "$deployment_id"
fi

# This workflow's deployments on the hub: "$FLEET_ID-" and 12 hex digits of a content hash, one per content.
own_deployments() {
  az iot edge deployment list --hub-name "$IOT_HUB" --output json \
    | jq -r --arg prefix "$FLEET_ID-" '.[] | .id | select(startswith($prefix) and (ltrimstr($prefix) | test("^[0-9a-f]{12}$")))'
}
# True once the hub's system metrics show the deployment applied on every device it targets (refreshed every ~5 min).
applied_everywhere() {
  az iot edge deployment show --hub-name "$IOT_HUB" --deployment-id "$1" --output json \
    | jq -e '(.systemMetrics.results // {}) as $m | ($m.appliedCount // 0) >= ($m.targetedCount // 0)' >/dev/null
}
superseded="$(own_deployments | grep -vxF -- "$deployment_id" || true)"
if [[ -n "$superseded" ]]; then
  # Only after the new deployment reached every targeted device, so no device is left without one.
  if wait_until "\${EDGEML_DEPLOY_TIMEOUT:-900}" 15 "deployment $deployment_id to apply on every targeted device" applied_everywhere "$deployment_id"; then
    while IFS= read -r old; do
      [[ -n "$old" ]] || continue
      log "Deleting superseded deployment $old"
      az iot edge deployment delete --hub-name "$IOT_HUB" --deployment-id "$old" --output none
      forget_created deployment "$old"
    done <<<"$superseded"
  else
    warn "the superseded deployments stay until $deployment_id is applied everywhere: run scripts/04-deploy.sh again later"
  fi
fi
{{/if}}
log "Step 4 done. Next: scripts/05-test.sh"
`;

interface Step4View {
  workflowComment: string;
  targetText: string;
  manifestFile: string;
  secretNames: string;
  createdRegistry: boolean;
  usernameEnv: string;
  passwordEnv: string;
  jqFilter: string;
  contentOnly: string;
  device: boolean;
  layeredFlag: string;
}

const render = compileTemplate<Step4View>(STEP4);

/** A jq program replacing `${NAME}` with $ENV.NAME in every string, for the given (validated) names. */
export function secretFillFilter(names: readonly string[]): string {
  if (names.length === 0) return '.';
  const replacements = names.map((n) => `gsub("\\\\$\\\\{${n}\\\\}"; $ENV.${n})`).join(' | ');
  return `walk(if type == "string" then ${replacements} else . end)`;
}

export function renderStep4(ir: WorkflowIR): string {
  const names = [...new Set(listManifestSecrets(ir).map((s) => s.env))].sort();
  for (const name of names) quoteChecked('envName', name, `the secret name '${name}'`);
  const deployment = ir.azure.deployment;
  return render({
    workflowComment: JSON.stringify(ir.name),
    targetText: deployment.kind === 'device' ? 'one device' : 'a fleet of devices',
    manifestFile: deployment.kind === 'device' ? DEVICE_MANIFEST_FILE : FLEET_MANIFEST_FILE,
    secretNames: names.map((n) => `'${n}'`).join(' '),
    createdRegistry: ir.azure.registry.kind === 'create',
    usernameEnv: CREATED_REGISTRY_USERNAME_ENV,
    passwordEnv: CREATED_REGISTRY_PASSWORD_ENV,
    jqFilter: secretFillFilter(names),
    // az iot edge deployment create wants {"modulesContent": ...}; the other fields become its options.
    contentOnly: deployment.kind === 'fleet' ? ' | .content' : '',
    device: deployment.kind === 'device',
    layeredFlag: deployment.kind === 'fleet' && deployment.layered ? '--layered ' : '',
  });
}
