import type { App, ClusterState, Created, HostState, InstanceState, Rejection, SimState, VmState } from './types.ts';
import { fitsOnHost } from './placement.ts';
import { fmtMiB, fmtS, reject } from './rejection.ts';
import { containerMiB, findApp, findHost, findInstance, hypervMiB, imageAt, instanceStartS, isHyperv, microvmMiB, vcpusFor } from './topology.ts';
import { containerImage, hostBuild, windowsIsolation } from './windows.ts';
import { isSnapshotOf, resolveVm, volumeOf } from './data.ts';
import { hostName, listOf, vmName } from './names.ts';

/**
 * Rule 9's moving half: VMs live-migrate between hosts while they run; containers are recreated
 * elsewhere instead (DOMAIN.md [11]). Live migration here goes only between bare-metal (type-1)
 * hypervisor hosts with hardware virtualisation: KVM, Hyper-V and ESXi clusters do it routinely,
 * while hosted hypervisors on a desktop or server OS (VirtualBox, VMware Workstation) have no live
 * migration in practice, so a VM on a `linux` or `windows` host stays where it is.
 *
 * The final pause (liveMigrationPauseS) is well under the one-second tick: a migrated VM serves on.
 */

type Outcome = { cluster: ClusterState; created?: Created } | { rejection: Rejection };

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Seconds a live migration spends copying the VM's memory while it runs (then the short pause). */
export const migrationS = (state: SimState, vm: VmState): number => vm.memoryMiB / state.physics.liveMigrationMiBPerS + state.physics.liveMigrationPauseS;

export function migrateVm(state: SimState, cluster: ClusterState, vmId: string, hostId: string): Outcome {
  const { scenario, timeS: t } = state;
  const vm = resolveVm(cluster, vmId);
  if (!vm) {
    const inst = findInstance(cluster, vmId);
    if (inst) {
      const kind = inst.runtime === 'microvm' ? 'a microVM, and Firecracker microVMs are not live-migrated' : 'a container, and containers are not live-migrated';
      return { rejection: reject('not-a-vm', 'boot-time', `${inst.id} is ${kind}: they are recreated elsewhere in moments instead. Deploy a new one on the other host and remove this one.`) };
    }
    return { rejection: reject('unknown-vm', null, `There is no VM "${vmId}" in this cluster.`) };
  }
  const target = findHost(cluster, hostId);
  if (!target) return { rejection: reject('unknown-host', null, `There is no host "${hostId}" in this cluster.`) };
  const source = findHost(cluster, vm.hostId)!;
  const name = vmName(scenario, cluster, vm);
  if (target.id === source.id) return { rejection: reject('bad-value', null, `${capital(name)} already runs on ${hostName(scenario, target.id)}.`) };
  if (source.downUntilS > t || vm.upAtS > t) {
    const why = source.downUntilS > t ? `${hostName(scenario, source.id)} is down until second ${Math.ceil(source.downUntilS)}` : `it is booting until second ${Math.ceil(vm.upAtS)}`;
    return {
      rejection: reject('vm-not-running', 'boot-time', `${capital(name)} is not running (${why}), and live migration copies a running VM's memory across while it serves. Wait until it is up.`),
    };
  }
  const refused = cannotTake(state, cluster, vm, source, target);
  if (refused) return { rejection: refused };
  return { cluster: moveVm(cluster, vm, target.id, false) };
}

/** Why `target` cannot take `vm` by live migration from `source` now, with what would work; null when it can. */
function cannotTake(state: SimState, cluster: ClusterState, vm: VmState, source: HostState, target: HostState): Rejection | null {
  const { scenario, timeS: t } = state;
  const name = vmName(scenario, cluster, vm);
  const to = hostName(scenario, target.id);
  const others = () => {
    const hosts = cluster.hosts.filter((h) => h.id !== source.id && h.id !== target.id && canTake(state, cluster, vm, h, t));
    return hosts.length ? `Choose ${listOf(hosts.map((h) => hostName(scenario, h.id)))}.` : 'No other bare-metal hypervisor host here has room for it now.';
  };
  if (source.platform !== 'hypervisor') {
    return reject(
      'no-live-migration',
      'hypervisor-type',
      `${capital(name)} runs under a hosted (type-2) hypervisor on the host OS of ${hostName(scenario, source.id)}, as VirtualBox or VMware Workstation do, and those offer no live migration in practice. Live migration moves VMs between bare-metal hypervisors (KVM, Hyper-V, ESXi): to move this one, create a VM on the other host and move its work there.`,
    );
  }
  if (target.downUntilS > t) return reject('host-down', 'capacity', `${to} is down until second ${Math.ceil(target.downUntilS)}: a VM can move only to a host that is up. ${others()}`);
  if (target.platform !== 'hypervisor') {
    return reject(
      'no-live-migration',
      'hypervisor-type',
      `${to} runs a ${target.platform === 'windows' ? 'Windows' : 'Linux'} host OS, where VMs run under a hosted (type-2) hypervisor that cannot receive a live migration. Live migration goes between bare-metal hypervisor hosts. ${others()}`,
    );
  }
  if (!target.kvm) return reject('no-kvm', 'hypervisor-type', `${to} has no hardware virtualisation (VT-x/AMD-V), so no hypervisor there could run ${name}. ${others()}`);
  return fitsOnHost(state, cluster, target, vm.memoryMiB, vm.vcpu, `${name} (${fmtMiB(vm.memoryMiB)}, ${vm.vcpu} vCPU)`);
}

