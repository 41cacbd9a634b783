// Deployment manifest renderer (render stage): IR → deployment.json (one device) or deployment.fleet.json (an IoT
// Hub configuration), validated against the official schemas and IoT Hub limits before anything is written.
import type { Diagnostic } from '../../diagnostics/types.js';
import { Reporter, bindMessages, type At } from '../../diagnostics/report.js';
import type { SpecPath, WorkflowIR } from '../../ir/types.js';
import { manifestMessages } from '../../diagnostics/codes/render.js';
import type { RenderContext, RenderedFile } from '../types.js';
import { resolveImages } from '../docker/images.js';
import { stableJson } from '../stable-json.js';
import { renderEdgeAgentDesired } from './edge-agent.js';
import { renderEdgeHubDesired } from './edge-hub.js';
import { renderFleetConfiguration, type FleetConfiguration, type ModulesContent } from './fleet.js';
import { isValidSecretName, listManifestSecrets } from './secrets.js';
import { validateModulesContent, type ManifestProblem } from './validate-manifest.js';

export const DEVICE_MANIFEST_FILE = 'deployment.json';
export const FLEET_MANIFEST_FILE = 'deployment.fleet.json';

/** The deployment as apply sends it (typed, secrets still `${NAME}` references): what the manifest file holds. */
export interface RenderedDeployment {
  content: { modulesContent: ModulesContent };
  /** Fleet only: the configuration id, `<base id>-<content hash>`. */
  configurationId?: string;
}

export interface ManifestRenderResult {
  files: RenderedFile[];
  diagnostics: Diagnostic[];
  deployment: RenderedDeployment;
  /** Full modulesContent with `${NAME}` secret placeholders, for apply (single device) and plan. */
  modulesContent: ModulesContent;
  /** The IoT Hub configuration body, for fleet targets. */
  fleetConfiguration?: FleetConfiguration;
}

/** Module twins: one `properties.desired` section per module that has twin settings. */
function renderModuleTwins(ctx: RenderContext): ModulesContent {
  const twins: ModulesContent = {};
  for (const module of ctx.ir.modules) {
    if (module.twin !== undefined) twins[module.name] = { 'properties.desired': module.twin };
  }
  return twins;
}

/** Finds a spec location for a spec path (the loader's SpecDocument.locate); renderers never see YAML themselves. */
export type SpecLocator = (path: SpecPath) => At | undefined;

/**
 * Renders the manifest for `ctx`. `images` maps module name → image reference; by default it comes from
 * resolveImages, the one function that names images, so manifests and build scripts always agree. With `locate`,
 * diagnostics point at the spec line that produced the problem.
 */
export function renderManifest(
  ctx: RenderContext,
  images: ReadonlyMap<string, string> = resolveImages(ctx),
  locate: SpecLocator = () => undefined,
): ManifestRenderResult {
  const { ir } = ctx;
  const reporter = new Reporter(ir.specFile);
  const report = bindMessages(reporter, 'manifest', manifestMessages);
  const moduleAt = (name: string, ...rest: string[]) => {
    const module = ir.modules.find((m) => m.name === name);
    return locate(module ? [...module.path, ...rest] : ['modules']);
  };

  for (const secret of listManifestSecrets(ir)) {
    if (!isValidSecretName(secret.env)) report.invalidSecretName({ where: secret.where, name: secret.env }, locate(secret.path));
  }

  const modulesContent: ModulesContent = {
    $edgeAgent: {
      'properties.desired': renderEdgeAgentDesired(ir, images, (p) => report.createOptionsTooLarge(p, moduleAt(p.module, 'createOptions'))),
    },
    $edgeHub: {
      'properties.desired': renderEdgeHubDesired(ir, (p) =>
        report.routeDoesNotParse(p, locate(ir.routes.find((r) => r.name === p.route)?.path ?? ['routes'])),
      ),
    },
    ...renderModuleTwins(ctx),
  };

  for (const problem of validateModulesContent(modulesContent)) reportProblem(report, problem, locateProblem(ir, problem, locate));

  const deployment = ir.azure.deployment;
  if (deployment.kind === 'fleet') {
    const fleetConfiguration = renderFleetConfiguration(deployment, modulesContent);
    return {
      files: [{ path: FLEET_MANIFEST_FILE, content: stableJson(fleetConfiguration) }],
      diagnostics: reporter.diagnostics,
      deployment: { content: fleetConfiguration.content, configurationId: fleetConfiguration.id },
      modulesContent,
      fleetConfiguration,
    };
  }
  return {
    files: [{ path: DEVICE_MANIFEST_FILE, content: stableJson({ modulesContent }) }],
    diagnostics: reporter.diagnostics,
    deployment: { content: { modulesContent } },
    modulesContent,
  };
}

/** The spec location behind a manifest problem: the module or route it concerns, else the section. */
function locateProblem(ir: WorkflowIR, problem: ManifestProblem, locate: SpecLocator): At | undefined {
  const modulePath = (name: string) => ir.modules.find((m) => m.name === name)?.path;
  switch (problem.kind) {
    case 'schema': {
      const parts = problem.pointer.split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
      const moduleName = parts[1] === '$edgeAgent' && parts[3] === 'modules' ? parts[4] : parts[1]?.startsWith('$') ? undefined : parts[1];
      if (moduleName && modulePath(moduleName)) return locate(modulePath(moduleName)!);
      const route = parts[1] === '$edgeHub' && parts[3] === 'routes' ? ir.routes.find((r) => r.name === parts[4]) : undefined;
      return route ? locate(route.path) : undefined;
    }
    case 'desired-too-large': {
      const path = modulePath(problem.twin);
      return locate(path ? [...path, 'twin'] : problem.twin === '$edgeHub' ? ['routes'] : ['modules']);
    }
    case 'too-many-modules':
      return locate(['modules']);
    case 'twin-array':
    case 'twin-rule': {
      const path = modulePath(problem.module);
      return path ? locate([...path, 'twin']) : undefined;
    }
  }
}

function reportProblem(
  report: ReturnType<typeof bindMessages<typeof manifestMessages>>,
  problem: ManifestProblem,
  at: At | undefined,
): void {
  switch (problem.kind) {
    case 'schema':
      report.manifestSchemaViolation(problem, at);
      break;
    case 'desired-too-large':
      report.desiredPropertiesTooLarge(problem, at);
      break;
    case 'too-many-modules':
      report.tooManyModules(problem, at);
      break;
    case 'twin-array':
      report.twinArray(problem, at);
      break;
    case 'twin-rule':
      report.twinRule(problem, at);
      break;
  }
}
