import type { App, ClusterState, HostState, InstanceState, Os, SimState, VmState } from './types.ts';
import type { Physics } from './physics.ts';
import type { Scenario } from '../scenario/schema.ts';

// Lookups by id are memoised per (immutable) array, so hot loops stay linear without keeping
// derived indexes in the state itself.
const appIndexCache = new WeakMap<Scenario, Map<string, number>>();
export function appIndex(scenario: Scenario): Map<string, number> {
  let index = appIndexCache.get(scenario);
  if (!index) {
    index = new Map(scenario.apps.map((app, i) => [app.id, i]));
    appIndexCache.set(scenario, index);
  }
  return index;
}

export function findApp(scenario: Scenario, appId: string): App | undefined {
  const i = appIndex(scenario).get(appId);
  return i === undefined ? undefined : scenario.apps[i];
}

export const findHost = (cluster: ClusterState, id: string): HostState | undefined => cluster.hosts.find((h) => h.id === id);
export const findVm = (cluster: ClusterState, id: string): VmState | undefined => cluster.vms.find((v) => v.id === id);
export const findInstance = (cluster: ClusterState, id: string): InstanceState | undefined => cluster.instances.find((i) => i.id === id);

/** Type-2 (hosted): VMs run as processes of a host OS. Type-1: the hypervisor is the host. */
export const isHosted = (host: HostState): boolean => host.platform !== 'hypervisor';

export const vcpusFor = (app: App): number => Math.max(1, Math.ceil(app.cpu));
export const dedicatedVmMiB = (physics: Physics, app: App): number => app.memoryMiB + physics.guestOsMiB[app.os];
export const microvmMiB = (physics: Physics, app: App): number =>
  Math.max(physics.microvmMinGuestMiB, app.memoryMiB + physics.microvmKernelMiB) + physics.microvmVmmMiB;
export const containerMiB = (physics: Physics, app: App): number => app.memoryMiB + physics.containerOverheadMiB;
/** A Hyper-V isolated container reserves its utility VM's memory in full, like a small VM, on top of its own. */
export const hypervMiB = (physics: Physics, app: App): number => containerMiB(physics, app) + physics.hypervIsolation.memoryMiB;
export const isHyperv = (inst: { readonly isolation?: string }): boolean => inst.isolation === 'hyperv';

export function vmBootS(physics: Physics, os: Os, host: HostState): number {
  return physics.vmBootS[os] * (isHosted(host) ? physics.type2BootFactor : 1);
}

/** A microVM boots its minimal kernel, then its app starts as it would in a container: never sooner than one. */
export const microvmStartS = (physics: Physics): number => physics.microvmBootS + physics.containerStartS.linux;

/** How long an instance's app takes to start once its image is there: a microVM or a Hyper-V utility VM boots first. */
export function instanceStartS(physics: Physics, app: App, inst: { readonly runtime: string; readonly isolation?: string }): number {
  if (inst.runtime === 'microvm') return microvmStartS(physics);
  return physics.containerStartS[app.os] + (isHyperv(inst) ? physics.hypervIsolation.bootS : 0);
}

export const isEmptyHost = (cluster: ClusterState, hostId: string): boolean =>
  !cluster.vms.some((v) => v.hostId === hostId) && !cluster.instances.some((i) => i.hostId === hostId);

export interface HostUsage {
  readonly memoryMiB: number;
  readonly usedMiB: number;
  readonly cpu: number;
  /** vCPUs assigned to VMs and microVMs. They share the cores (overcommit), so this may exceed `cpu`. */
  readonly reservedCpu: number;
  readonly vmVcpus: number;
  readonly microvmVcpus: number;
  /**
   * How much of the hypervisor's vCPU allowance is taken, in cores: each VM vCPU counts
   * 1 / vcpuOvercommit.vm, each microVM vCPU 1 / vcpuOvercommit.microvm. It refuses more past `cpu`.
   */
  readonly committedCpu: number;
}

