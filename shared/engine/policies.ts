import type { App, ClusterState, InstanceState, PlayerAction, Rejection, SimState } from './types.ts';
import type { Physics } from './physics.ts';
import type { Scenario } from '../scenario/schema.ts';
import { LIMITS } from './limits.ts';
import { freshSeq } from './placement.ts';
import { reduce } from './reducer.ts';
import { latestSnapshot, volumeOf } from './data.ts';
import { clusterOf } from './state.ts';
import { capacityPerReplica, containerMiB, findApp, hostUsage, isEmptyHost } from './topology.ts';

export const POLICIES = ['all-vm', 'all-container', 'greedy'] as const;
export type PolicyName = (typeof POLICIES)[number];

export interface PolicyStep {
  readonly state: SimState;
  readonly actions: readonly PlayerAction[];
  /** Replicas the policy could place nowhere, with the reason from its first choice. */
  readonly unplaced: readonly { appId: string; action: PlayerAction; rejection: Rejection }[];
}

/** How long an extra (scaled-out) replica is kept before it may be removed again. */
const SCALE_DOWN_AFTER_S = 60;

/**
 * A reference operator for one cluster, run every second: keep each app at its desired replica
 * count (re-placing what was lost), scale out when demand outgrows capacity and back in later.
 * Placement is first-fit by trial: each candidate action is tried on the real reducer, so a
 * policy can never disagree with the rules.
 */
export function policyStep(state: SimState, clusterId: string, policy: PolicyName): PolicyStep {
  if (!clusterOf(state, clusterId)) return { state, actions: [], unplaced: [] };
  let s = state;
  const actions: PlayerAction[] = [];
  const unplaced: { appId: string; action: PlayerAction; rejection: Rejection }[] = [];
  const apply = (candidate: PlayerAction[]): boolean => {
    let trial = s;
    for (const action of candidate) {
      const r = reduce(trial, action);
      if (r.rejection) return false;
      trial = r.state;
    }
    s = trial;
    actions.push(...candidate);
    return true;
  };

  const apps = state.scenario.apps.map((app, ai) => [app, ai] as const);
  // A careful operator places the hardest apps first: Windows, own-kernel, then the largest.
  if (policy === 'greedy') apps.sort(([a], [b]) => difficulty(b) - difficulty(a) || b.memoryMiB - a.memoryMiB);
  for (const [app, ai] of apps) {
    const cluster = clusterOf(s, clusterId)!;
    const mine = cluster.instances.filter((i) => i.appId === app.id);
    const wanted = Math.max(app.replicas, Math.ceil(state.demand[ai]! / capacityPerReplica(app)));
    for (let k = mine.length; k < wanted; k++) {
      const now = clusterOf(s, clusterId)!;
      const key = placementKey(s, now, app, policy);
      const known = knownFailure(s, now, key);
      if (known) {
        if (known.refused) unplaced.push({ appId: app.id, ...known.refused });
        break;
      }
      // The desired replicas are spread over hosts; extra ones for a spike go where it is cheapest.
      const options = candidates(s, now, app, policy, k < app.replicas);
      // Every option ends in a deploy, which the cluster's instance limit refuses: trying them all
      // every second would only cost time.
      const full = now.instances.length >= LIMITS.instancesPerCluster;
      if (full || !options.some(apply)) {
        const first = options[0];
        const refused = first ? firstRejection(s, first) : null;
        rememberFailure(s, now, key, refused);
        if (refused) unplaced.push({ appId: app.id, ...refused });
        break;
      }
    }
    // Scale back in, newest first, once the extra replicas have been up a while.
    if (mine.length > wanted) {
      const extras = [...mine].sort((a, b) => b.createdAtS - a.createdAtS).slice(0, mine.length - wanted);
      for (const inst of extras) {
        if (state.timeS - inst.createdAtS >= SCALE_DOWN_AFTER_S) apply([{ type: 'remove', clusterId, instanceId: inst.id }]);
      }
    }
  }
  for (const action of dataCare(s, clusterId, policy)) apply([action]);
  return { state: s, actions, unplaced };
}

