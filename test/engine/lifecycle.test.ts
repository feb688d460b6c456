import { describe, expect, it } from 'vitest';
import type { Action, SimState } from '../../shared/engine/index.ts';
import { LIMITS, createSimulation, reduce } from '../../shared/engine/index.ts';
import { C, all, cluster, deploy, inject, linuxApp, linuxHost, ok, refused, running, scenario, ticks } from './helpers.ts';

const s = scenario({ hosts: [linuxHost('h1'), linuxHost('h2')], apps: [linuxApp('web', { imageMiB: 10 })], durationS: 60 });
const lobby = (): SimState => ok(createSimulation(s, 7), { type: 'addCluster', clusterId: C });

describe('phases: lobby → running ⇄ paused → debrief → ended', () => {
  it('starts in the lobby where the clock does not run but players can already plan', () => {
    const state = lobby();
    expect(state.phase).toBe('lobby');
    refused(state, { type: 'tick' }, 'not-running', null);
    const planned = ok(state, deploy('web', 'container', 'h1', 'w1'));
    // Planned work starts booting when the clock does: the lobby is second 0.
    expect(cluster(planned).instances.find((i) => i.id === 'w1')!.createdAtS).toBe(0);
    expect(planned.timeS).toBe(0);
  });

  it('starts once, then runs the clock one second per tick', () => {
    const state = ok(lobby(), { type: 'start' });
    expect(state.phase).toBe('running');
    refused(state, { type: 'start' }, 'bad-phase', null);
    expect(ticks(state, 3).timeS).toBe(3);
  });

  it('pauses: no ticks until resumed, while players may still think and act', () => {
    const paused = ok(ticks(running(s), 2), { type: 'pause' });
    expect(paused.phase).toBe('paused');
    refused(paused, { type: 'tick' }, 'not-running', null);
    const acted = ok(paused, deploy('web', 'container', 'h1', 'w2'));
    expect(acted.timeS).toBe(2);
    refused(paused, { type: 'pause' }, 'bad-phase', null);
    const resumed = ok(paused, { type: 'resume' });
    expect(resumed.phase).toBe('running');
    refused(resumed, { type: 'resume' }, 'bad-phase', null);
    expect(ok(resumed, { type: 'tick' }).timeS).toBe(3);
  });

  it('moves to the debrief by itself when the scenario’s time is up', () => {
    const state = ticks(running(s), 60);
    expect(state.phase).toBe('debrief');
    expect(state.timeS).toBe(60);
    refused(state, { type: 'tick' }, 'not-running', null);
    const r = refused(state, deploy('web', 'container', 'h1'), 'not-running', null);
    expect(r.message).toMatch(/debrief/);
  });

  it('steps through the phases with nextPhase and stops at ended', () => {
    let state = lobby();
    const seen: string[] = [state.phase];
    for (let i = 0; i < 3; i++) {
      state = ok(state, { type: 'nextPhase' });
      seen.push(state.phase);
    }
    expect(seen).toEqual(['lobby', 'running', 'debrief', 'ended']);
    refused(state, { type: 'nextPhase' }, 'bad-phase', null);
    expect(ok(ok(running(s), { type: 'pause' }), { type: 'nextPhase' }).phase).toBe('debrief');
  });

  it('ends from any phase but ended, and refuses everything that would change it afterwards', () => {
    for (const from of [lobby(), running(s), ok(running(s), { type: 'pause' }), ticks(running(s), 60)]) {
      const ended = ok(from, { type: 'end' });
      expect(ended.phase).toBe('ended');
      refused(ended, { type: 'end' }, 'bad-phase', null);
      refused(ended, { type: 'tick' }, 'not-running', null);
      refused(ended, { type: 'addCluster', clusterId: 'late' }, 'bad-phase', null);
      refused(ended, inject({ type: 'complianceAudit' }), 'bad-phase', null);
    }
  });
});

