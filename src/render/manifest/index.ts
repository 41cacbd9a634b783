// Deployment manifest renderer (render stage): IR → deployment.json (one device) or deployment.fleet.json (an IoT
// Hub configuration), validated against the official schemas and IoT Hub limits before anything is written.
import type { Diagnostic } from '../../diagnostics/types.js';
import { Reporter, bindMessages } from '../../diagnostics/report.js';
import { manifestMessages } from '../../diagnostics/codes/render.js';
import type { RenderContext, RenderedFile } from '../types.js';
import { resolveImages } from '../docker/images.js';
import { stableJson } from '../stable-json.js';
import { renderEdgeAgentDesired } from './edge-agent.js';
import { renderEdgeHubDesired } from './edge-hub.js';
import { renderFleetConfiguration, type ModulesContent } from './fleet.js';
import { isValidSecretName, listManifestSecrets } from './secrets.js';
import { validateModulesContent, type ManifestProblem } from './validate-manifest.js';

export const DEVICE_MANIFEST_FILE = 'deployment.json';
export const FLEET_MANIFEST_FILE = 'deployment.fleet.json';

export interface ManifestRenderResult {
  files: RenderedFile[];
  diagnostics: Diagnostic[];
  /** Full modulesContent with `${NAME}` secret placeholders, for apply (single device) and plan. */
  modulesContent: ModulesContent;
  /** The IoT Hub configuration body, for fleet targets. */
  fleetConfiguration?: Record<string, unknown>;
}

/** Module twins: one `properties.desired` section per module that has twin settings. */
function renderModuleTwins(ctx: RenderContext): ModulesContent {
  const twins: ModulesContent = {};
  for (const module of ctx.ir.modules) {
    if (module.twin !== undefined) twins[module.name] = { 'properties.desired': module.twin };
  }
  return twins;
}

/**
 * Renders the manifest for `ctx`. `images` maps module name → image reference; by default it comes from
 * resolveImages, the one function that names images, so manifests and build scripts always agree.
 */
export function renderManifest(ctx: RenderContext, images: ReadonlyMap<string, string> = resolveImages(ctx)): ManifestRenderResult {
  const { ir } = ctx;
  const reporter = new Reporter(ir.specFile);
  const report = bindMessages(reporter, 'manifest', manifestMessages);

  for (const secret of listManifestSecrets(ir)) {
    if (!isValidSecretName(secret.env)) report.invalidSecretName({ where: secret.where, name: secret.env });
  }

  const modulesContent: ModulesContent = {
    $edgeAgent: { 'properties.desired': renderEdgeAgentDesired(ir, images, (p) => report.createOptionsTooLarge(p)) },
    $edgeHub: { 'properties.desired': renderEdgeHubDesired(ir, (p) => report.routeDoesNotParse(p)) },
    ...renderModuleTwins(ctx),
  };

  for (const problem of validateModulesContent(modulesContent)) reportProblem(report, problem);

  const deployment = ir.azure.deployment;
  if (deployment.kind === 'fleet') {
    const fleetConfiguration = renderFleetConfiguration(deployment, modulesContent);
    return {
      files: [{ path: FLEET_MANIFEST_FILE, content: stableJson(fleetConfiguration) }],
      diagnostics: reporter.diagnostics,
      modulesContent,
      fleetConfiguration,
    };
  }
  return {
    files: [{ path: DEVICE_MANIFEST_FILE, content: stableJson({ modulesContent }) }],
    diagnostics: reporter.diagnostics,
    modulesContent,
  };
}

function reportProblem(report: ReturnType<typeof bindMessages<typeof manifestMessages>>, problem: ManifestProblem): void {
  switch (problem.kind) {
    case 'schema':
      report.manifestSchemaViolation(problem);
      break;
    case 'desired-too-large':
      report.desiredPropertiesTooLarge(problem);
      break;
    case 'too-many-modules':
      report.tooManyModules(problem);
      break;
    case 'twin-array':
      report.twinArray(problem);
      break;
    case 'twin-rule':
      report.twinRule(problem);
      break;
  }
}
