// Build step: records the exact versions of edgeml's dependencies (from package-lock.json, else node_modules) in
// dist/package-versions.json. Compile pins the generated modules' package.json to these: the versions edgeml was
// built and tested with, also in a published install, which has no lock file. It also spares each compile from
// parsing the lock file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPackageVersions, PACKAGE_VERSIONS_FILE } from '../dist/emit/load-render-assets.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const versions = Object.fromEntries(loadPackageVersions(root, { pinned: false }));
writeFileSync(join(root, ...PACKAGE_VERSIONS_FILE), JSON.stringify(versions, null, 2) + '\n');
