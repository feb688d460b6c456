import type { App, ClusterState, Created, DataLoss, DataRecovery, InstanceState, Rejection, Snapshot, SimState, VmState, Volume } from './types.ts';
import type { Physics } from './physics.ts';
import { draft, withIncident, type Draft } from './incidents.ts';
import { fmtS, reject } from './rejection.ts';
import { findApp, findHost, findInstance, findVm, instanceStartS } from './topology.ts';
import { appName, appNames, hostName, listOf, vmName } from './names.ts';

/**
 * Rule 9's data half. A container is rebuilt from its image in seconds, but whatever it wrote into
 * its writable layer goes with the old one: data that must last lives on a volume, and a volume is
 * not a backup until it is copied elsewhere (DOMAIN.md [41]). A VM snapshot is a point-in-time image
 * of the whole machine (OS, binaries, data) to roll back to, but it lives on the host's storage with
 * the VM's disk, so it is not a backup either ([40]).
 *
 * Volumes are network storage: they follow a container that is recreated elsewhere and survive a
 * host failure. A VM's disk and its snapshots are on its host.
 */

type Outcome = { cluster: ClusterState; created?: Created } | { rejection: Rejection };

/** A VM by its id, or the dedicated VM of a `deploy {runtime: vm}` instance named by the instance's id. */
export function resolveVm(cluster: ClusterState, id: string): VmState | undefined {
  const vm = findVm(cluster, id);
  if (vm) return vm;
  const inst = findInstance(cluster, id);
  return inst && inst.runtime === 'vm' && inst.vmId ? findVm(cluster, inst.vmId) : undefined;
}

export const isSnapshotOf = (s: Snapshot, vm: VmState): boolean => s.vmId === vm.id && s.vmCreatedAtS === vm.createdAtS;
export const latestSnapshot = (cluster: ClusterState, vm: VmState): Snapshot | undefined => cluster.snapshots.findLast((s) => isSnapshotOf(s, vm));
export const volumeOf = (cluster: ClusterState, instanceId: string): Volume | undefined => cluster.volumes.find((v) => v.instanceId === instanceId);

/** The second of a backed-up volume's latest copy at `t`: one every backupIntervalS, the first when backups were switched on. */
export function lastBackupAtS(physics: Physics, volume: Volume, t: number): number {
  const every = physics.backupIntervalS;
  return volume.backupSinceS + Math.floor(Math.max(0, t - volume.backupSinceS) / every) * every;
}

const perSecond = (perHour: number): number => perHour / 3600;
const volumeRate = (physics: Physics, v: Volume): number => perSecond(physics.volumeCostPerHour + (v.backup ? physics.backupCostPerHour : 0));

/** Storage spend so far: what is booked, plus every kept snapshot and volume billed up to `t`. */
export function storageSpend(state: SimState, cluster: ClusterState, t = state.timeS): number {
  const { physics } = state;
  let spend = cluster.tally.storage;
  for (const s of cluster.snapshots) spend += perSecond(physics.snapshotCostPerHour) * Math.max(0, t - s.atS);
  for (const v of cluster.volumes) spend += volumeRate(physics, v) * Math.max(0, t - v.billedFromS);
  return spend;
}

function book(cluster: ClusterState, amount: number): ClusterState {
  return amount > 0 ? { ...cluster, tally: { ...cluster.tally, storage: cluster.tally.storage + amount } } : cluster;
}

/** Drops snapshots (booking what they cost until `t`). */
function dropSnapshots(state: SimState, cluster: ClusterState, gone: (s: Snapshot) => boolean, t: number): ClusterState {
  if (!cluster.snapshots.some(gone)) return cluster;
  let cost = 0;
  const kept: Snapshot[] = [];
  for (const s of cluster.snapshots) {
    if (gone(s)) cost += perSecond(state.physics.snapshotCostPerHour) * Math.max(0, t - s.atS);
    else kept.push(s);
  }
  return book({ ...cluster, snapshots: kept }, cost);
}

/** Drops volumes (booking what they cost until `t`). */
function dropVolumes(state: SimState, cluster: ClusterState, gone: (v: Volume) => boolean, t: number): ClusterState {
  if (!cluster.volumes.some(gone)) return cluster;
  let cost = 0;
  const kept: Volume[] = [];
  for (const v of cluster.volumes) {
    if (gone(v)) cost += volumeRate(state.physics, v) * Math.max(0, t - v.billedFromS);
    else kept.push(v);
  }
  return book({ ...cluster, volumes: kept }, cost);
}

