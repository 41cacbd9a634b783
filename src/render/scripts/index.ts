// The six step scripts, their shared lib.sh, .env.example and the test sample (render stage, scripts): entry points.
// checkScriptValues finds unusable spec values up front; renderScripts also refuses them (UnsafeShellValueError).
import { renderScriptMessages as M } from '../../diagnostics/codes/render-scripts.js';
import { hasErrors, type Diagnostic } from '../../diagnostics/types.js';
import { checkBuildContexts } from '../docker/build-context.js';
import { resolveImages } from '../docker/images.js';
import { renderDiagnostic } from '../docker/errors.js';
import { isSafeShellValue, SAFE_PATTERNS } from '../shell.js';
import type { RenderContext, RenderedFile } from '../types.js';
import { renderEnvExample } from './env-vars.js';
import { renderLib } from './lib.js';
import { renderStep1 } from './step1-create-resources.js';
import { DEVICE_OS, renderStep2 } from './step2-setup-device.js';
import { renderStep3 } from './step3-build-push.js';
import { renderStep4 } from './step4-deploy.js';
import { renderStep5, samplePath } from './step5-test.js';
import { renderStep6 } from './step6-teardown.js';
import { unsafeScriptValues } from './values.js';

export { listScriptEnv, type ScriptEnvVar } from './env-vars.js';
export { SCRIPT_FILES };

const BLOCK = 'render-scripts';

/**
 * Files the scripts write into the output folder at run time that a recompile must keep: the record of what steps 1
 * and 4 created (step 6 deletes only that). The writer replaces the folder wholesale, so it has to carry these over.
 */
export const SCRIPT_STATE_FILES: readonly string[] = ['scripts/.edgeml-created'];

/** The step scripts in order, with what each does (also used by the README). */
const SCRIPT_FILES = [
  { step: 1, path: 'scripts/01-create-resources.sh', title: 'Create the Azure resources', where: 'on your workstation' },
  { step: 2, path: 'scripts/02-setup-device.sh', title: 'Set up the IoT Edge device', where: 'on the device, as root' },
  { step: 3, path: 'scripts/03-build-push.sh', title: 'Build and push the module images', where: 'on your workstation' },
  { step: 4, path: 'scripts/04-deploy.sh', title: 'Deploy the modules', where: 'on your workstation' },
  { step: 5, path: 'scripts/05-test.sh', title: 'Check the deployment and score the sample', where: 'on your workstation' },
  {
    step: 6,
    path: 'scripts/06-teardown.sh',
    title: 'Delete what steps 1 and 4 created (from a device they did not create, only the deployed modules)',
    where: 'on your workstation',
  },
] as const;

/** Spec values the scripts cannot carry, and other problems that stop the scripts from rendering. */
export function checkScriptValues(ctx: RenderContext): Diagnostic[] {
  const { ir } = ctx;
  const problems = unsafeScriptValues(ir).map((v) => renderDiagnostic(BLOCK, 'unsafeValue', M.unsafeValue, v));
  for (const module of ir.modules) {
    if (!isSafeShellValue('moduleName', module.name)) {
      problems.push(
        renderDiagnostic(BLOCK, 'unsafeValue', M.unsafeValue, {
          field: `modules.${module.name}`,
          expected: SAFE_PATTERNS.moduleName.describe,
        }),
      );
    }
    if (module.image.kind === 'user-build') {
      for (const [field, value] of [
        ['context', module.image.context],
        ['dockerfile', module.image.dockerfile],
      ] as const) {
        if (!isSafeShellValue('relativePath', value)) {
          problems.push(
            renderDiagnostic(BLOCK, 'unsafeValue', M.unsafeValue, {
              field: `modules.${module.name}.${field}`,
              expected: SAFE_PATTERNS.relativePath.describe,
            }),
          );
        }
      }
    }
  }
  // Image names need rendered build contexts; when those have input errors, checkBuildContexts reports them instead.
  const images = hasErrors(checkBuildContexts(ctx)) ? new Map<string, string>() : resolveImages(ctx);
  for (const [name, image] of images) {
    if (!isSafeShellValue('imageRef', image)) {
      problems.push(
        renderDiagnostic(BLOCK, 'unsafeValue', M.unsafeValue, {
          field: `modules.${name}.image`,
          expected: SAFE_PATTERNS.imageRef.describe,
        }),
      );
    }
  }
  if (!DEVICE_OS[ir.target.os]) {
    problems.push(
      renderDiagnostic(BLOCK, 'unsupportedOs', M.unsupportedOs, {
        os: ir.target.os,
        known: Object.keys(DEVICE_OS)
          .map((o) => `'${o}'`)
          .join(', '),
      }),
    );
  }
  if (ir.target.runtime === '1.6' && ir.target.os === 'debian-11') {
    problems.push(renderDiagnostic(BLOCK, 'runtimeDropsOs', M.runtimeDropsOs, { os: ir.target.os, runtime: ir.target.runtime }));
  }
  if (ir.model.source.kind === 'azureml' && !ir.azure.ml)
    problems.push(renderDiagnostic(BLOCK, 'mlWorkspaceMissing', M.mlWorkspaceMissing, undefined));
  const sample = ir.model.samples[0];
  if (sample && !ctx.assets.files.has(sample)) {
    problems.push(renderDiagnostic(BLOCK, 'missingAsset', M.missingAsset, { module: 'scripts/05-test.sh', file: sample }));
  }
  return problems;
}

/** scripts/: lib.sh, 01-06 (mode 755), .env.example and the sample image step 5 posts. */
export function renderScripts(ctx: RenderContext): RenderedFile[] {
  const { ir } = ctx;
  const images = resolveImages(ctx);
  const scripts = [renderStep1(ir), renderStep2(ir), renderStep3(ir, images), renderStep4(ir), renderStep5(ir), renderStep6(ir)];
  const files: RenderedFile[] = [
    { path: 'scripts/lib.sh', content: renderLib(ir), mode: 0o644 },
    ...SCRIPT_FILES.map((f, i) => ({ path: f.path, content: scripts[i]!, mode: 0o755 })),
    { path: 'scripts/.env.example', content: renderEnvExample(ir), mode: 0o644 },
  ];
  const sample = samplePath(ir);
  const bytes = ir.model.samples[0] !== undefined ? ctx.assets.files.get(ir.model.samples[0]) : undefined;
  if (sample && bytes) files.push({ path: `scripts/${sample}`, content: bytes });
  return files;
}
