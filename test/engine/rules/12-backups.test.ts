import { describe, expect, it } from 'vitest';
import type { Action, SimState } from '../../../shared/engine/index.ts';
import type { PlanAction } from '../../../shared/engine/index.ts';
import { DEFAULT_PHYSICS, POLICIES, buildReport, clusterLoad, computeScore, runScenario } from '../../../shared/engine/index.ts';
import { getScenario } from '../../../shared/scenario/library/index.ts';
import { clusterView, roomStatic } from '../../../shared/views/index.ts';
import { C, all, bareMetal, cluster, createVm, deploy, inject, instance, linuxApp, linuxHost, ok, refused, running, scenario, ticks, vm } from '../helpers.ts';

const P = DEFAULT_PHYSICS;
const s = scenario({
  hosts: [linuxHost('h', { name: 'Linux box' }), bareMetal('metal', { name: 'Rack A' }), linuxHost('h2')],
  apps: [
    linuxApp('db', { name: 'Orders DB', imageMiB: 10, stateful: true, data: 'confidential' }),
    linuxApp('web', { name: 'Front end', imageMiB: 10 }),
    linuxApp('files', { name: 'Uploads', imageMiB: 10, stateful: true }),
  ],
  durationS: 3600,
});

const volume = (instanceId: string, backup: boolean): Action => ({ type: 'attachVolume', clusterId: C, instanceId, backup });
const snapshot = (vmId: string): Action => ({ type: 'snapshotVm', clusterId: C, vmId });
const restore = (vmId: string): Action => ({ type: 'restoreVm', clusterId: C, vmId });
const lose = (state: SimState, appId: string): SimState => ticks(ok(state, inject({ type: 'dataLoss', appId })), 1);
const T = 600;
const up = (state: SimState, id: string, t = state.timeS): boolean => {
  const c = cluster(state);
  return clusterLoad(state, c, t).perf[c.instances.findIndex((i) => i.id === id)]! > 0;
};
const dbIndex = 0;
/** Share of the app's demand served so far, net of work undone by lost data. */
const availability = (state: SimState, appIndex = dbIndex): number => computeScore(state, cluster(state)).apps[appIndex]!.availability;
const lastIncident = (state: SimState) => cluster(state).incidents.at(-1)!;