export function hostUsage(scenario: Scenario, physics: Physics, cluster: ClusterState, host: HostState): HostUsage {
  let usedMiB = 0;
  let vmVcpus = 0;
  let microvmVcpus = 0;
  for (const vm of cluster.vms) {
    if (vm.hostId !== host.id) continue;
    usedMiB += vm.memoryMiB;
    vmVcpus += vm.vcpu;
  }
  for (const inst of cluster.instances) {
    if (inst.hostId !== host.id || inst.vmId) continue;
    const app = findApp(scenario, inst.appId);
    if (!app) continue;
    if (inst.runtime === 'microvm') {
      usedMiB += microvmMiB(physics, app);
      microvmVcpus += vcpusFor(app);
    } else if (isHyperv(inst)) {
      // Its utility VM is a VM to the hypervisor: memory reserved, vCPUs overcommitted as a VM's.
      usedMiB += hypervMiB(physics, app);
      vmVcpus += vcpusFor(app);
    } else {
      usedMiB += containerMiB(physics, app);
    }
  }
  const committedCpu = vmVcpus / physics.vcpuOvercommit.vm + microvmVcpus / physics.vcpuOvercommit.microvm;
  return {
    memoryMiB: host.memoryGiB * 1024 - physics.hostReservedMiB[host.platform],
    usedMiB,
    cpu: host.cpu,
    reservedCpu: vmVcpus + microvmVcpus,
    vmVcpus,
    microvmVcpus,
    committedCpu,
  };
}

export interface VmUsage {
  /** What is left for work after the guest OS and engine. */
  readonly memoryMiB: number;
  readonly usedMiB: number;
  readonly guestOsMiB: number;
}

export function vmUsage(scenario: Scenario, physics: Physics, cluster: ClusterState, vm: VmState): VmUsage {
  const guestOsMiB = physics.guestOsMiB[vm.guestOs] + (vm.containerEngine ? physics.containerEngineMiB : 0);
  let usedMiB = 0;
  for (const inst of cluster.instances) {
    if (inst.vmId !== vm.id) continue;
    const app = findApp(scenario, inst.appId);
    if (app) usedMiB += inst.runtime === 'vm' ? app.memoryMiB : containerMiB(physics, app);
  }
  return { memoryMiB: vm.memoryMiB - guestOsMiB, usedMiB, guestOsMiB };
}

/** The kernel an instance's code runs on: the host's, its VM's, its microVM's own, or its Hyper-V utility VM's. */
export interface Kernel {
  readonly id: string;
  readonly os: Os;
  readonly kind: 'host' | 'vm' | 'microvm' | 'utility-vm';
  readonly hostId: string;
}

export function kernelOf(cluster: ClusterState, inst: InstanceState): Kernel {
  if (inst.runtime === 'microvm') return { id: `microvm:${inst.id}`, os: 'linux', kind: 'microvm', hostId: inst.hostId };
  if (isHyperv(inst)) return { id: `uvm:${inst.id}`, os: 'windows', kind: 'utility-vm', hostId: inst.hostId };
  if (inst.vmId) {
    const vm = findVm(cluster, inst.vmId);
    return { id: `vm:${inst.vmId}`, os: vm?.guestOs ?? 'linux', kind: 'vm', hostId: inst.hostId };
  }
  const host = findHost(cluster, inst.hostId);
  const os: Os = host?.platform === 'windows' ? 'windows' : 'linux';
  return { id: `host:${inst.hostId}`, os, kind: 'host', hostId: inst.hostId };
}

/**
 * When an app's image finished arriving on an engine, if it is there. Own keys only: app ids such
 * as `constructor` or `toString` are valid, and on a plain object they would find Object's methods.
 */
export function imageAt(cluster: ClusterState, engine: string, appId: string): number | undefined {
  const { images } = cluster;
  if (!Object.hasOwn(images, engine)) return undefined;
  const onEngine = images[engine]!;
  return Object.hasOwn(onEngine, appId) ? onEngine[appId] : undefined;
}

/** The engine whose image store a deploy uses: the host's, or the VM's own. */
export const engineKey = (inst: { hostId: string; vmId: string | null; runtime: string }): string =>
  inst.vmId ? `vm:${inst.vmId}` : `host:${inst.hostId}`;

/** Position of each entry by id; the first wins, as with Array.find. */
function positions(list: readonly { readonly id: string }[]): Map<string, number> {
  const map = new Map<string, number>();
  list.forEach((item, i) => {
    if (!map.has(item.id)) map.set(item.id, i);
  });
  return map;
}