// Which (vms, instances) pairs have been checked already: most ticks change neither.
const settled = new WeakMap<ClusterState['vms'], ClusterState['instances']>();

/**
 * Ends the snapshots of VMs and the volumes of instances that are gone (deleted, removed), booking
 * their storage up to `t`. Runs at the start of each second, so a delete made at second t, before
 * its tick, is billed to exactly t, as score.ts bills it until then.
 */
export function settleStorage(state: SimState, cluster: ClusterState, t: number): ClusterState {
  if (cluster.snapshots.length === 0 && cluster.volumes.length === 0) return cluster;
  if (settled.get(cluster.vms) === cluster.instances) return cluster;
  const vms = new Map(cluster.vms.map((vm) => [vm.id, vm]));
  const instances = new Set(cluster.instances.map((i) => i.id));
  let next = dropSnapshots(state, cluster, (s) => {
    const vm = vms.get(s.vmId);
    return !vm || !isSnapshotOf(s, vm);
  }, t);
  next = dropVolumes(state, next, (v) => !instances.has(v.instanceId), t);
  settled.set(next.vms, next.instances);
  return next;
}

const unknownVm = (id: string): Rejection => reject('unknown-vm', null, `There is no VM "${id}" in this cluster.`);

/** A snapshot or restore asked of a container or microVM: what keeps its data instead. */
function notAVm(state: SimState, inst: InstanceState): Rejection {
  const kind = inst.runtime === 'microvm' ? 'a microVM' : 'a container';
  return reject(
    'not-a-vm',
    'backups',
    `${inst.id} (${appName(state.scenario, inst.appId)}) is ${kind}, not a VM. It is rebuilt from its image in seconds, so there is nothing of it to snapshot but its data: keep that on a volume with backups (attachVolume).`,
  );
}

export function snapshotVm(state: SimState, cluster: ClusterState, vmId: string): Outcome {
  const t = state.timeS;
  const vm = resolveVm(cluster, vmId);
  if (!vm) {
    const inst = findInstance(cluster, vmId);
    return { rejection: inst ? notAVm(state, inst) : unknownVm(vmId) };
  }
  const host = findHost(cluster, vm.hostId)!;
  if (host.downUntilS > t) {
    return { rejection: reject('host-down', 'capacity', `${hostName(state.scenario, host.id)} is down until second ${Math.ceil(host.downUntilS)}, and ${vmName(state.scenario, cluster, vm)} with it: take the snapshot once it is back.`) };
  }
  let next = cluster;
  const mine = cluster.snapshots.filter((s) => isSnapshotOf(s, vm));
  // A snapshot chain is kept short: the oldest is merged away (VMware advises two or three, [40]).
  if (mine.length >= state.physics.snapshotsPerVm) {
    const oldest = mine[0]!;
    next = dropSnapshots(state, next, (s) => s === oldest, t);
  }
  const snapshot: Snapshot = { vmId: vm.id, vmCreatedAtS: vm.createdAtS, hostId: vm.hostId, atS: t };
  return { cluster: { ...next, snapshots: [...next.snapshots, snapshot], counts: { ...next.counts, snapshotsTaken: next.counts.snapshotsTaken + 1 } } };
}

