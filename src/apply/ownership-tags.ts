// The tags edgeml puts on what it creates (ARM tags on the resource group, hub and registry; twin tags on the edge
// device), so that `edgeml state recover` can tell its own resources from ones that were there before. Fleet
// deployments need none: their ids (`<fleet id>-<content hash>`) already name them. Apply stage.

export const MANAGED_BY_TAG = 'managed-by';
export const WORKFLOW_TAG = 'edgeml-workflow';

export function ownershipTags(workflow: string): Record<string, string> {
  return { [MANAGED_BY_TAG]: 'edgeml', [WORKFLOW_TAG]: workflow };
}

/** True when `tags` say edgeml created the resource for `workflow`. */
export function isTaggedFor(tags: Readonly<Record<string, unknown>> | undefined, workflow: string): boolean {
  return tags?.[MANAGED_BY_TAG] === 'edgeml' && tags[WORKFLOW_TAG] === workflow;
}