const canTake = (state: SimState, cluster: ClusterState, vm: VmState, host: HostState, t: number): boolean =>
  host.platform === 'hypervisor' && host.kvm && host.downUntilS <= t && fitsOnHost(state, cluster, host, vm.memoryMiB, vm.vcpu, 'it') === null;

/** The VM, what runs in it and its snapshots (its disk chain) now live on `targetId`. */
export function moveVm(cluster: ClusterState, vm: VmState, targetId: string, byPatchDay: boolean): ClusterState {
  const { counts } = cluster;
  return {
    ...cluster,
    vms: cluster.vms.map((v) => (v.id === vm.id ? { ...v, hostId: targetId } : v)),
    instances: cluster.instances.some((i) => i.vmId === vm.id) ? cluster.instances.map((i) => (i.vmId === vm.id ? { ...i, hostId: targetId } : i)) : cluster.instances,
    snapshots: cluster.snapshots.some((s) => isSnapshotOf(s, vm)) ? cluster.snapshots.map((s) => (isSnapshotOf(s, vm) ? { ...s, hostId: targetId } : s)) : cluster.snapshots,
    counts: { ...counts, migrations: counts.migrations + 1, patchDayMigrations: counts.patchDayMigrations + (byPatchDay ? 1 : 0) },
  };
}

/** What draining a host for its reboot did. */
export interface Drain {
  readonly cluster: ClusterState;
  /** VMs live-migrated away, and where to. */
  readonly migrated: readonly { readonly vm: VmState; readonly to: string }[];
  /** Containers and microVMs recreated on another host. */
  readonly moved: readonly { readonly inst: InstanceState; readonly to: string }[];
  /** Instances that stayed because their data is only in their writable layer. */
  readonly kept: readonly InstanceState[];
  /** Seconds the drain takes (memory copies one VM after another; new copies pulled and started): the reboot waits for it. */
  readonly drainS: number;
}

/**
 * Maintenance mode before a host's patch reboot: running VMs on a bare-metal hypervisor host are
 * live-migrated to another one with room; containers and microVMs straight on the host are
 * recreated on another host that can run them, from their patched images, each new copy started
 * before the old one stops (a rolling drain), so both keep serving. The reboot waits for the
 * drain. Whatever has nowhere to go stays and goes down with the reboot. Hosts with no turn still
 * ahead in this window (`pending`) are tried first, so nothing is moved twice when it can be helped.
 */