export function restoreVm(state: SimState, cluster: ClusterState, vmId: string): Outcome {
  const t = state.timeS;
  const vm = resolveVm(cluster, vmId);
  if (!vm) {
    const inst = findInstance(cluster, vmId);
    return { rejection: inst ? notAVm(state, inst) : unknownVm(vmId) };
  }
  const name = vmName(state.scenario, cluster, vm);
  const host = findHost(cluster, vm.hostId)!;
  if (host.downUntilS > t) {
    return { rejection: reject('host-down', 'capacity', `${hostName(state.scenario, host.id)} is down until second ${Math.ceil(host.downUntilS)}, and ${name} with it: restore it once the host is back.`) };
  }
  const snapshot = latestSnapshot(cluster, vm);
  if (!snapshot) {
    return {
      rejection: reject(
        'no-snapshot',
        'backups',
        `${capital(name)} has no snapshot to roll back to. Take one first (snapshotVm): a point-in-time image of the whole VM, its OS, binaries and data as they are then.`,
      ),
    };
  }
  const rolled = rollBack(state, cluster, vm, snapshot, t);
  // A rollback on purpose is no attack: it costs the data written since, not security points.
  const lost = rolled.losses.filter((l) => l.lostS > 0);
  const drafts = byApp(state, cluster, lost, t, 'vmRestore', rolled.cluster.incidents.length + 1);
  let next = recordLosses(state, rolled.cluster, drafts);
  const what = lost.length
    ? ` What ${appNames(state.scenario, lost.map((l) => l.inst.appId))} wrote after it is gone (the last ${fmtS(Math.max(...lost.map((l) => l.lostS)))}).`
    : '';
  next = withIncident(
    next,
    draft(
      'vmRestore',
      'backups',
      t,
      rolled.inside,
      `${capital(name)} was rolled back to its snapshot of second ${Math.floor(snapshot.atS)}: its OS, binaries and data are as they were then, and it is back in ${fmtS(state.physics.vmRestoreS)}.${what}`,
    ),
  );
  return { cluster: next };
}