describe('clusters: addCluster, lock and kick', () => {
  it('adds clusters in the lobby and while running, in join order', () => {
    let state = ok(lobby(), { type: 'addCluster', clusterId: 'b', name: 'Team B' });
    state = ok(ok(state, { type: 'start' }), { type: 'addCluster', clusterId: '10' });
    expect(state.clusterOrder).toEqual([C, 'b', '10']);
    expect(cluster(state, 'b').name).toBe('Team B');
    expect(cluster(state, '10').name).toBe('10');
  });

  it('gives every cluster its own copy of the scenario’s hosts', () => {
    let state = ok(running(s), { type: 'addCluster', clusterId: 'other' });
    state = ok(state, deploy('web', 'container', 'h1'));
    expect(cluster(state).instances).toHaveLength(1);
    expect(cluster(state, 'other').instances).toHaveLength(0);
  });

  it('refuses a duplicate or badly formed cluster id', () => {
    const state = lobby();
    refused(state, { type: 'addCluster', clusterId: C }, 'cluster-exists', null);
    refused(state, { type: 'addCluster', clusterId: '' }, 'bad-value', null);
    refused(state, { type: 'addCluster', clusterId: 'x'.repeat(65) }, 'bad-value', null);
  });

  it('refuses to add more than the room limit', () => {
    let state = createSimulation(s, 1);
    for (let i = 0; i < LIMITS.clusters; i++) state = reduce(state, { type: 'addCluster', clusterId: `p${i}` }).state;
    expect(state.clusterOrder).toHaveLength(LIMITS.clusters);
    refused(state, { type: 'addCluster', clusterId: 'one-more' }, 'room-full', null);
  });

  it('lets a late joiner share the room clock, having served nothing before it joined', () => {
    const state = ok(ticks(running(s), 10), { type: 'addCluster', clusterId: 'late' });
    expect(cluster(state, 'late').tally.ticks).toBe(10);
    expect(cluster(state, 'late').tally.served).toEqual([0]);
  });

  it('locks the room against joiners and unlocks it again', () => {
    const locked = ok(lobby(), { type: 'lock' });
    expect(locked.locked).toBe(true);
    const r = refused(locked, { type: 'addCluster', clusterId: 'x' }, 'room-locked', null);
    expect(r.message).toMatch(/ask/);
    const open = ok(locked, { type: 'lock', locked: false });
    ok(open, { type: 'addCluster', clusterId: 'x' });
  });

  it('kicks a cluster: its actions are refused and its clock stops', () => {
    let state = ok(ok(running(s), { type: 'addCluster', clusterId: 'other' }), deploy('web', 'container', 'h1'));
    state = ok(state, { type: 'kick', clusterId: C });
    expect(cluster(state).kicked).toBe(true);
    refused(state, deploy('web', 'container', 'h1'), 'cluster-kicked', null);
    expect(ok(state, { type: 'kick', clusterId: C })).toBe(state);
    const later = ticks(state, 5);
    expect(cluster(later).tally).toEqual(cluster(state).tally);
    expect(cluster(later, 'other').tally.ticks).toBe(5);
    refused(state, { type: 'kick', clusterId: 'nobody' }, 'unknown-cluster', null);
  });

  it('refuses player actions for a cluster that does not exist', () => {
    refused(running(s), { type: 'deploy', clusterId: 'ghost', appId: 'web', runtime: 'container', target: 'h1' }, 'unknown-cluster', null);
  });

  it('marks a cluster ready and not ready', () => {
    const state = ok(running(s), { type: 'ready', clusterId: C });
    expect(cluster(state).ready).toBe(true);
    expect(cluster(ok(state, { type: 'ready', clusterId: C, ready: false })).ready).toBe(false);
  });
});

describe('teacher controls: setSpeed and injectEvent', () => {
  it('accepts speeds within bounds and refuses the rest', () => {
    const state = running(s);
    expect(ok(state, { type: 'setSpeed', speed: LIMITS.minSpeed }).speed).toBe(LIMITS.minSpeed);
    expect(ok(state, { type: 'setSpeed', speed: LIMITS.maxSpeed }).speed).toBe(LIMITS.maxSpeed);
    for (const speed of [0, LIMITS.minSpeed / 2, LIMITS.maxSpeed + 1, -1, Number.NaN, Number.POSITIVE_INFINITY, '2' as unknown as number]) {
      refused(state, { type: 'setSpeed', speed }, 'bad-value', null);
    }
  });

  it('queues an injected event and fires it at the next tick, stamped with that second', () => {
    let state = ok(ticks(running(s), 4), inject({ type: 'trafficSpike', appId: 'web', factor: 3, durationS: 10 }));
    expect(state.injected).toHaveLength(1);
    state = ticks(state, 1);
    expect(state.injected).toEqual([]);
    expect(state.fired).toEqual([{ seq: 1, atS: 4, source: 'teacher', event: { atS: 4, type: 'trafficSpike', appId: 'web', factor: 3, durationS: 10 } }]);
    expect(state.effects).toEqual([{ type: 'trafficSpike', appId: 'web', factor: 3, untilS: 14 }]);
    expect(state.demand[0]).toBeGreaterThan(3 * 100 * 0.9);
  });

  it('accepts an injected event while paused, to fire on resume', () => {
    const state = ok(ok(running(s), { type: 'pause' }), inject({ type: 'complianceAudit' }));
    expect(state.injected).toHaveLength(1);
    refused(lobby(), inject({ type: 'complianceAudit' }), 'bad-phase', null);
  });

  it('refuses malformed events with every problem named', () => {
    const state = running(s);
    refused(state, inject({ type: 'trafficSpike', appId: 'nope', factor: 2, durationS: 5 }), 'unknown-app', null);
    refused(state, inject({ type: 'hostFailure', hostId: 'nope' }), 'unknown-host', null);
    const bad = (event: unknown): Action => ({ type: 'injectEvent', event: event as Extract<Action, { type: 'injectEvent' }>['event'] });
    const r = refused(state, bad({ type: 'trafficSpike', appId: 'web', factor: -1, durationS: 0 }), 'bad-value', null);
    expect(r.message).toMatch(/factor/);
    expect(r.message).toMatch(/durationS/);
    refused(state, bad({ type: 'meteorStrike' }), 'bad-value', null);
    refused(state, bad({ type: 'kernelExploit', os: 'plan9' }), 'bad-value', null);
    refused(state, bad({ type: 'complianceAudit', extra: true }), 'bad-value', null);
    refused(state, bad(null), 'bad-value', null);
    refused(state, bad('kernelExploit'), 'bad-value', null);
  });

  it('refuses an unknown action type with a reason instead of throwing', () => {
    const state = running(s);
    refused(state, { type: 'selfDestruct' } as unknown as Action, 'unknown-action', null);
  });
});

