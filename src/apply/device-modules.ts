// The modules edgeml deploys to a device it did not create, and the deployment that removes them again: the device
// keeps its runtime (edgeAgent and edgeHub with their live settings) and runs nothing else. Apply stage (destroy).
import type { ConfigurationContent, TwinProperties } from '../providers/types.js';

type Desired = Record<string, unknown>;

/** The modules (not edgeAgent/edgeHub) a deployment's content runs, sorted. */
export function deployedModuleNames(content: ConfigurationContent): string[] {
  const agent = content.modulesContent?.$edgeAgent?.['properties.desired'] as { modules?: Desired } | undefined;
  return Object.keys(agent?.modules ?? {}).sort();
}

/** The modules a device's $edgeAgent twin asks for now, sorted. */
export function liveModuleNames(agentDesired: TwinProperties): string[] {
  return Object.keys((agentDesired.modules as Desired | undefined) ?? {}).sort();
}

/**
 * A deployment with the device's own system modules and runtime settings, and no modules or routes. Registry
 * credentials go too: with no module left, no private image needs pulling, and secrets should not stay on the device.
 */
export function systemOnlyContent(agentDesired: TwinProperties, hubDesired: TwinProperties | undefined): ConfigurationContent {
  const runtime = (agentDesired.runtime ?? {}) as { type?: string; settings?: Desired };
  const { registryCredentials: _dropped, ...settings } = runtime.settings ?? {};
  const hub = withoutMetadata(hubDesired ?? {});
  return {
    modulesContent: {
      $edgeAgent: {
        'properties.desired': {
          schemaVersion: agentDesired.schemaVersion,
          runtime: { ...runtime, settings },
          systemModules: agentDesired.systemModules,
          modules: {},
        },
      },
      $edgeHub: {
        'properties.desired': {
          ...hub,
          schemaVersion: hub.schemaVersion ?? agentDesired.schemaVersion,
          routes: {},
        },
      },
    },
  };
}

/** Twin properties without the service's `$version` / `$metadata` bookkeeping. */
function withoutMetadata(properties: TwinProperties): Desired {
  return Object.fromEntries(Object.entries(properties).filter(([key]) => !key.startsWith('$')));
}
