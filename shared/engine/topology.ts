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

export function vmBootS(physics: Physics, os: Os, host: HostState): number {
  return physics.vmBootS[os] * (isHosted(host) ? physics.type2BootFactor : 1);
}

export const isEmptyHost = (cluster: ClusterState, hostId: string): boolean =>
  !cluster.vms.some((v) => v.hostId === hostId) && !cluster.instances.some((i) => i.hostId === hostId);

export interface HostUsage {
  readonly memoryMiB: number;
  readonly usedMiB: number;
  readonly cpu: number;
  /** Cores reserved by VM and microVM vCPUs: they are not shared with anyone else. */
  readonly reservedCpu: number;
}

export function hostUsage(scenario: Scenario, physics: Physics, cluster: ClusterState, host: HostState): HostUsage {
  let usedMiB = 0;
  let reservedCpu = 0;
  for (const vm of cluster.vms) {
    if (vm.hostId !== host.id) continue;
    usedMiB += vm.memoryMiB;
    reservedCpu += vm.vcpu;
  }
  for (const inst of cluster.instances) {
    if (inst.hostId !== host.id || inst.vmId) continue;
    const app = findApp(scenario, inst.appId);
    if (!app) continue;
    if (inst.runtime === 'microvm') {
      usedMiB += microvmMiB(physics, app);
      reservedCpu += vcpusFor(app);
    } else {
      usedMiB += containerMiB(physics, app);
    }
  }
  return { memoryMiB: host.memoryGiB * 1024 - physics.hostReservedMiB[host.platform], usedMiB, cpu: host.cpu, reservedCpu };
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

/** The kernel an instance's code runs on: the host's, its VM's, or its microVM's own. */
export interface Kernel {
  readonly id: string;
  readonly os: Os;
  readonly kind: 'host' | 'vm' | 'microvm';
  readonly hostId: string;
}

export function kernelOf(cluster: ClusterState, inst: InstanceState): Kernel {
  if (inst.runtime === 'microvm') return { id: `microvm:${inst.id}`, os: 'linux', kind: 'microvm', hostId: inst.hostId };
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
 * do: which CPU pool each instance draws from and each pool's size. Cached per instances array,
 * since every tick reuses the same arrays until a player or an event changes one; the tick then
 * does flat array work for every cluster every second.
 */
interface Layout {
  readonly scenario: Scenario;
  readonly physics: Physics;
  readonly hosts: readonly HostState[];
  readonly vms: readonly VmState[];
  /** Per instance: its app (scenario index), CPU pool, host (index, or -1 when gone), CPU limit and start. */
  readonly appOf: readonly number[];
  readonly pool: readonly number[];
  readonly hostOf: readonly number[];
  readonly cpuLimit: readonly (number | null)[];
  readonly upAtS: readonly number[];
  /** Pool sizes in cores: host kernels (what VMs and microVMs left), then VMs (when up), then microVMs, then an empty pool for anything orphaned. */
  readonly baseCap: readonly number[];
  readonly vmPool: number;
  readonly vmCap: readonly number[];
}

const layoutCache = new WeakMap<readonly InstanceState[], Layout>();

function layoutOf(state: SimState, cluster: ClusterState): Layout {
  const { scenario, physics } = state;
  const { hosts, vms, instances } = cluster;
  const cached = layoutCache.get(instances);
  if (cached && cached.hosts === hosts && cached.vms === vms && cached.scenario === scenario && cached.physics === physics) return cached;

  const apps = scenario.apps;
  const index = appIndex(scenario);
  const hostAt = positions(hosts);
  const vmAt = positions(vms);
  const nHosts = hosts.length;
  const n = instances.length;
  const vmPool = nHosts;
  const microvmPool = nHosts + vms.length;
  const orphan = microvmPool + n;
  const baseCap = new Array<number>(orphan + 1).fill(0);
  const reserved = new Array<number>(nHosts).fill(0);
  const vmCap = new Array<number>(vms.length);
  const appOf = new Array<number>(n);
  const pool = new Array<number>(n);
  const hostOf = new Array<number>(n);
  const cpuLimit = new Array<number | null>(n);
  const upAtS = new Array<number>(n);

  for (let v = 0; v < vms.length; v++) {
    const vm = vms[v]!;
    const h = hostAt.get(vm.hostId);
    if (h !== undefined) reserved[h]! += vm.vcpu;
    const overhead = isHosted(hosts[h!]!) ? physics.cpuOverhead.vmType2 : physics.cpuOverhead.vmType1;
    vmCap[v] = vm.vcpu * (1 - overhead);
  }
  for (let i = 0; i < n; i++) {
    const inst = instances[i]!;
    const ai = index.get(inst.appId)!;
    appOf[i] = ai;
    cpuLimit[i] = inst.cpuLimit;
    upAtS[i] = inst.upAtS;
    const h = hostAt.get(inst.hostId);
    hostOf[i] = h ?? -1;
    if (inst.runtime === 'microvm') {
      const vcpu = vcpusFor(apps[ai]!);
      if (h !== undefined) reserved[h]! += vcpu;
      pool[i] = microvmPool + i;
      baseCap[microvmPool + i] = vcpu * (1 - physics.cpuOverhead.microvm);
    } else if (inst.vmId) {
      const v = vmAt.get(inst.vmId);
      pool[i] = v === undefined ? orphan : vmPool + v;
    } else {
      pool[i] = h ?? orphan;
    }
  }
  for (let h = 0; h < nHosts; h++) {
    const free = Math.max(0, hosts[h]!.cpu - reserved[h]!);
    baseCap[h] = free * (1 - physics.cpuOverhead.container);
  }
  const layout: Layout = { scenario, physics, hosts, vms, appOf, pool, hostOf, cpuLimit, upAtS, baseCap, vmPool, vmCap };
  layoutCache.set(instances, layout);
  return layout;
}

/**
 * CPU is shared out proportionally inside each pool: the host kernel's containers share what
 * VMs have not reserved; a VM's vCPUs are shared only by what runs inside it; a microVM's are its
 * own. A runaway container without a limit therefore starves its neighbours, and only them.
 */
export function clusterLoad(state: SimState, cluster: ClusterState, t: number, noisy = noisyFactors(state)): ClusterLoad {
  const apps = state.scenario.apps;
  const { hosts, vms } = cluster;
  const { appOf, pool, hostOf, cpuLimit, upAtS, baseCap, vmPool, vmCap } = layoutOf(state, cluster);
  const n = appOf.length;
  const poolCap = baseCap.slice();
  for (let v = 0; v < vms.length; v++) poolCap[vmPool + v] = vms[v]!.upAtS <= t ? vmCap[v]! : 0;
  const poolNeed = new Array<number>(baseCap.length).fill(0);
  const factor = new Array<number>(apps.length);
  for (let a = 0; a < apps.length; a++) factor[a] = noisy.get(apps[a]!.id) ?? 1;

  const need = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const ai = appOf[i]!;
    let want = apps[ai]!.cpu * factor[ai]!;
    const limit = cpuLimit[i] as number | null;
    if (limit !== null) want = Math.min(want, limit);
    // isUp, with the host found by position.
    const h = hostOf[i]!;
    const up = upAtS[i]! <= t && h >= 0 && hosts[h]!.downUntilS <= t;
    need[i] = up ? want : 0;
    poolNeed[pool[i]!]! += need[i]!;
  }

  const perf = new Array<number>(n);
  const capacity = new Array<number>(apps.length).fill(0);
  for (let i = 0; i < n; i++) {
    if (need[i] === 0) {
      perf[i] = 0;
      continue;
    }
    const ai = appOf[i]!;
    const app = apps[ai]!;
    const cap = poolCap[pool[i]!]!;
    const total = poolNeed[pool[i]!]!;
    const got = total <= cap ? need[i]! : (need[i]! * cap) / total;
    perf[i] = Math.min(1, got / app.cpu);
    capacity[ai]! += perf[i]! * capacityPerReplica(app);
  }
  return { perf, capacity };
}
