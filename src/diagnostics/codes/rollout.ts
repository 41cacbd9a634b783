// Message catalogue for ring rollouts, rollback and history (codes EML6400–6499). Apply stage.
import { defineMessages } from '../types.js';

export const rolloutMessages = defineMessages({
  gateFailedRolledBack: {
    code: 'EML6401',
    category: 'error',
    text: (d: { revision: number; ring: string; reason: string; previous: string }) =>
      `Rollout of revision ${d.revision} stopped at ring '${d.ring}': ${d.reason}. It was rolled back: the devices run ${d.previous} again.`,
    hint: () => 'See `edgeml status` for the failing modules and `edgeml history` for the revisions; fix the spec and apply again.',
  },
  gateFailedHalted: {
    code: 'EML6402',
    category: 'error',
    text: (d: { revision: number; ring: string; reason: string }) =>
      `Rollout of revision ${d.revision} halted at ring '${d.ring}': ${d.reason}. The rings reached keep the new deployment.`,
    hint: () =>
      'Fix the devices and run apply again to re-judge the ring, or run `edgeml rollback` to return every device to the last good revision.',
  },
  otherRolloutInProgress: {
    code: 'EML6403',
    category: 'error',
    text: (d: { revision: number; configuration: string }) =>
      `Revision ${d.revision} (deployment ${d.configuration}) is still rolling out, from another version of the spec.`,
    hint: () => 'Apply the spec that started it to finish it, or run `edgeml rollback` first; then apply this one.',
  },
  historyUnreadable: {
    code: 'EML6404',
    category: 'error',
    text: (d: { file: string; reason: string }) => `The rollout history '${d.file}' cannot be read: ${d.reason}.`,
    hint: () =>
      'Restore the file from a backup; without it edgeml cannot roll back to earlier revisions (the live deployments are untouched).',
  },
  noRevisionToRollBackTo: {
    code: 'EML6405',
    category: 'error',
    text: (d: { reason: string }) => `There is no revision to roll back to: ${d.reason}.`,
    hint: () => 'Run `edgeml history` to list the revisions; name one with --to.',
  },
  unknownRevision: {
    code: 'EML6406',
    category: 'error',
    text: (d: { revision: string; known: string }) => `There is no revision '${d.revision}' in the history (known: ${d.known}).`,
    hint: () => 'Run `edgeml history` and pass one of its revision numbers to --to.',
  },
  rollbackNotApplied: {
    code: 'EML6407',
    category: 'error',
    text: (d: { configuration: string; applied: number; targeted: number; seconds: number }) =>
      `The rollback deployment ${d.configuration} reached ${d.applied} of ${d.targeted} devices within ${d.seconds}s; the newer deployments were kept so no device is left without one.`,
    hint: () => 'Run rollback again when the devices are online; it continues where it stopped.',
  },
  notAFleetRollout: {
    code: 'EML6408',
    category: 'error',
    text: (d: { command: string }) => `edgeml ${d.command} needs azure.fleet.rollout in the spec.`,
    hint: () => 'Add azure.fleet.rollout with rings (see the README, "Fleet rollouts"), or use `edgeml apply`.',
  },
  firstRolloutHalted: {
    code: 'EML6409',
    category: 'error',
    text: (d: { ring: string; reason: string }) =>
      `The first rollout stopped at ring '${d.ring}': ${d.reason}. There is no earlier deployment to return to, so the rings reached keep it.`,
    hint: () => 'Fix the devices or the spec and apply again.',
  },
  ringBelowGate: {
    code: 'EML6410',
    category: 'warning',
    text: (d: { ring: string; devices: number; needed: number }) =>
      `Ring '${d.ring}' reaches ${d.devices} device${d.devices === 1 ? '' : 's'} now, fewer than its gate's minDevices (${d.needed}): the gate can only fail.`,
    hint: () => 'Widen the ring (percent or condition) or lower gate.minDevices.',
  },
});

export type RolloutMessageId = keyof typeof rolloutMessages;