/**
 * What each operator does for apps that keep data. The sensible one (greedy) puts a container's
 * data on a backed-up volume and snapshots the VMs it runs stateful apps in, on the backup
 * schedule; the VM admin (all-vm) snapshots its VMs on that schedule; the naive containeriser
 * (all-container) does neither, and learns what a container's writable layer is worth.
 */
function dataCare(state: SimState, clusterId: string, policy: PolicyName): PlayerAction[] {
  if (policy === 'all-container') return [];
  const cluster = clusterOf(state, clusterId)!;
  const t = state.timeS;
  const out: PlayerAction[] = [];
  const snapshotted = new Set<string>();
  for (const inst of cluster.instances) {
    if (!findApp(state.scenario, inst.appId)?.stateful) continue;
    if (policy === 'greedy' && inst.runtime !== 'vm' && !volumeOf(cluster, inst.id)) {
      out.push({ type: 'attachVolume', clusterId, instanceId: inst.id, backup: true });
      continue;
    }
    const vm = inst.vmId ? cluster.vms.find((v) => v.id === inst.vmId) : undefined;
    if (!vm || snapshotted.has(vm.id) || vm.upAtS > t || volumeOf(cluster, inst.id)) continue;
    const last = latestSnapshot(cluster, vm);
    if (!last || t - last.atS >= state.physics.backupIntervalS) {
      snapshotted.add(vm.id);
      out.push({ type: 'snapshotVm', clusterId, vmId: vm.id });
    }
  }
  return out;
}

type Refused = { action: PlayerAction; rejection: Rejection } | null;

/** A placement that failed, with everything its outcome depends on besides the instances. */
interface Failure {
  readonly scenario: Scenario;
  readonly physics: Physics;
  readonly hosts: ClusterState['hosts'];
  readonly vms: ClusterState['vms'];
  readonly retired: ClusterState['retired'];
  readonly refused: Refused;
}

/**
 * A replica that fits nowhere is retried every second, each try walking the whole cluster: the
 * bulk of a big scenario's cost. While nothing the placement depends on has changed, the answer
 * is the same, so it is kept per (immutable) instances array, as topology.ts keeps its layouts.
 */
const failures = new WeakMap<readonly InstanceState[], Map<string, Failure>>();

function placementKey(state: SimState, cluster: ClusterState, app: App, policy: PolicyName): string {
  // The clock enters a placement's outcome only through which hosts are down.
  let down = '';
  for (const h of cluster.hosts) down += h.downUntilS > state.timeS ? '1' : '0';
  return `${policy}|${app.id}|${state.phase}|${cluster.kicked}|${cluster.nextSeq}|${down}`;
}

function knownFailure(state: SimState, cluster: ClusterState, key: string): Failure | undefined {
  const f = failures.get(cluster.instances)?.get(key);
  const same = f && f.scenario === state.scenario && f.physics === state.physics && f.hosts === cluster.hosts && f.vms === cluster.vms && f.retired === cluster.retired;
  return same ? f : undefined;
}

function rememberFailure(state: SimState, cluster: ClusterState, key: string, refused: Refused): void {
  let known = failures.get(cluster.instances);
  if (!known) failures.set(cluster.instances, (known = new Map()));
  known.set(key, { scenario: state.scenario, physics: state.physics, hosts: cluster.hosts, vms: cluster.vms, retired: cluster.retired, refused });
}

const difficulty = (app: App): number => (app.os === 'windows' ? 4 : 0) + (app.needsCustomKernel ? 2 : 0) + (app.trust === 'untrusted' || app.data === 'regulated' ? 1 : 0);

function firstRejection(state: SimState, candidate: PlayerAction[]): { action: PlayerAction; rejection: Rejection } | null {
  let trial = state;
  for (const action of candidate) {
    const r = reduce(trial, action);
    if (r.rejection) return { action, rejection: r.rejection };
    trial = r.state;
  }
  return null;
}