/** cgroup v2 `cpu.weight`: its default and range (S [17]). */
export const CPU_WEIGHT = { min: 1, default: 100, max: 10_000 } as const;

export const cpuWeightOf = (inst: InstanceState): number => inst.cpuWeight ?? CPU_WEIGHT.default;

/**
 * A container whose memory.max is below what its app needs is ended by the OOM killer each time
 * it starts, so it never serves. A limit at or above the need changes nothing: apps here do not
 * grow their memory (no leak or load model yet).
 */
export const isOomKilled = (app: App, inst: InstanceState): boolean => inst.memoryLimitMiB != null && inst.memoryLimitMiB < app.memoryMiB;

/**
 * The container engine restarts a killed container after a back-off that doubles each time, as
 * Kubernetes' CrashLoopBackOff does (10 s, 20 s, 40 s … at most 5 min). E: only the restart count shows it.
 */
const OOM_BACKOFF_S = { first: 10, max: 300 } as const;

/** How many times the OOM killer has ended it by second `t` (0 when it is not being killed). */
export function oomKills(inst: InstanceState, t: number): number {
  if (inst.oomSinceS === undefined) return 0;
  let at = inst.oomSinceS;
  let wait: number = OOM_BACKOFF_S.first;
  let kills = 0;
  // A run is at most two hours: at most 30 turns of this loop.
  while (at <= t) {
    kills++;
    at += wait;
    wait = Math.min(OOM_BACKOFF_S.max, wait * 2);
  }
  return kills;
}

export function isUp(cluster: ClusterState, inst: InstanceState, t: number): boolean {
  if (inst.upAtS > t) return false;
  const host = findHost(cluster, inst.hostId);
  return !!host && host.downUntilS <= t;
}

/** How hard each app's instances are pushed this second: per instance, the share of its CPU need it gets. */
export interface ClusterLoad {
  /** Aligned with cluster.instances: 0 when down, else the fraction of its work it can do (≤ 1). */
  readonly perf: readonly number[];
  /** Per app (scenario order): requests per second the up instances can serve. */
  readonly capacity: readonly number[];
  /** Per instance: cores of work it wants (its app's CPU, a storm's factor, capped by cpu.max; 0 when not serving) and gets. */
  readonly want: readonly number[];
  readonly got: readonly number[];
  /** Per instance: the share of the CPU its VM or microVM asked for that the host did not give (steal), 0..1; 0 on a host kernel. */
  readonly steal: readonly number[];
  /** Per VM (cluster.vms order): host cores it asked for (at most its vCPUs) and got. */
  readonly vmWant: readonly number[];
  readonly vmGot: readonly number[];
  /** Per host (cluster.hosts order): cores everything on it asked for, and cores handed out (never more than it has). */
  readonly hostWant: readonly number[];
  readonly hostGot: readonly number[];
  /** The whole cluster's VMs and microVMs: cores asked of their hosts, and cores not given (steal). */
  readonly stealAsked: number;
  readonly stealLost: number;
}

/**
 * Overlapping effects on one app multiply. Hundreds of them (a teacher may inject 500) would reach
 * Infinity, or 0, and Infinity × 0 is NaN; a combined factor is kept within this many times.
 */
export const MAX_COMBINED_FACTOR = 10_000;

export function noisyFactors(state: SimState): Map<string, number> {
  const factors = new Map<string, number>();
  for (const e of state.effects) {
    if (e.type === 'noisyNeighbour') factors.set(e.appId, (factors.get(e.appId) ?? 1) * e.factor);
  }
  for (const [appId, f] of factors) factors.set(appId, Math.min(MAX_COMBINED_FACTOR, Math.max(1 / MAX_COMBINED_FACTOR, f)));
  return factors;
}

/** The least capacity an author may give a replica (the scenario schema's minimum). */
const MIN_CAPACITY_PER_REPLICA = 0.01;

/**
 * Without a figure from the author, the desired replicas serve normal demand with 25 % headroom,
 * and never less than an author may give: a tiny demand's share would underflow to 0, and demand
 * over capacity would be Infinity.
 */
export function capacityPerReplica(app: App): number {
  return app.capacityPerReplica ?? (app.demand > 0 ? Math.max(MIN_CAPACITY_PER_REPLICA, (1.25 * app.demand) / app.replicas) : 1);
}

