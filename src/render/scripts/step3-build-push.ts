// scripts/03-build-push.sh (render stage, scripts): registry login, the model download for remote models (checksum
// verified), then docker build + push of every module image for the target platform, with the tags resolveImages chose.
import type { ModuleIR, WorkflowIR } from '../../ir/types.js';
import { compileTemplate } from '../docker/template.js';
import { targetVariant, VARIANTS } from '../docker/variants.js';
import { quoteChecked, shellQuote } from '../shell.js';

const STEP3 = `#!/usr/bin/env bash
# Step 3 of 6: build and push the module images of workflow {{workflowComment}}.
# Builds for {{platform}}; on another architecture Docker needs QEMU (docker run --privileged --rm tonistiigi/binfmt --install all).
# Set EDGEML_SKIP_PUSH=1 to build only.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"

require_cmd docker
push=true
[[ "\${EDGEML_SKIP_PUSH:-}" == 1 ]] && push=false

{{#if registryCreate}}
if $push; then
  az_ready
  log "Signing in to registry $REGISTRY_NAME"
  az acr login --name "$REGISTRY_NAME"
fi
{{/if}}
{{#if registryExisting}}
if $push; then
  log "Signing in to registry $REGISTRY_ADDRESS"
{{#if usernameEnv}}
  registry_user="\${!REGISTRY_USERNAME_ENV:?set $REGISTRY_USERNAME_ENV to the registry user name}"
{{else}}
  registry_user="$REGISTRY_USERNAME"
{{/if}}
  [[ -n "\${!REGISTRY_PASSWORD_ENV:-}" ]] || die "set $REGISTRY_PASSWORD_ENV to the registry password"
  printf '%s' "\${!REGISTRY_PASSWORD_ENV}" | docker login "$REGISTRY_ADDRESS" --username "$registry_user" --password-stdin
fi
{{/if}}

{{#if modelUrl}}
# The model is not part of the generated files: fetch it into each scoring build context and verify its sha256.
fetch_model() {
  local target="$OUT_DIR/modules/$1/model/model.onnx"
  if [[ -f "$target" ]] && printf '%s  %s\\n' "$MODEL_SHA256" "$target" | sha256sum --check --status; then
    log "Model for $1 is present and verified"
    return
  fi
  local tmp
  tmp="$(mktemp)"
  log "Downloading the model for $1 from $MODEL_URL"
  curl -fsSL --proto '=https' --retry 3 --output "$tmp" "$MODEL_URL"
  if ! printf '%s  %s\\n' "$MODEL_SHA256" "$tmp" | sha256sum --check --status; then
    rm -f "$tmp"
    die "the downloaded model does not match sha256 $MODEL_SHA256"
  fi
  install -m 644 "$tmp" "$target"
  rm -f "$tmp"
}
{{/if}}
{{#if modelAzureml}}
# The model is registered in Azure ML: download it into each scoring build context.
fetch_model() {
  local target="$OUT_DIR/modules/$1/model/model.onnx"
  if [[ -s "$target" ]]; then
    log "Model for $1 is present (delete $target to download again)"
    return
  fi
  az_ready
  az_extension ml
  local tmp found
  tmp="$(mktemp -d)"
  log "Downloading model $ML_MODEL_NAME:$ML_MODEL_VERSION from workspace $ML_WORKSPACE"
  az ml model download --name "$ML_MODEL_NAME" --version "$ML_MODEL_VERSION" --workspace-name "$ML_WORKSPACE" \\
    --resource-group "$ML_RESOURCE_GROUP" --download-path "$tmp" --only-show-errors
  found="$(find "$tmp" -type f -name "\${ML_MODEL_FILE##*/}" -print -quit)"
  [[ -n "$found" ]] || { rm -rf "$tmp"; die "the downloaded model has no file named $ML_MODEL_FILE"; }
  install -m 644 "$found" "$target"
  rm -rf "$tmp"
}
{{/if}}

# build_and_push <module> <docker platform> <Dockerfile> <image>: builds from the generated context modules/<module>/.
build_and_push() {
  local context="$OUT_DIR/modules/$1"
  log "Building $4 ($2) from modules/$1/$3"
  docker build --platform "$2" --file "$context/$3" --tag "$4" "$context"
  push_image "$4"
}

push_image() {
  if $push; then
    log "Pushing $1"
    docker push "$1"
  else
    note "not pushing $1 (EDGEML_SKIP_PUSH=1)"
  fi
}

{{#if userBuilds.length}}
spec_dir="\${EDGEML_SPEC_DIR:?set EDGEML_SPEC_DIR to the folder that holds the spec: build contexts are relative to it}"
# build_user_image <module> <docker platform> <Dockerfile> <context> <image>: the user's own Dockerfile, unchanged.
build_user_image() {
  log "Building $5 ($2) for $1 from $spec_dir/$4 with $3"
  docker build --platform "$2" --file "$spec_dir/$3" --tag "$5" "$spec_dir/$4"
  push_image "$5"
}
{{/if}}

{{#each fetches}}
fetch_model {{this}}
{{/each}}
{{#each builds}}
build_and_push {{module}} {{platform}} {{dockerfile}} {{image}}
{{/each}}
{{#each userBuilds}}
build_user_image {{module}} {{platform}} {{dockerfile}} {{context}} {{image}}
{{/each}}
{{#each prebuilt}}
note {{this}}
{{/each}}
log "Step 3 done. Next: scripts/04-deploy.sh"
`;