/** Candidate placements for one replica, best first; each is a short list of actions. */
function candidates(state: SimState, cluster: ClusterState, app: App, policy: PolicyName, spreading: boolean): PlayerAction[][] {
  const clusterId = cluster.id;
  const { allow } = state.scenario;
  const deploy = (runtime: 'vm' | 'container' | 'microvm', target: string): PlayerAction => ({ type: 'deploy', clusterId, appId: app.id, runtime, target });
  const hosts = cluster.hosts;
  switch (policy) {
    case 'all-vm':
      return hosts.map((h) => [deploy('vm', h.id)]);
    case 'all-container':
      return hosts.map((h) => {
        if (h.platform === app.os) return [deploy('container', h.id)];
        // Reinstall an empty host with the OS the app needs, where the scenario allows it.
        if (allow.changePlatform && isEmptyHost(cluster, h.id)) return [{ type: 'configureHost', clusterId, hostId: h.id, platform: app.os }, deploy('container', h.id)];
        return [deploy('container', h.id)];
      });
    case 'greedy':
      return greedyCandidates(state, cluster, app, spreading);
    default: {
      const never: never = policy;
      throw new Error(`unknown policy ${String(never)}`);
    }
  }
}

/**
 * A sensible operator: a kernel of its own for untrusted code, regulated data and custom kernels
 * (a microVM where possible, else a VM); containers for the rest, packed best-fit onto hosts
 * already running (density), with a CPU limit so no neighbour can starve them. Replicas are spread
 * (anti-affinity): while `spreading`, a host with no replica of the app yet, or a VM on one, comes
 * before every host that has one, so one host failure or reboot never takes all of them.
 */