/**
 * What the per-second load depends on that changes only when a cluster's hosts, VMs or instances
 * do: who schedules each instance, with what weight and cap. Cached per instances array, since
 * every tick reuses the same arrays until a player or an event changes one; the tick then does
 * flat array work for every cluster every second.
 *
 * Two schedulers share CPU. Each host shares its cores among its VMs, its microVMs and the
 * containers on its own kernel ("entities": the VMs first, then instance i as entity
 * vms.length + i). Each VM's kernel shares what the VM got among what runs inside it.
 */
interface Layout {
  readonly scenario: Scenario;
  readonly physics: Physics;
  readonly hosts: readonly HostState[];
  readonly vms: readonly VmState[];
  /** Per instance: its app (scenario index), where it runs, its host (index, or -1 when gone), VM (index, or -1), limit, start, weight and whether it is OOM-killed. */
  readonly appOf: Int32Array;
  readonly kind: Uint8Array;
  readonly hostOf: Int32Array;
  readonly vmOf: Int32Array;
  readonly cpuLimit: readonly (number | null)[];
  readonly upAtS: Float64Array;
  /** cgroup weight relative to the default (cpu.weight / 100). */
  readonly weight: Float64Array;
  readonly oom: readonly boolean[];
  /** Per app (scenario order): requests per second one replica serves at full speed. */
  readonly capacityPerReplica: readonly number[];
  /** Per VM: its host (index, or -1). */
  readonly vmHost: Int32Array;
  /** Per entity: its weight on the host (a VM's or microVM's vCPUs, a container's cgroup weight), most it may use (vCPUs; Infinity for a container), and the share of its CPU left for work after the virtualisation layer. */
  readonly entWeight: Float64Array;
  readonly entCap: Float64Array;
  readonly entKeep: Float64Array;
  /** Host h's entities are hostMembers[hostStart[h] .. hostStart[h + 1]); VM v's instances vmMembers[vmStart[v] .. vmStart[v + 1]). */
  readonly hostStart: Int32Array;
  readonly hostMembers: Int32Array;
  readonly vmStart: Int32Array;
  readonly vmMembers: Int32Array;
}

const ON_HOST_KERNEL = 0;
const IN_VM = 1;
const MICROVM = 2;
const NOWHERE = 3;

const layoutCache = new WeakMap<readonly InstanceState[], Layout>();

/** Groups members by owner into one flat list, keeping their order: owner o's are members[start[o] .. start[o + 1]). */
function groups(owners: number, ownerOf: Int32Array): { start: Int32Array; members: Int32Array } {
  const start = new Int32Array(owners + 1);
  for (const o of ownerOf) if (o >= 0) start[o + 1]!++;
  for (let o = 0; o < owners; o++) start[o + 1]! += start[o]!;
  const next = start.slice(0, owners);
  const members = new Int32Array(start[owners]!);
  ownerOf.forEach((o, e) => {
    if (o >= 0) members[next[o]!++] = e;
  });
  return { start, members };
}

