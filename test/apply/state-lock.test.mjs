// The state lock on its own: exclusive within and across processes, released only by its owner, a dead run's lock
// taken over, another machine's lock always respected.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireStateLock, lockFileFor } from '../../dist/apply/state-lock.js';

function folder() {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-lock-'));
  return { state: join(dir, '.edgeml', 'state', 'wf.json'), dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('one holder at a time; the lock names its owner and is gone after release', () => {
  const f = folder();
  try {
    const first = acquireStateLock(f.state, 'apply', new Date('2026-12-07T10:00:00Z'));
    assert.ok(first.lock);
    const owner = JSON.parse(readFileSync(lockFileFor(f.state), 'utf8'));
    assert.equal(
      { pid: owner.pid, host: owner.host, command: owner.command, startedAt: owner.startedAt },
      { pid: process.pid, host: hostname(), command: 'apply', startedAt: '2026-12-07T10:00:00.000Z' },
    );
    const second = acquireStateLock(f.state, 'destroy');
    assert.is(second.lock, undefined);
    assert.is(second.heldBy.command, 'apply', 'a live holder, even this very process, is respected');
    first.lock.release();
    first.lock.release();
    assert.not.ok(existsSync(lockFileFor(f.state)));
    const third = acquireStateLock(f.state, 'destroy');
    assert.ok(third.lock);
    third.lock.release();
  } finally {
    f.cleanup();
  }
});

test("a dead run's lock on this machine is taken over; another machine's lock is never touched", () => {
  const f = folder();
  try {
    const dead = { user: 'ci', host: hostname(), pid: 2 ** 22 + 41, command: 'apply', startedAt: '2026-01-01T00:00:00.000Z' };
    acquireStateLock(f.state, 'probe').lock.release(); // creates the folder
    writeFileSync(lockFileFor(f.state), JSON.stringify(dead));
    const taken = acquireStateLock(f.state, 'apply');
    assert.ok(taken.lock);
    assert.equal(taken.replaced, dead);
    assert.equal(readdirSync(join(f.dir, '.edgeml', 'state')), ['wf.json.lock'], 'nothing left aside');
    taken.lock.release();

    const remote = { ...dead, host: 'build-agent-7', pid: 1 };
    writeFileSync(lockFileFor(f.state), JSON.stringify(remote));
    const refused = acquireStateLock(f.state, 'apply');
    assert.equal(refused.heldBy, remote);
    assert.equal(JSON.parse(readFileSync(lockFileFor(f.state), 'utf8')), remote);
  } finally {
    f.cleanup();
  }
});

test.run();