describe('rule 9: a container’s data survives only on a (backed-up) volume; VM snapshots roll back but are not backups (backups)', () => {
  it('dataLoss on a stateful container app without a volume loses its data for good: a big availability and security cost', () => {
    const placed = ticks(ok(running(s), deploy('db', 'container', 'h', 'db1')), T);
    const state = lose(placed, 'db');
    const incident = cluster(state).incidents.find((i) => i.type === 'dataLoss')!;
    expect(incident.concept).toBe('backups');
    expect(incident.message).toMatch(/writable layer/);
    expect(incident.message).toMatch(/gone for good/);
    expect(incident.message).toMatch(/volume with backups/);
    // Everything it served is undone, and confidential data lost costs its full penalty.
    expect(availability(state)).toBeLessThan(0.01);
    expect(incident.securityPenalty).toBeCloseTo(P.dataLossPenalty.confidential, 6);
    // Rebuilt from its image in moments: it serves again, empty.
    expect(instance(state, 'db1').upAtS).toBeCloseTo(T + P.containerStartS.linux, 9);
    const loss = buildReport(state, C, []).dataLoss[0]!;
    expect(loss).toMatchObject({ atS: T, appId: 'db', cause: 'dataLoss', recovery: 'none', lostS: T });
    // The incident's points include the work undone, not only the security points.
    const points = computeScore(state, cluster(state)).incidents.find((i) => i.seq === incident.seq)!.points;
    expect(points).toBeLessThan(-(P.scoreWeights.security * P.dataLossPenalty.confidential) / 100 / 3);
  });

  it('restores a container on a backed-up volume from the latest backup: a small cost', () => {
    const placed = ticks(all(running(s), [deploy('db', 'container', 'h', 'db1'), volume('db1', true)]), T);
    const state = lose(placed, 'db');
    const lostS = T - Math.floor(T / P.backupIntervalS) * P.backupIntervalS;
    const loss = buildReport(state, C, []).dataLoss[0]!;
    expect(loss).toMatchObject({ recovery: 'backup', lostS });
    expect(lastIncident(state).message).toMatch(/latest backup/);
    expect(lastIncident(state).securityPenalty).toBeCloseTo((P.dataLossPenalty.confidential * lostS) / T, 6);
    expect(availability(state)).toBeGreaterThan(0.5);
    // Down while the volume is restored, then back.
    expect(instance(state, 'db1').upAtS).toBeCloseTo(T + P.volumeRestoreS + P.containerStartS.linux, 9);
    const without = lose(ticks(ok(running(s), deploy('db', 'container', 'h', 'db1')), T), 'db');
    expect(computeScore(state, cluster(state)).total).toBeGreaterThan(computeScore(without, cluster(without)).total + 100);
  });

  it('corrupts a volume without backups too: a volume is not a backup', () => {
    const state = lose(ticks(all(running(s), [deploy('db', 'container', 'h', 'db1'), volume('db1', false)]), T), 'db');
    expect(buildReport(state, C, []).dataLoss[0]).toMatchObject({ recovery: 'none' });
    expect(lastIncident(state).message).toMatch(/a volume is not a backup/);
  });

  it('restores a VM from its snapshot: only what came after is lost', () => {
    const SNAP = 500;
    let state = ticks(ok(running(s), deploy('db', 'vm', 'metal', 'db1')), SNAP);
    state = ticks(ok(state, snapshot('db1-vm')), T - SNAP);
    state = lose(state, 'db');
    const loss = buildReport(state, C, []).dataLoss[0]!;
    expect(loss).toMatchObject({ recovery: 'snapshot', lostS: T - SNAP });
    expect(lastIncident(state).message).toMatch(/rolled back to its snapshot of second 500/);
    expect(vm(state, 'db1-vm').upAtS).toBeCloseTo(T + P.vmRestoreS, 9);
    // Most of what it served stands.
    expect(availability(state)).toBeGreaterThan(0.7);
    expect(cluster(state).counts.snapshotsRestored).toBe(1);
  });

  it('rolls the whole VM back: the other stateful apps in it lose what came after the snapshot too', () => {
    let state = ticks(all(running(s), [createVm('pool', 'metal', 'linux', 4096), deploy('db', 'container', 'pool', 'db1'), deploy('files', 'container', 'pool', 'f1')]), 300);
    state = lose(ticks(ok(state, snapshot('pool')), T - 300), 'db');
    const losses = buildReport(state, C, []).dataLoss;
    expect(losses.map((l) => l.appId).sort()).toEqual(['db', 'files']);
    expect(lastIncident(state).message).toMatch(/the whole VM went back, so Uploads lost that too/);
  });

  it('restoreVm rolls a VM back to its latest snapshot: brief downtime, data as of the snapshot', () => {
    let state = ticks(ok(running(s), deploy('db', 'vm', 'metal', 'db1')), 300);
    state = ticks(ok(state, snapshot('db1')), T - 300);
    state = ok(state, restore('db1'));
    expect(up(state, 'db1')).toBe(false);
    expect(instance(state, 'db1').upAtS).toBeCloseTo(T + P.vmRestoreS + P.containerStartS.linux, 9);
    expect(lastIncident(state)).toMatchObject({ type: 'vmRestore', concept: 'backups', securityPenalty: 0 });
    expect(buildReport(state, C, []).dataLoss[0]).toMatchObject({ cause: 'vmRestore', recovery: 'snapshot', lostS: T - 300 });
    expect(up(ticks(state, P.vmRestoreS + 1), 'db1')).toBe(true);
  });

  it('refuses to restore a VM without a snapshot, and to snapshot a container', () => {
    const placed = ticks(all(running(s), [deploy('db', 'vm', 'metal', 'db1'), deploy('db', 'container', 'h', 'c1')]), 100);
    const r = refused(placed, restore('db1-vm'), 'no-snapshot', 'backups');
    expect(r.message).toMatch(/^The VM for Orders DB has no snapshot/);
    refused(placed, snapshot('c1'), 'not-a-vm', 'backups');
    refused(placed, snapshot('nope'), 'unknown-vm', null);
  });

  it('a host failure takes a VM’s snapshots with it: a snapshot is not a backup', () => {
    let state = ticks(ok(running(s), deploy('db', 'vm', 'metal', 'db1')), 300);
    state = ticks(all(state, [snapshot('db1'), snapshot('db1')]), T - 300);
    state = ticks(ok(state, inject({ type: 'hostFailure', hostId: 'metal' })), 1);
    const c = cluster(state);
    expect(c.snapshots).toEqual([]);
    expect(c.counts.snapshotsLost).toBe(2);
    const notice = c.incidents.findLast((i) => i.type === 'hostFailure' && i.concept === 'backups')!;
    expect(notice.message).toMatch(/2 snapshots of the VM for Orders DB were kept beside its disk on that host, so they went down with it.*: a snapshot is not a backup/);
    expect(notice.securityPenalty).toBeGreaterThan(0);
    expect(buildReport(state, C, []).dataLoss[0]).toMatchObject({ cause: 'hostFailure', recovery: 'none' });
    expect(buildReport(state, C, []).snapshots).toEqual({ taken: 2, restored: 0, lostWithHost: 2, kept: 0 });
  });

  it('keeps a volume’s data through a host failure: volumes are network storage', () => {
    const state = ticks(ok(ticks(all(running(s), [deploy('db', 'container', 'h', 'db1'), volume('db1', true)]), T), inject({ type: 'hostFailure', hostId: 'h' })), 1);
    expect(cluster(state).dataLosses).toEqual([]);
    expect(cluster(state).incidents.at(-1)!.message).toMatch(/kept its data on a volume \(network storage\), which survived/);
  });

  it('snapshots cost storage for as long as they are kept, and a VM keeps only the latest few', () => {
    const HOUR = 3600;
    let state = ok(running(s), deploy('db', 'vm', 'metal', 'db1'));
    state = ticks(ok(state, snapshot('db1')), 360);
    const report = buildReport(state, C, []);
    expect(report.cost.storage).toBeCloseTo((P.snapshotCostPerHour * 360) / HOUR, 2);
    expect(computeScore(state, cluster(state)).spend).toBeCloseTo(cluster(state).tally.spend.hosts + (P.snapshotCostPerHour * 360) / HOUR, 9);
    for (let k = 0; k < P.snapshotsPerVm + 2; k++) state = ticks(ok(state, snapshot('db1')), 1);
    expect(cluster(state).snapshots).toHaveLength(P.snapshotsPerVm);
    // Deleting the VM ends its snapshots' bill, booked to the second.
    const gone = ok(state, { type: 'remove', clusterId: C, instanceId: 'db1' });
    const spent = computeScore(gone, cluster(gone)).spend - cluster(gone).tally.spend.hosts;
    const later = ticks(gone, 100);
    expect(cluster(later).snapshots).toEqual([]);
    expect(computeScore(later, cluster(later)).spend - cluster(later).tally.spend.hosts).toBeCloseTo(spent, 9);
  });

  it('backed-up volumes cost more storage than bare ones', () => {
    const bare = ticks(all(running(s), [deploy('db', 'container', 'h', 'db1'), volume('db1', false)]), 600);
    const backed = ticks(all(running(s), [deploy('db', 'container', 'h', 'db1'), volume('db1', true)]), 600);
    expect(buildReport(bare, C, []).cost.storage).toBeCloseTo((P.volumeCostPerHour * 600) / 3600, 2);
    expect(buildReport(backed, C, []).cost.storage).toBeCloseTo(((P.volumeCostPerHour + P.backupCostPerHour) * 600) / 3600, 2);
  });

  it('fixes a stateless app’s bad update by redeploying: a small cost, nothing lost', () => {
    const placed = ticks(ok(running(s), deploy('web', 'container', 'h', 'w1')), T);
    const state = lose(placed, 'web');
    expect(lastIncident(state)).toMatchObject({ type: 'dataLoss', concept: 'backups', securityPenalty: 0 });
    expect(lastIncident(state).message).toMatch(/keeps no data/);
    expect(cluster(state).dataLosses).toEqual([]);
    expect(instance(state, 'w1').upAtS).toBeCloseTo(T + P.containerStartS.linux, 9);
  });

  it('refuses a volume for a VM (its data is on its own disk) and for a stateless app', () => {
    const placed = ticks(all(running(s), [deploy('db', 'vm', 'metal', 'db1'), deploy('web', 'container', 'h', 'w1')]), 100);
    const vmRefusal = refused(placed, volume('db1', true), 'vm-has-disk', 'backups');
    expect(vmRefusal.message).toMatch(/not a backup/);
    refused(placed, volume('w1', true), 'stateless-app', 'backups');
    refused(placed, volume('nope', true), 'unknown-instance', null);
  });

  it('shows the board its snapshots, volumes and latest backups, and which apps keep data', () => {
    let state = all(running(s), [deploy('db', 'vm', 'metal', 'db1'), deploy('db', 'container', 'h', 'c1'), volume('c1', true), deploy('files', 'container', 'h', 'f1'), volume('f1', false)]);
    state = ticks(ok(ticks(state, 100), snapshot('db1')), P.backupIntervalS);
    const view = clusterView(state, cluster(state));
    expect(view.vms.find((v) => v.id === 'db1-vm')!.snapshots).toEqual([100]);
    expect(view.instances.find((i) => i.id === 'c1')!.volume).toEqual({ backup: true, lastBackupAtS: P.backupIntervalS });
    expect(view.instances.find((i) => i.id === 'f1')!.volume).toEqual({ backup: false, lastBackupAtS: null });
    expect(view.instances.find((i) => i.id === 'db1')!.volume).toBeNull();
    expect(view.migrations).toBe(0);
    expect(roomStatic('ABCDEF', 'solo', state).scenario.apps.map((a) => a.stateful)).toEqual([true, false, true]);
  });

  it('restarts a running container once to mount a new volume, and not at all when it is attached at deploy', () => {
    const atDeploy = all(running(s), [deploy('db', 'container', 'h', 'db1'), volume('db1', true)]);
    const fresh = all(running(s), [deploy('db', 'container', 'h', 'db1')]);
    expect(instance(atDeploy, 'db1').upAtS).toBe(instance(fresh, 'db1').upAtS);
    const running1 = ok(ticks(fresh, 100), volume('db1', true));
    expect(instance(running1, 'db1').upAtS).toBeCloseTo(100 + P.containerStartS.linux, 9);
  });
});