function layoutOf(state: SimState, cluster: ClusterState): Layout {
  const { scenario, physics } = state;
  const { hosts, vms, instances } = cluster;
  const cached = layoutCache.get(instances);
  if (cached && cached.hosts === hosts && cached.vms === vms && cached.scenario === scenario && cached.physics === physics) return cached;

  const apps = scenario.apps;
  const index = appIndex(scenario);
  const hostAt = positions(hosts);
  const vmAt = positions(vms);
  const n = instances.length;
  const nVm = vms.length;
  // Typed arrays: the per-second pass reads them for every cluster every second.
  const appOf = new Int32Array(n);
  const kind = new Uint8Array(n);
  const hostOf = new Int32Array(n);
  const vmOf = new Int32Array(n);
  const cpuLimit = new Array<number | null>(n);
  const upAtS = new Float64Array(n);
  const weight = new Float64Array(n);
  const oom = new Array<boolean>(n);
  const vmHost = new Int32Array(nVm);
  const entWeight = new Float64Array(nVm + n);
  const entCap = new Float64Array(nVm + n);
  const entKeep = new Float64Array(nVm + n).fill(1);
  const entHost = new Int32Array(nVm + n).fill(-1);

  for (let v = 0; v < nVm; v++) {
    const vm = vms[v]!;
    const h = hostAt.get(vm.hostId) ?? -1;
    vmHost[v] = h;
    entHost[v] = h;
    entWeight[v] = vm.vcpu;
    entCap[v] = vm.vcpu;
    entKeep[v] = 1 - (h >= 0 && !isHosted(hosts[h]!) ? physics.cpuOverhead.vmType1 : physics.cpuOverhead.vmType2);
  }
  for (let i = 0; i < n; i++) {
    const inst = instances[i]!;
    const ai = index.get(inst.appId)!;
    const app = apps[ai]!;
    appOf[i] = ai;
    cpuLimit[i] = inst.cpuLimit;
    upAtS[i] = inst.upAtS;
    weight[i] = cpuWeightOf(inst) / CPU_WEIGHT.default;
    oom[i] = isOomKilled(app, inst);
    const h = hostAt.get(inst.hostId) ?? -1;
    hostOf[i] = h;
    const v = inst.vmId ? (vmAt.get(inst.vmId) ?? -1) : -1;
    vmOf[i] = v;
    const e = nVm + i;
    if (h < 0 || (inst.vmId && v < 0)) {
      kind[i] = NOWHERE;
    } else if (inst.runtime === 'microvm' || (v < 0 && isHyperv(inst))) {
      // A microVM or a Hyper-V utility VM: a small VM the host schedules by its vCPUs.
      kind[i] = MICROVM;
      entHost[e] = h;
      entWeight[e] = vcpusFor(app);
      entCap[e] = vcpusFor(app);
      entKeep[e] = 1 - (inst.runtime === 'microvm' ? physics.cpuOverhead.microvm : physics.cpuOverhead.vmType1);
    } else if (v >= 0) {
      kind[i] = IN_VM;
    } else {
      kind[i] = ON_HOST_KERNEL;
      entHost[e] = h;
      entWeight[e] = weight[i]!;
      entCap[e] = Infinity;
      entKeep[e] = 1 - physics.cpuOverhead.container;
    }
  }
  const onHosts = groups(hosts.length, entHost);
  const inVms = groups(nVm, vmOf);
  const layout: Layout = {
    scenario,
    physics,
    hosts,
    vms,
    appOf,
    kind,
    hostOf,
    vmOf,
    cpuLimit,
    upAtS,
    weight,
    oom,
    capacityPerReplica: apps.map(capacityPerReplica),
    vmHost,
    entWeight,
    entCap,
    entKeep,
    hostStart: onHosts.start,
    hostMembers: onHosts.members,
    vmStart: inVms.start,
    vmMembers: inVms.members,
  };
  layoutCache.set(instances, layout);
  return layout;
}

/** Numbers indexed by position: plain arrays for what is returned, typed scratch for the rest. */
type Numbers = { [index: number]: number };

/**
 * One scheduler sharing `cap` cores among members[from .. to) by weight (cgroup v2 cpu.weight,
 * or a hypervisor's per-vCPU shares): whoever wants no more than its weighted share gets what it
 * wants, and what they leave is shared out again among the rest by weight (water-filling). So each
 * member gets at least min(want, weight / Σ weights × cap), whatever the others want. Returns
 * whether two or more members had to wait for each other (they wanted more than `cap` together).
 */
function share(members: Int32Array, from: number, to: number, want: Numbers, weight: Float64Array, cap: number, grant: Numbers): boolean {
  let total = 0;
  let runnable = 0;
  for (let k = from; k < to; k++) {
    const e = members[k]!;
    total += want[e]!;
    if (want[e]! > 0) runnable++;
  }
  if (total <= cap) {
    for (let k = from; k < to; k++) grant[members[k]!] = want[members[k]!]!;
    return false;
  }
  let left = cap;
  let weights = 0;
  for (let k = from; k < to; k++) {
    const e = members[k]!;
    // -1: still waiting for its share.
    grant[e] = want[e]! > 0 ? -1 : 0;
    if (want[e]! > 0) weights += weight[e]!;
  }
  for (;;) {
    const level = left / weights;
    let settled = false;
    for (let k = from; k < to; k++) {
      const e = members[k]!;
      if (grant[e]! < 0 && want[e]! <= weight[e]! * level) {
        grant[e] = want[e]!;
        left -= want[e]!;
        weights -= weight[e]!;
        settled = true;
      }
    }
    if (!settled) {
      for (let k = from; k < to; k++) {
        const e = members[k]!;
        if (grant[e]! < 0) grant[e] = weight[e]! * level;
      }
      return runnable > 1;
    }
  }
}