export function drainHost(state: SimState, cluster: ClusterState, hostId: string, start: number, pending: ReadonlySet<string>): Drain {
  const host = findHost(cluster, hostId);
  if (!host) return { cluster, migrated: [], moved: [], kept: [], drainS: 0 };
  const powered = new Set([...cluster.vms.map((v) => v.hostId), ...cluster.instances.map((i) => i.hostId)]);
  const rank = (h: HostState) => (pending.has(h.id) ? 2 : powered.has(h.id) ? 0 : 1);
  const targets = cluster.hosts.filter((h) => h.id !== hostId && h.downUntilS <= start).sort((a, b) => rank(a) - rank(b));
  let next = cluster;
  const migrated: { vm: VmState; to: string }[] = [];
  const moved: { inst: InstanceState; to: string }[] = [];
  const kept: InstanceState[] = [];
  let copyS = 0;
  let restartS = 0;

  if (host.platform === 'hypervisor') {
    for (const vm of cluster.vms) {
      if (vm.hostId !== hostId || vm.upAtS > start) continue;
      const to = targets.find((h) => canTake(state, next, vm, h, start));
      if (!to) continue;
      next = moveVm(next, vm, to.id, true);
      migrated.push({ vm, to: to.id });
      copyS += migrationS(state, vm);
    }
  }
  for (const inst of cluster.instances) {
    if (inst.hostId !== hostId || inst.vmId || inst.runtime === 'vm') continue;
    const app = findApp(state.scenario, inst.appId)!;
    // A recreated container starts from its image: data only in the old one's writable layer
    // would be lost, so it waits for the reboot (its layer is still on the disk then).
    if (app.stateful && !volumeOf(cluster, inst.id)) {
      kept.push(inst);
      continue;
    }
    const to = targets.find((h) => canRun(state, next, app, inst, h));
    if (!to) continue;
    const again = recreate(state, next, app, inst, to.id, start);
    next = again.cluster;
    restartS = Math.max(restartS, again.readyAtS - start);
    moved.push({ inst, to: to.id });
  }
  return { cluster: next, migrated, moved, kept, drainS: Math.max(copyS, restartS) };
}

const untrusted = (state: SimState, appId: string): boolean => findApp(state.scenario, appId)?.trust === 'untrusted';

/**
 * Whether the instance could be recreated on `host`: its kernel, room, and the isolation it had
 * (an orchestrator's taints): an untrusted container goes only where no one else runs, and a
 * trusted one never onto a kernel that runs another tenant's untrusted containers.
 */
function canRun(state: SimState, cluster: ClusterState, app: App, inst: InstanceState, host: HostState): boolean {
  const { physics } = state;
  if (inst.runtime === 'microvm') {
    return host.kvm && host.platform !== 'windows' && fitsOnHost(state, cluster, host, microvmMiB(physics, app), vcpusFor(app), 'it', undefined, 'microvm') === null;
  }
  if (host.platform !== app.os) return false;
  // A Windows container keeps its isolation: the new host must run its image that way too.
  if (app.os === 'windows' && !('isolation' in windowsIsolation(app, hostBuild(state, host.id), true, host.kvm, isHyperv(inst) ? 'hyperv' : 'process'))) return false;
  const there = cluster.instances.filter((i) => i.hostId === host.id && i.appId !== app.id);
  if (app.trust === 'untrusted' ? there.length > 0 : there.some((i) => !i.vmId && i.runtime === 'container' && untrusted(state, i.appId))) return false;
  if (isHyperv(inst)) return fitsOnHost(state, cluster, host, hypervMiB(physics, app), vcpusFor(app), 'it') === null;
  return fitsOnHost(state, cluster, host, containerMiB(physics, app), 0, 'it') === null;
}

/**
 * The instance again on `hostId`, from its (patched) image: pulled there first if that engine lacks
 * it (the whole image, an estimate on the slow side), then started; the old copy serves until then.
 */
function recreate(state: SimState, cluster: ClusterState, app: App, inst: InstanceState, hostId: string, start: number): { cluster: ClusterState; readyAtS: number } {
  const { physics } = state;
  const key = `host:${hostId}`;
  const have = imageAt(cluster, key, app.id);
  const image = containerImage(physics, app, app.os === 'windows' ? hostBuild(state, hostId) : undefined);
  const pulledAtS = have !== undefined ? Math.max(start, have) : start + image.miB / physics.imagePullMiBPerS;
  const readyAtS = pulledAtS + instanceStartS(physics, app, inst);
  const onEngine = Object.hasOwn(cluster.images, key) ? cluster.images[key] : {};
  const images = have !== undefined && have <= pulledAtS ? cluster.images : { ...cluster.images, [key]: { ...onEngine, [app.id]: pulledAtS } };
  return {
    cluster: {
      ...cluster,
      images,
      instances: cluster.instances.map((i) => (i.id === inst.id ? { ...i, hostId } : i)),
      counts: { ...cluster.counts, containersMoved: cluster.counts.containersMoved + 1 },
    },
    readyAtS,
  };
}

/** "about 4.1 s": how long the drain's migrations copied memory, for the patch notice. */
export const describeMigrations = (state: SimState, vms: readonly VmState[]): string =>
  `about ${fmtS(vms.reduce((sum, vm) => sum + migrationS(state, vm), 0))} copying ${fmtMiB(vms.reduce((sum, vm) => sum + vm.memoryMiB, 0))} of memory while they ran, then a pause well under a second`;