describe('the backups scenario teaches its trade-off', () => {
  const scenarioOf = getScenario('backups')!;
  const total = (source: Parameters<typeof runScenario>[2], seed: number) => {
    const run = runScenario(scenarioOf, seed, source);
    return buildReport(run.state, run.clusterId, run.rejections).score.total;
  };
  // Stateless work in containers; state on backed-up volumes; the ledger in a Windows VM with an engine, its data on a volume too.
  const sensible: PlanAction[] = [
    { atS: 0, type: 'deploy', id: 'web-a', appId: 'web', runtime: 'container', target: 'linux-1' },
    { atS: 0, type: 'deploy', id: 'web-b', appId: 'web', runtime: 'container', target: 'linux-2' },
    { atS: 0, type: 'deploy', id: 'web-c', appId: 'web', runtime: 'container', target: 'linux-2' },
    { atS: 0, type: 'deploy', id: 'orders-a', appId: 'orders', runtime: 'container', target: 'linux-2' },
    { atS: 0, type: 'attachVolume', instanceId: 'orders-a', backup: true },
    { atS: 0, type: 'deploy', id: 'uploads-a', appId: 'uploads', runtime: 'container', target: 'linux-1' },
    { atS: 0, type: 'deploy', id: 'uploads-b', appId: 'uploads', runtime: 'container', target: 'linux-2' },
    { atS: 0, type: 'attachVolume', instanceId: 'uploads-a', backup: true },
    { atS: 0, type: 'attachVolume', instanceId: 'uploads-b', backup: true },
    { atS: 0, type: 'createVm', id: 'win', hostId: 'hv-1', guestOs: 'windows', vcpu: 2, memoryMiB: 6656, containerEngine: true },
    { atS: 0, type: 'deploy', id: 'ledger-a', appId: 'ledger', runtime: 'container', target: 'win' },
    { atS: 0, type: 'attachVolume', instanceId: 'ledger-a', backup: true },
    { atS: 960, type: 'deploy', id: 'web-d', appId: 'web', runtime: 'container', target: 'linux-2' },
  ];

  it.each([1, 7, 2026])('greedy and a sensible plan (volumes with backups) beat all-container, which keeps data in writable layers (seed %i)', (seed) => {
    const [vm, container, greedy] = POLICIES.map((p) => total({ policy: p }, seed));
    const plan = total({ plan: sensible }, seed);
    expect(greedy).toBeGreaterThan(container!);
    expect(plan).toBeGreaterThan(container!);
    expect(plan).toBeGreaterThan(vm!);
  });
});