/**
 * Working space for clusterLoad, reused across calls: it runs for every cluster every second, and
 * these never leave it (the engine is synchronous, so no two calls share them at once).
 */
let scratch = { entWant: new Float64Array(64), entGrant: new Float64Array(64), work: new Float64Array(64), flags: new Uint8Array(64) };
function scratchFor(size: number): typeof scratch {
  if (scratch.entWant.length < size) {
    const n = Math.max(size, 2 * scratch.entWant.length);
    scratch = { entWant: new Float64Array(n), entGrant: new Float64Array(n), work: new Float64Array(n), flags: new Uint8Array(n) };
  }
  return scratch;
}

// Per noisyFactors map (one per tick, shared by every cluster, never changed once made): each app's factor by position.
const factorCache = new WeakMap<Map<string, number>, { apps: Scenario['apps']; factor: number[] }>();
function factorsFor(noisy: Map<string, number>, apps: Scenario['apps']): readonly number[] {
  const cached = factorCache.get(noisy);
  if (cached && cached.apps === apps) return cached.factor;
  const factor = apps.map((app) => noisy.get(app.id) ?? 1);
  factorCache.set(noisy, { apps, factor });
  return factor;
}

const VM_UP = 1;
const HOST_BUSY = 2;
const VM_BUSY = 4;

/**
 * Rule 6, CPU contention. Each instance wants its app's CPU (a noisy-neighbour storm multiplies
 * it), capped by its cgroup limit (cpu.max). A VM or microVM asks its host for what its contents
 * want plus the virtualisation overhead, but never more than its vCPUs. Each host shares its
 * cores by weight among its VMs and microVMs (by vCPUs) and its own kernel's containers (by
 * cgroup weight): when they want more than it has, VMs lose CPU to steal and containers get their
 * weighted fair share. A VM's kernel then shares what the VM got by cgroup weight among what runs
 * in it. An instance whose scheduler was saturated by others also waits its turn (latency), which
 * costs `contentionPenalty` of its work even when it got all it needed.
 */
