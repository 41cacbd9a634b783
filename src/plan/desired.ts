// What edgeml wants deployed, as plan and apply consume it: the rendered deployment content (secrets still as
// `${NAME}` references), its content hash, the Azure settings from the IR and the images to build. Plan stage.
import type { AzureIR, Platform } from '../ir/types.js';
import type { ConfigurationContent } from '../providers/types.js';

/** A build context: files by path relative to the context root (from the renderer), or a folder on disk. */
export type BuildContext = { kind: 'files'; files: ReadonlyMap<string, string | Uint8Array> } | { kind: 'folder'; path: string };

export interface DesiredImage {
  module: string;
  /** Full reference the manifest uses, e.g. 'myacr.azurecr.io/detector:0.1.0-amd64'. */
  ref: string;
  platform: Platform;
  /** Absent for prebuilt images, which are used as they are. */
  build?: { context: BuildContext; dockerfile: string };
}

export interface DesiredDeployment {
  workflow: string;
  azure: AzureIR;
  platform: Platform;
  /**
   * The content compile renders, with secret references (`${NAME}`) unresolved: deployment.json's modulesContent
   * for one device, the configuration's content (layered form when layered) for a fleet.
   */
  content: ConfigurationContent;
  /** Hash of the rendered content (render/manifest/content-hash.ts), recorded in the state. */
  contentHash: string;
  /** Fleet only: the configuration id compile rendered, `<base id>-<content hash>`. */
  configurationId?: string;
  images: DesiredImage[];
}