function greedyCandidates(state: SimState, cluster: ClusterState, app: App, spreading: boolean): PlayerAction[][] {
  const { allow } = state.scenario;
  const clusterId = cluster.id;
  const deploy = (runtime: 'vm' | 'container' | 'microvm', target: string): PlayerAction => ({ type: 'deploy', clusterId, appId: app.id, runtime, target });
  const ownKernel = app.trust === 'untrusted' || app.data === 'regulated' || app.needsCustomKernel;
  // Per host, once: the sort below compares each host several times, and each figure walks the cluster.
  const inUse = new Set([...cluster.vms.map((v) => v.hostId), ...cluster.instances.map((i) => i.hostId)]);
  const mine = new Map<string, number>();
  for (const i of cluster.instances) if (i.appId === app.id) mine.set(i.hostId, (mine.get(i.hostId) ?? 0) + 1);
  const facts = new Map(
    cluster.hosts.map((h) => {
      const u = hostUsage(state.scenario, state.physics, cluster, h);
      return [h.id, { powered: inUse.has(h.id), countOn: mine.get(h.id) ?? 0, free: u.memoryMiB - u.usedMiB }] as const;
    }),
  );
  const fact = (hostId: string) => facts.get(hostId)!;
  const powered = (hostId: string) => fact(hostId).powered;
  // Best fit: hosts already running first (no new host to pay for); among those, the one with the
  // fewest replicas of this app (so one failure or reboot is not all of them), then the tightest
  // fit; if a host must be switched on, the cheapest.
  const spread = [...cluster.hosts].sort(
    (a, b) =>
      Number(powered(b.id)) - Number(powered(a.id)) ||
      (powered(a.id) ? fact(a.id).countOn - fact(b.id).countOn || fact(a.id).free - fact(b.id).free : a.costPerHour - b.costPerHour),
  );
  const out: PlayerAction[][] = [];
  const vmOptions = spread.map((h) => [deploy('vm', h.id)]);
  if (ownKernel) {
    if (app.os === 'linux' && allow.runtimes.includes('microvm')) for (const h of spread) out.push([deploy('microvm', h.id)]);
    out.push(...vmOptions);
    return spreading ? antiAffinity(cluster, out, (hostId) => fact(hostId).countOn > 0) : out;
  }
  if (allow.runtimes.includes('container')) {
    // Named ids, so the CPU limit that follows can address the new instance.
    const instanceId = `${app.id}-${freshSeq(cluster, app.id)}`;
    const named = (a: PlayerAction): PlayerAction => (a.type === 'deploy' ? { ...a, id: instanceId } : a);
    const withLimit = (first: PlayerAction[]): PlayerAction[] => [...first.map(named), { type: 'setLimits', clusterId, instanceId, cpu: app.cpu }];
    const untrustedHere = new Set(
      cluster.instances.filter((i) => !i.vmId && i.runtime === 'container' && findApp(state.scenario, i.appId)?.trust === 'untrusted').map((i) => i.hostId),
    );
    for (const h of spread) if (h.platform === app.os && !untrustedHere.has(h.id)) out.push(withLimit([deploy('container', h.id)]));
    // Reinstall an empty host only away from a platform no app in the scenario needs.
    const needed = new Set<string>(state.scenario.apps.map((a) => a.os));
    for (const h of spread) {
      if (h.platform !== app.os && !needed.has(h.platform) && allow.changePlatform && !powered(h.id)) {
        out.push(withLimit([{ type: 'configureHost', clusterId, hostId: h.id, platform: app.os }, deploy('container', h.id)]));
      }
    }
    // Containers inside an existing VM with an engine, or in a new one on a bare-metal host.
    for (const vm of cluster.vms) if (vm.containerEngine && vm.guestOs === app.os) out.push(withLimit([deploy('container', vm.id)]));
    if (allow.runtimes.includes('vm')) {
      const memoryMiB = state.physics.guestOsMiB[app.os] + state.physics.containerEngineMiB + 4 * containerMiB(state.physics, app);
      const vmId = `shared-${app.os}-${freshSeq(cluster, `shared-${app.os}`)}`;
      // A Windows image runs in process isolation only on its own build: the VM gets that build.
      const build = app.os === 'windows' && app.windowsBuild !== undefined ? { windowsBuild: app.windowsBuild } : {};
      for (const h of spread) {
        out.push(
          withLimit([
            { type: 'createVm', clusterId, id: vmId, hostId: h.id, guestOs: app.os, vcpu: Math.max(2, Math.ceil(app.cpu * 2)), memoryMiB, containerEngine: true, ...build },
            deploy('container', vmId),
          ]),
        );
      }
    }
  }
  if (app.os === 'linux' && allow.runtimes.includes('microvm')) for (const h of spread) out.push([deploy('microvm', h.id)]);
  out.push(...vmOptions);
  return spreading ? antiAffinity(cluster, out, (hostId) => fact(hostId).countOn > 0) : out;
}

/** The host a candidate puts the replica on: the deploy's target, or the host of the VM it targets or creates. */
function candidateHost(cluster: ClusterState, candidate: readonly PlayerAction[]): string | undefined {
  const created = new Map<string, string>();
  for (const a of candidate) {
    if (a.type === 'createVm' && a.id) created.set(a.id, a.hostId);
    if (a.type === 'deploy') return created.get(a.target) ?? cluster.vms.find((v) => v.id === a.target)?.hostId ?? a.target;
  }
  return undefined;
}

/**
 * Candidates on hosts without a replica first, each group in its own order (a stable partition). A
 * host is not reinstalled only to spread: that stays where the best fit put it.
 */
function antiAffinity(cluster: ClusterState, out: PlayerAction[][], hasReplica: (hostId: string) => boolean): PlayerAction[][] {
  if (!cluster.hosts.some((h) => hasReplica(h.id))) return out;
  const free: PlayerAction[][] = [];
  const rest: PlayerAction[][] = [];
  for (const c of out) {
    const host = candidateHost(cluster, c);
    (host !== undefined && !hasReplica(host) && c[0]?.type !== 'configureHost' ? free : rest).push(c);
  }
  return [...free, ...rest];
}

