// `edgeml rollout <spec>` (CLI stage): apply for a fleet whose spec has azure.fleet.rollout, ring by ring with health
// gates; the same options as apply. A spec without rollout rings is an error, so a pipeline that means "roll out
// carefully" never deploys everywhere at once by mistake.
import type { CliIO } from '../io.js';
import apply, { type ApplyOptions } from './apply.js';

export default async function rollout(args: string[], options: ApplyOptions, io: CliIO): Promise<number> {
  return apply(args, { ...options, requireRollout: true }, io);
}