describe('limits on what one cluster may hold', () => {
  it('refuses more instances than a cluster may hold', () => {
    const big = scenario({ hosts: [linuxHost('h', { memoryGiB: 4096, cpu: 256 })], apps: [linuxApp('tiny', { memoryMiB: 1, imageMiB: 1 })] });
    let state = running(big);
    for (let i = 0; i < LIMITS.instancesPerCluster; i++) state = ok(state, deploy('tiny', 'container', 'h'));
    refused(state, deploy('tiny', 'container', 'h'), 'too-many-instances', 'capacity');
  });

  it('refuses more VMs than a cluster may hold', () => {
    const big = scenario({ hosts: [linuxHost('h', { memoryGiB: 4096, cpu: 256 })], apps: [linuxApp('tiny')] });
    let state = running(big);
    for (let i = 0; i < LIMITS.vmsPerCluster; i++) state = ok(state, { type: 'createVm', clusterId: C, hostId: 'h', guestOs: 'linux', vcpu: 1, memoryMiB: 1024 });
    refused(state, { type: 'createVm', clusterId: C, hostId: 'h', guestOs: 'linux', vcpu: 1, memoryMiB: 1024 }, 'too-many-vms', 'capacity');
  });
});

describe('ids of things players create', () => {
  it('generates deterministic ids, skipping any taken by hand, and refuses duplicates and bad ids', () => {
    let state = all(running(s), [deploy('web', 'container', 'h1', 'web-2'), deploy('web', 'container', 'h1'), deploy('web', 'container', 'h1')]);
    expect(cluster(state).instances.map((i) => i.id)).toEqual(['web-2', 'web-1', 'web-3']);
    refused(state, deploy('web', 'container', 'h1', 'web-1'), 'duplicate-id', null);
    refused(state, deploy('web', 'container', 'h1', 'no spaces'), 'bad-value', null);
    state = ok(state, { type: 'remove', clusterId: C, instanceId: 'web-1' });
    // A removed instance keeps its id in the record, so it is not reused.
    refused(state, deploy('web', 'container', 'h1', 'web-1'), 'duplicate-id', null);
  });

  it('refuses actions on things that do not exist', () => {
    const state = running(s);
    refused(state, deploy('ghost', 'container', 'h1'), 'unknown-app', null);
    refused(state, deploy('web', 'container', 'h9'), 'unknown-host', null);
    refused(state, { type: 'remove', clusterId: C, instanceId: 'x' }, 'unknown-instance', null);
    refused(state, { type: 'deleteVm', clusterId: C, vmId: 'x' }, 'unknown-vm', null);
    refused(state, { type: 'setLimits', clusterId: C, instanceId: 'x', cpu: 1 }, 'unknown-instance', null);
    refused(state, { type: 'configureHost', clusterId: C, hostId: 'x', platform: 'linux' }, 'unknown-host', null);
  });

  it('refuses a runtime the scenario does not offer', () => {
    const noVm = scenario({ hosts: [linuxHost('h')], apps: [linuxApp('a')], allow: { runtimes: ['container'] } });
    refused(running(noVm), deploy('a', 'vm', 'h'), 'runtime-not-allowed', null);
    refused(running(noVm), deploy('a', 'microvm', 'h'), 'runtime-not-allowed', null);
    refused(running(noVm), { type: 'createVm', clusterId: C, hostId: 'h', guestOs: 'linux', vcpu: 1, memoryMiB: 2048 }, 'runtime-not-allowed', null);
  });
});