export function clusterLoad(state: SimState, cluster: ClusterState, t: number, noisy = noisyFactors(state)): ClusterLoad {
  const apps = state.scenario.apps;
  const { hosts, vms } = cluster;
  const L = layoutOf(state, cluster);
  const { appOf, kind, hostOf, vmOf, entCap, entKeep } = L;
  const n = appOf.length;
  const nVm = vms.length;
  const nHosts = hosts.length;
  const nEnt = nVm + n;
  // Flags: per VM (up, busy) at [v], per host (busy) at [h].
  const { entWant, entGrant, work, flags } = scratchFor(Math.max(nEnt, nHosts));
  entWant.fill(0, 0, nEnt);
  entGrant.fill(0, 0, nEnt);
  work.fill(0, 0, nEnt);
  flags.fill(0, 0, Math.max(nVm, nHosts));

  for (let v = 0; v < nVm; v++) {
    const h = L.vmHost[v]!;
    if (vms[v]!.upAtS <= t && h >= 0 && hosts[h]!.downUntilS <= t) flags[v]! |= VM_UP;
  }
  const factor = factorsFor(noisy, apps);
  // What each instance wants, in cores of its own work; 0 when it is not serving.
  const want = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const ai = appOf[i]!;
    const h = hostOf[i]!;
    const k = kind[i]!;
    const up = L.upAtS[i]! <= t && k !== NOWHERE && hosts[h]!.downUntilS <= t && !L.oom[i] && (k !== IN_VM || (flags[vmOf[i]!]! & VM_UP) !== 0);
    let w = 0;
    if (up) {
      const app = apps[ai]!;
      w = app.cpu * factor[ai]!;
      const limit = L.cpuLimit[i]!;
      if (limit !== null && limit < w) w = limit;
    }
    want[i] = w;
  }

  // What each entity asks of its host: its work plus overhead, at most its vCPUs.
  for (let v = 0; v < nVm; v++) {
    let sum = 0;
    for (let k = L.vmStart[v]!; k < L.vmStart[v + 1]!; k++) sum += want[L.vmMembers[k]!]!;
    work[v] = sum;
    entWant[v] = Math.min(entCap[v]!, sum / entKeep[v]!);
  }
  for (let i = 0; i < n; i++) {
    const k = kind[i]!;
    if (k === MICROVM || k === ON_HOST_KERNEL) {
      work[nVm + i] = want[i]!;
      entWant[nVm + i] = Math.min(entCap[nVm + i]!, want[i]! / entKeep[nVm + i]!);
    }
  }

  const hostWant = new Array<number>(nHosts);
  const hostGot = new Array<number>(nHosts);
  for (let h = 0; h < nHosts; h++) {
    const from = L.hostStart[h]!;
    const to = L.hostStart[h + 1]!;
    if (share(L.hostMembers, from, to, entWant, L.entWeight, hosts[h]!.cpu, entGrant)) flags[h]! |= HOST_BUSY;
    let wanted = 0;
    let given = 0;
    for (let k = from; k < to; k++) {
      wanted += entWant[L.hostMembers[k]!]!;
      given += entGrant[L.hostMembers[k]!]!;
    }
    hostWant[h] = wanted;
    hostGot[h] = given;
  }
  // The work an entity can do with what it got. Given all it asked for (and not held back by its
  // vCPUs) that is all its work, exactly; otherwise what is left after the virtualisation layer.
  for (let e = 0; e < nEnt; e++) {
    if (!(entGrant[e] === entWant[e] && work[e]! / entKeep[e]! <= entCap[e]!)) work[e] = entGrant[e]! * entKeep[e]!;
  }

  const got = new Array<number>(n).fill(0);
  for (let v = 0; v < nVm; v++) if (share(L.vmMembers, L.vmStart[v]!, L.vmStart[v + 1]!, want, L.weight, work[v]!, got)) flags[v]! |= VM_BUSY;

  const keep = 1 - state.physics.contentionPenalty;
  const perf = new Array<number>(n);
  const steal = new Array<number>(n);
  const capacity = new Array<number>(apps.length).fill(0);
  for (let i = 0; i < n; i++) {
    const k = kind[i]!;
    const e = k === IN_VM ? vmOf[i]! : nVm + i;
    steal[i] = k === IN_VM || k === MICROVM ? stealOf(entWant[e]!, entGrant[e]!) : 0;
    if (want[i] === 0) {
      perf[i] = 0;
      continue;
    }
    if (k !== IN_VM) got[i] = work[e]!;
    const ai = appOf[i]!;
    const app = apps[ai]!;
    const p = Math.min(1, got[i]! / app.cpu);
    const busy = k === IN_VM ? (flags[L.vmHost[e]!]! & HOST_BUSY) !== 0 || (flags[e]! & VM_BUSY) !== 0 : (flags[hostOf[i]!]! & HOST_BUSY) !== 0;
    perf[i] = busy ? p * keep : p;
    capacity[ai]! += perf[i]! * L.capacityPerReplica[ai]!;
  }
  const vmWant = new Array<number>(nVm);
  const vmGot = new Array<number>(nVm);
  // Steal over the whole cluster, in cores: what its VMs and microVMs asked their hosts for, and did not get.
  let stealAsked = 0;
  let stealLost = 0;
  for (let v = 0; v < nVm; v++) {
    vmWant[v] = entWant[v]!;
    vmGot[v] = entGrant[v]!;
    stealAsked += entWant[v]!;
    stealLost += entWant[v]! - entGrant[v]!;
  }
  for (let i = 0; i < n; i++) {
    if (kind[i] !== MICROVM) continue;
    stealAsked += entWant[nVm + i]!;
    stealLost += entWant[nVm + i]! - entGrant[nVm + i]!;
  }
  return { perf, capacity, want, got, steal, vmWant, vmGot, hostWant, hostGot, stealAsked, stealLost: Math.max(0, stealLost) };
}

const stealOf = (wanted: number, granted: number): number => (wanted > 0 ? (wanted - granted) / wanted : 0);
