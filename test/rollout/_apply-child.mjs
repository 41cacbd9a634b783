// Runs one apply with a rollout in its own process, so a test can kill it with SIGKILL mid-rollout.
// argv[2]: JSON { az: { armUrl, authorityHost, subscriptionId }, statePath, version, env }.
import { runApply } from '../../dist/apply/apply.js';
import { createProgress } from '../../dist/apply/progress.js';
import { makeProviders } from '../apply/_scenario.mjs';
import { desiredVersion, threeRings } from './_fleet.mjs';

const args = JSON.parse(process.argv[2]);
Object.assign(process.env, args.env);
const desired = desiredVersion(args.version, threeRings({ waitSeconds: 30 }));
const outcome = await runApply({
  desired,
  providers: makeProviders(args.az, desired.azure),
  docker: async () => {
    throw new Error('no docker');
  },
  statePath: args.statePath,
  env: args.env,
  progress: createProgress(process.stdout),
  stdout: process.stdout,
  timeoutMs: 60_000,
  pollIntervalMs: 20,
});
process.stdout.write(`outcome ${outcome.ok}\n`);