export function attachVolume(state: SimState, cluster: ClusterState, instanceId: string, backup: boolean): Outcome {
  const t = state.timeS;
  const inst = findInstance(cluster, instanceId);
  if (!inst) return { rejection: reject('unknown-instance', null, `There is no instance "${instanceId}" in this cluster.`) };
  if (typeof backup !== 'boolean') return { rejection: reject('bad-value', null, 'Say whether the volume is backed up: backup is true or false.') };
  const app = findApp(state.scenario, inst.appId)!;
  if (inst.runtime === 'vm') {
    return {
      rejection: reject(
        'vm-has-disk',
        'backups',
        `${inst.id} (${app.name}) is a VM: its data is on the VM's own virtual disk, which lasts as long as the VM. Snapshot the VM (snapshotVm) to roll it back, but a snapshot lives on the same host, so it is not a backup.`,
      ),
    };
  }
  if (!app.stateful) {
    return {
      rejection: reject(
        'stateless-app',
        'backups',
        `${app.name} keeps no data: rebuilding its container from the image loses nothing, so it needs no volume. Volumes are for apps that keep state, such as databases and uploads.`,
      ),
    };
  }
  const have = volumeOf(cluster, inst.id);
  if (have) {
    if (have.backup === backup) return { cluster };
    // Book the old rate up to now; a newly backed-up volume gets its first copy now.
    const next = dropVolumes(state, cluster, (v) => v === have, t);
    return { cluster: { ...next, volumes: [...next.volumes, { instanceId: inst.id, backup, backupSinceS: t, billedFromS: t }] } };
  }
  // The container is recreated with the volume mounted: a restart, free before it first starts.
  const restart = t + restartS(state.physics, app, inst);
  const instances = inst.upAtS < restart ? cluster.instances.map((i) => (i.id === inst.id ? { ...i, upAtS: restart } : i)) : cluster.instances;
  return { cluster: { ...cluster, instances, volumes: [...cluster.volumes, { instanceId: inst.id, backup, backupSinceS: t, billedFromS: t }] } };
}

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** How long an app takes to start again in its instance (a VM's app restarts inside its guest). */
function restartS(physics: Physics, app: App, inst: InstanceState): number {
  return instanceStartS(physics, app, inst);
}


/** One instance's loss: how its data came back and how many seconds of it are gone. */
interface InstanceLoss {
  readonly inst: InstanceState;
  readonly recovery: DataRecovery;
  readonly lostS: number;
}

/** A DataLoss record before it is booked, with the share of its app's served work it undoes. */
interface LossDraft extends Omit<DataLoss, 'undone'> {
  readonly share: number;
}

const RECOVERY_ORDER: readonly DataRecovery[] = ['redeploy', 'backup', 'snapshot', 'none'];

/**
 * Groups instance losses by app. Each instance holds its share of its app's data, so one that loses
 * the last `lostS` seconds undoes that part of the work the app served: lostS over the seconds
 * simulated, split over the app's instances (`among`, the cluster before anything was lost).
 */
function byApp(state: SimState, among: ClusterState, losses: readonly InstanceLoss[], t: number, cause: DataLoss['cause'], seq: number): LossDraft[] {
  const ticks = among.tally.ticks;
  const groups = new Map<string, InstanceLoss[]>();
  for (const l of losses) groups.set(l.inst.appId, [...(groups.get(l.inst.appId) ?? []), l]);
  return [...groups.entries()].map(([appId, list]) => {
    const replicas = Math.max(1, among.instances.filter((i) => i.appId === appId).length);
    let share = 0;
    for (const l of list) share += ticks > 0 ? Math.min(1, Math.max(0, l.lostS) / ticks) / replicas : 0;
    const recovery = list.reduce<DataRecovery>((worst, l) => (RECOVERY_ORDER.indexOf(l.recovery) > RECOVERY_ORDER.indexOf(worst) ? l.recovery : worst), 'redeploy');
    return { seq, atS: t, appId, cause, recovery, lostS: Math.max(0, ...list.map((l) => l.lostS)), share: Math.min(1, share) };
  });
}

/** Books losses: each undoes its share of the work its app has served so far (what users did then is gone). */
function recordLosses(state: SimState, cluster: ClusterState, drafts: readonly LossDraft[]): ClusterState {
  if (drafts.length === 0) return cluster;
  const undone = cluster.tally.undone.slice();
  const records: DataLoss[] = [];
  for (const { share, ...draft } of drafts) {
    const i = state.scenario.apps.findIndex((a) => a.id === draft.appId);
    const amount = i < 0 ? 0 : Math.max(0, cluster.tally.served[i]! - undone[i]!) * share;
    if (i >= 0) undone[i]! += amount;
    records.push({ ...draft, undone: amount });
  }
  return { ...cluster, tally: { ...cluster.tally, undone }, dataLosses: [...cluster.dataLosses, ...records] };
}

/** Security points data lost costs: integrity and availability are security too. */
function lossPenalty(state: SimState, drafts: readonly LossDraft[]): number {
  let points = 0;
  for (const d of drafts) points += state.physics.dataLossPenalty[findApp(state.scenario, d.appId)?.data ?? 'public'] * d.share;
  return points;
}

/**
 * Rolls a VM back to a snapshot: down for vmRestoreS, then everything in it starts again as it was
 * at the snapshot. Stateful instances whose data was on the VM's disk lose what came after (one
 * deployed after the snapshot loses all of it); volumes are network storage, outside the snapshot.
 */
function rollBack(state: SimState, cluster: ClusterState, vm: VmState, snapshot: Snapshot, t: number): { cluster: ClusterState; losses: InstanceLoss[]; inside: InstanceState[] } {
  const { physics } = state;
  const vmUp = Math.max(vm.upAtS, t + physics.vmRestoreS);
  const inside = cluster.instances.filter((i) => i.vmId === vm.id);
  const up = new Map<string, number>();
  const losses: InstanceLoss[] = [];
  for (const inst of inside) {
    const app = findApp(state.scenario, inst.appId)!;
    up.set(inst.id, Math.max(inst.upAtS, vmUp + restartS(physics, app, inst)));
    if (app.stateful && !volumeOf(cluster, inst.id)) losses.push({ inst, recovery: 'snapshot', lostS: t - Math.max(snapshot.atS, inst.createdAtS) });
  }
  const next: ClusterState = {
    ...cluster,
    vms: cluster.vms.map((v) => (v.id === vm.id ? { ...v, upAtS: vmUp } : v)),
    instances: up.size ? cluster.instances.map((i) => (up.has(i.id) ? { ...i, upAtS: up.get(i.id)! } : i)) : cluster.instances,
    counts: { ...cluster.counts, snapshotsRestored: cluster.counts.snapshotsRestored + 1 },
  };
  return { cluster: next, losses, inside };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const pct = (share: number): string => `${Math.round(share * 100)} %`;

/**
 * The `dataLoss` event: a bad update or ransomware corrupts an app's data. The operator recovers
 * with the best copy there is: a backed-up volume from its latest backup, a VM from its latest
 * snapshot (the whole VM goes back), and otherwise the data is gone for good: a container is
 * rebuilt from its image in seconds, but empty. An app that keeps no data is just redeployed.
 */
export function dataLoss(state: SimState, cluster: ClusterState, appId: string): { cluster: ClusterState; incident: Draft | null } {
  const { physics, scenario } = state;
  const t = state.timeS;
  const app = findApp(scenario, appId);
  const hit = cluster.instances.filter((i) => i.appId === appId);
  if (!app || hit.length === 0) return { cluster, incident: null };
  const startS = (inst: InstanceState) => restartS(physics, app, inst);

  if (!app.stateful) {
    const instances = cluster.instances.map((i) => (i.appId === appId ? { ...i, upAtS: Math.max(i.upAtS, t + startS(i)) } : i));
    return {
      cluster: { ...cluster, instances },
      incident: draft(
        'dataLoss',
        'backups',
        t,
        hit,
        `A bad update broke ${app.name}. It keeps no data, so redeploying its previous image fixed it: ${plural(hit.length, 'instance')} started again in ${fmtS(startS(hit[0]!))} and nothing was lost.`,
      ),
    };
  }

  const losses: InstanceLoss[] = [];
  const up = new Map<string, number>();
  const rollBacks = new Map<string, { vm: VmState; snapshot: Snapshot }>();
  const said = { backup: [] as InstanceLoss[], bareVolume: [] as InstanceState[], layer: [] as InstanceState[], noSnapshot: [] as VmState[] };
  for (const inst of hit) {
    const volume = volumeOf(cluster, inst.id);
    const vm = inst.vmId ? findVm(cluster, inst.vmId) : undefined;
    const snapshot = vm && !volume ? latestSnapshot(cluster, vm) : undefined;
    if (volume?.backup) {
      const loss = { inst, recovery: 'backup' as const, lostS: t - lastBackupAtS(physics, volume, t) };
      losses.push(loss);
      said.backup.push(loss);
      up.set(inst.id, t + physics.volumeRestoreS + startS(inst));
    } else if (vm && snapshot) {
      rollBacks.set(vm.id, { vm, snapshot });
    } else {
      losses.push({ inst, recovery: 'none', lostS: t - inst.createdAtS });
      up.set(inst.id, t + startS(inst));
      if (volume) said.bareVolume.push(inst);
      else if (vm) said.noSnapshot.push(vm);
      else said.layer.push(inst);
    }
  }
  let next: ClusterState = up.size ? { ...cluster, instances: cluster.instances.map((i) => (up.has(i.id) ? { ...i, upAtS: Math.max(i.upAtS, up.get(i.id)!) } : i)) } : cluster;
  const rolled: { vm: VmState; snapshot: Snapshot; losses: InstanceLoss[] }[] = [];
  for (const { vm, snapshot } of rollBacks.values()) {
    const r = rollBack(state, next, findVm(next, vm.id)!, snapshot, t);
    next = r.cluster;
    losses.push(...r.losses);
    rolled.push({ vm, snapshot, losses: r.losses });
  }
  const victims = [...new Map([...hit, ...rolled.flatMap((r) => r.losses.map((l) => l.inst))].map((i) => [i.id, i])).values()];
  const drafts = byApp(state, cluster, losses, t, 'dataLoss', next.incidents.length + 1);
  next = recordLosses(state, next, drafts);

  const parts: string[] = [];
  if (said.backup.length) {
    const since = Math.max(...said.backup.map((l) => l.lostS));
    parts.push(`${plural(said.backup.length, 'instance')} on a backed-up volume came back from the latest backup, ${since >= 1 ? `losing the last ${fmtS(since)}` : 'taken that very second, so nothing was lost'} (back in ${fmtS(physics.volumeRestoreS)} plus a start)`);
  }
  for (const r of rolled) {
    const others = r.losses.filter((l) => l.inst.appId !== appId).map((l) => l.inst.appId);
    parts.push(
      `${vmName(scenario, cluster, r.vm)} was rolled back to its snapshot of second ${Math.floor(r.snapshot.atS)}, ${t - r.snapshot.atS >= 1 ? `losing the last ${fmtS(t - r.snapshot.atS)}` : 'taken that very second, so nothing was lost'} (back in ${fmtS(physics.vmRestoreS)})` +
        (others.length ? `; the whole VM went back, so ${appNames(scenario, others)} lost that too` : ''),
    );
  }
  if (said.bareVolume.length) parts.push(`${plural(said.bareVolume.length, 'instance')} kept ${said.bareVolume.length === 1 ? 'its' : 'their'} data on a volume without backups, and the corruption reached the volume: a volume is not a backup`);
  if (said.layer.length) parts.push(`${plural(said.layer.length, 'container')} kept ${said.layer.length === 1 ? 'its' : 'their'} data only in the writable layer: rebuilt from the image in seconds, but the data is gone for good`);
  if (said.noSnapshot.length) parts.push(`${listOf([...new Set(said.noSnapshot.map((vm) => vmName(scenario, cluster, vm)))], 'and')} had no snapshot to roll back to, so the data there is gone for good`);
  const mine = drafts.find((d) => d.appId === appId);
  const forGood = said.layer.length + said.bareVolume.length + said.noSnapshot.length > 0;
  const fix = forGood
    ? 'Data that must last goes on a volume with backups (attachVolume); a recent VM snapshot (snapshotVm) can roll a VM back.'
    : 'Recent backups and snapshots kept the loss small.';
  return {
    cluster: next,
    incident: draft(
      'dataLoss',
      'backups',
      t,
      victims,
      `A bad update (or ransomware) corrupted ${app.name}'s data at second ${t}: ${parts.join('; ')}. ${mine ? `${pct(mine.share)} of the work it served so far is undone. ` : ''}${fix}`,
      lossPenalty(state, drafts),
    ),
  };
}

/**
 * What a failed host's storage held is gone with it: containers' writable layers, VM disks, and the
 * snapshots kept beside them (a snapshot is not a backup, [40]). Volumes are network storage and
 * survive. `before` is the cluster as the host failed; `after`, once hostFailure took its instances.
 */
export function hostStorageLost(state: SimState, before: ClusterState, after: ClusterState, hostId: string): ClusterState {
  const { scenario } = state;
  const t = state.timeS;
  const onHost = before.instances.filter((i) => i.hostId === hostId && findApp(scenario, i.appId)?.stateful);
  const lostSnapshots = before.snapshots.filter((s) => s.hostId === hostId);
  if (onHost.length === 0 && lostSnapshots.length === 0) return after;
  const survived = onHost.filter((i) => volumeOf(before, i.id));
  const lost = onHost.filter((i) => !volumeOf(before, i.id));
  let next = settleStorage(state, dropSnapshots(state, after, (s) => s.hostId === hostId, t), t);
  next = { ...next, counts: { ...next.counts, snapshotsLost: next.counts.snapshotsLost + lostSnapshots.length } };
  const drafts = byApp(state, before, lost.map((inst) => ({ inst, recovery: 'none', lostS: t - inst.createdAtS })), t, 'hostFailure', next.incidents.length + 1);
  next = recordLosses(state, next, drafts);

  const name = hostName(scenario, hostId);
  const said: string[] = [];
  const where = [...new Set(lost.map((i) => (i.vmId ? 'VM disks' : i.runtime === 'microvm' ? 'microVM disks' : 'container writable layers')))];
  if (lost.length) {
    said.push(`${appNames(scenario, lost.map((i) => i.appId))} lost ${lost.length === 1 ? 'its' : 'their'} data with ${name}: it was in what ran there (${listOf(where, 'and')}), and what is placed again elsewhere starts without it.`);
  }
  if (lostSnapshots.length) {
    const vms = [...new Set(lostSnapshots.map((s) => s.vmId))].map((id) => {
      const vm = before.vms.find((v) => v.id === id);
      return vm ? vmName(scenario, before, vm) : `VM ${id}`;
    });
    said.push(`${capital(plural(lostSnapshots.length, 'snapshot'))} of ${listOf(vms, 'and')} were kept beside ${vms.length === 1 ? 'its disk' : 'their disks'} on that host, so they went down with it, and the VM${vms.length === 1 ? '' : 's'} they could restore ${vms.length === 1 ? 'is' : 'are'} gone: a snapshot is not a backup.`);
  }
  if (survived.length) said.push(`${appNames(scenario, survived.map((i) => i.appId))} kept ${survived.length === 1 ? 'its' : 'their'} data on a volume (network storage), which survived.`);
  if (lost.length) said.push('Keep data that must last on volumes backed up elsewhere: a copy on the same machine fails with it.');
  return withIncident(next, draft('hostFailure', 'backups', t, lost, said.join(' '), lossPenalty(state, drafts)));
}