interface BuildLine {
  module: string;
  platform: string;
  dockerfile: string;
  image: string;
  context?: string;
}

interface Step3View {
  workflowComment: string;
  platform: string;
  registryCreate: boolean;
  registryExisting: boolean;
  usernameEnv: boolean;
  modelUrl: boolean;
  modelAzureml: boolean;
  fetches: string[];
  builds: BuildLine[];
  userBuilds: BuildLine[];
  prebuilt: string[];
}

const render = compileTemplate<Step3View>(STEP3);

/** `docker build --platform` for the target's CPU images (the one variant table knows it). */
const dockerPlatform = (ir: WorkflowIR): string => VARIANTS[ir.target.platform].dockerPlatform;

export function renderStep3(ir: WorkflowIR, images: ReadonlyMap<string, string>): string {
  const module = (m: ModuleIR): string => quoteChecked('moduleName', m.name, `the name of module '${m.name}'`);
  const image = (m: ModuleIR): string => quoteChecked('imageRef', images.get(m.name) ?? '', `the image of module '${m.name}'`);
  const builds: BuildLine[] = [];
  const userBuilds: BuildLine[] = [];
  const prebuilt: string[] = [];
  for (const m of ir.modules) {
    if (!images.has(m.name)) continue;
    if (m.image.kind === 'generated') {
      const variant = targetVariant(ir, m)!;
      builds.push({
        module: module(m),
        platform: `'${variant.dockerPlatform}'`,
        dockerfile: `'Dockerfile.${variant.id}'`,
        image: image(m),
      });
    } else if (m.image.kind === 'user-build') {
      userBuilds.push({
        module: module(m),
        platform: `'${dockerPlatform(ir)}'`,
        dockerfile: quoteChecked('relativePath', m.image.dockerfile, `modules.${m.name}.dockerfile`),
        context: quoteChecked('relativePath', m.image.context, `modules.${m.name}.context`),
        image: image(m),
      });
    } else {
      prebuilt.push(shellQuote(`module ${m.name} uses the prebuilt image ${images.get(m.name)}: nothing to build`));
    }
  }
  const remote = ir.model.source.kind === 'url' || ir.model.source.kind === 'azureml';
  const registry = ir.azure.registry;
  return render({
    workflowComment: JSON.stringify(ir.name),
    platform: dockerPlatform(ir),
    registryCreate: registry.kind === 'create',
    registryExisting: registry.kind === 'existing',
    usernameEnv: registry.kind === 'existing' && typeof registry.username !== 'string',
    modelUrl: ir.model.source.kind === 'url',
    modelAzureml: ir.model.source.kind === 'azureml',
    fetches: remote ? ir.modules.filter((m) => m.kind === 'scoring' && m.image.kind === 'generated').map(module) : [],
    builds,
    userBuilds,
    prebuilt,
  });
}
