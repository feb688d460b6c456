import type { App, ClusterState, Created, HostState, InstanceState, Isolation, Os, PlayerAction, Rejection, Runtime, SimState, VmState } from './types.ts';
import { draft, withIncident } from './incidents.ts';
import { LIMITS } from './limits.ts';
import { fmtMiB, fmtS, reject } from './rejection.ts';
import {
  CPU_WEIGHT,
  containerMiB,
  dedicatedVmMiB,
  engineKey,
  findApp,
  findHost,
  findInstance,
  findVm,
  hostUsage,
  hypervMiB,
  imageAt,
  instanceStartS,
  isEmptyHost,
  isHyperv,
  isOomKilled,
  microvmMiB,
  microvmStartS,
  vcpusFor,
  vmBootS,
  vmUsage,
} from './topology.ts';
import { containerFitsKernel, containerHomes, hostList, microvmHosts, ownKernelHomes, vmHosts } from './advice.ts';
import { FIRST_CONTAINER_BUILD, buildName, containerImage, hostBuild, releaseName, vmBuild, windowsIsolation, type Image, type WindowsProblem } from './windows.ts';
import { hostName, listOf, vmName } from './names.ts';
import { migrateVm } from './migration.ts';
import { attachVolume, restoreVm, snapshotVm } from './data.ts';

type Outcome = { cluster: ClusterState; created?: Created } | { rejection: Rejection };
const OS_NAME: Record<Os, string> = { linux: 'Linux', windows: 'Windows' };
// Actions may come from callers that skipped the protocol's schema; an unknown OS or platform would
// look up undefined figures and turn into NaN.
const OSES: readonly string[] = ['linux', 'windows'];
const PLATFORMS: readonly string[] = ['linux', 'windows', 'hypervisor'];
const ISOLATIONS: readonly string[] = ['process', 'hyperv'];
const MAX_ID = 40;

/** Applies one player action to its cluster. Pure: returns a new cluster or a reason why not. */
export function applyPlayerAction(state: SimState, cluster: ClusterState, action: PlayerAction): Outcome {
  switch (action.type) {
    case 'configureHost':
      return configureHost(state, cluster, action.hostId, action.platform);
    case 'createVm':
      return createVm(state, cluster, action);
    case 'deleteVm':
      return deleteVm(state, cluster, action.vmId);
    case 'deploy':
      return deploy(state, cluster, action);
    case 'remove':
      return remove(state, cluster, action.instanceId);
    case 'setLimits':
      return setLimits(state, cluster, action);
    case 'ready':
      return { cluster: { ...cluster, ready: action.ready ?? true } };
    case 'migrateVm':
      return migrateVm(state, cluster, action.vmId, action.hostId);
    case 'snapshotVm':
      return snapshotVm(state, cluster, action.vmId);
    case 'restoreVm':
      return restoreVm(state, cluster, action.vmId);
    case 'attachVolume':
      return attachVolume(state, cluster, action.instanceId, action.backup);
    default: {
      const never: never = action;
      return { rejection: reject('unknown-action', null, `Unknown action ${JSON.stringify((never as { type: unknown }).type)}.`) };
    }
  }
}

function hostFor(state: SimState, cluster: ClusterState, hostId: string): HostState | Rejection {
  const host = findHost(cluster, hostId);
  if (!host) return reject('unknown-host', null, `There is no host "${hostId}" in this cluster.`);
  if (host.downUntilS > state.timeS) {
    const others = cluster.hosts.some((h) => h.id !== host.id && h.downUntilS <= state.timeS);
    return reject(
      'host-down',
      'capacity',
      `${hostName(state.scenario, host.id)} is down until second ${Math.ceil(host.downUntilS)}: ${others ? 'place this on another host for now' : 'no other host is up, so wait for it'}.`,
    );
  }
  return host;
}

/**
 * Every VM and microVM needs hardware virtualisation: KVM requires VT-x or AMD-V, Hyper-V too, and
 * VirtualBox dropped software virtualisation in 6.1 (DOMAIN.md [35]–[37]).
 */
function noVirtualisation(state: SimState, cluster: ClusterState, host: HostState, app: App | null): Rejection | null {
  if (host.kvm) return null;
  const others = vmHosts(state, cluster).filter((h) => h.id !== host.id);
  const advice = [others.length ? `Choose a host that has it: ${hostList(state, others)}.` : 'No other host that is up here has it.'];
  // Untrusted code is not pointed at a shared kernel: it wanted a VM for a reason.
  if (app && app.trust === 'trusted' && containerFitsKernel(state, app, host)) advice.push(`${others.length ? 'Or run' : 'Run'} ${app.name} as a container here: a container needs no hypervisor.`);
  return reject(
    'no-kvm',
    'hypervisor-type',
    `${hostName(state.scenario, host.id)} has no hardware virtualisation (VT-x/AMD-V), and every hypervisor needs it to run a VM: KVM, Hyper-V, and VirtualBox since 6.1. ${advice.join(' ')}`,
  );
}

const isRejection = (x: object): x is Rejection => 'code' in x && 'message' in x && !('id' in x);

function configureHost(state: SimState, cluster: ClusterState, hostId: string, platform: HostState['platform']): Outcome {
  if (!state.scenario.allow.changePlatform) {
    return { rejection: reject('platform-change-not-allowed', null, 'This scenario fixes what runs on each host; place your apps on the platforms given.') };
  }
  if (!PLATFORMS.includes(platform)) return { rejection: reject('bad-value', null, `A host runs "linux", "windows" or "hypervisor", not ${JSON.stringify(platform)}.`) };
  const host = hostFor(state, cluster, hostId);
  if (isRejection(host)) return { rejection: host };
  if (host.platform === platform) return { cluster };
  if (!isEmptyHost(cluster, host.id)) {
    return {
      rejection: reject(
        'host-not-empty',
        'hypervisor-type',
        `Changing what runs on the bare metal of ${hostName(state.scenario, host.id)} means reinstalling it, which would wipe what is placed there. Remove its VMs and containers first.`,
      ),
    };
  }
  if (platform === 'hypervisor' && !host.kvm) {
    return {
      rejection: reject(
        'no-kvm',
        'hypervisor-type',
        `${hostName(state.scenario, host.id)} has no hardware virtualisation (VT-x/AMD-V), so a bare-metal hypervisor there could run no VM at all. Keep it a Linux or Windows host and run containers on it.`,
      ),
    };
  }
  // Reinstalling wipes the disk, images included.
  const { [`host:${host.id}`]: _wiped, ...images } = cluster.images;
  return { cluster: { ...cluster, images, hosts: cluster.hosts.map((h) => (h.id === host.id ? { ...h, platform } : h)) } };
}

// Every instance a run ever had stays in `retired`, thousands after a few host failures: their
// ids are kept in a set per (immutable) array rather than searched for every new name.
const retiredIdsCache = new WeakMap<ClusterState['retired'], Set<string>>();
function retiredIds(cluster: ClusterState): Set<string> {
  let ids = retiredIdsCache.get(cluster.retired);
  if (!ids) retiredIdsCache.set(cluster.retired, (ids = new Set(cluster.retired.map((r) => r.id))));
  return ids;
}

const isTaken = (cluster: ClusterState, id: string): boolean =>
  cluster.vms.some((v) => v.id === id) || cluster.instances.some((i) => i.id === id) || retiredIds(cluster).has(id);

/** The id a generated name would get next: the cluster's own sequence, skipping ids taken by hand. */
export function freshSeq(cluster: ClusterState, prefix: string): number {
  let seq = cluster.nextSeq;
  while (isTaken(cluster, `${prefix}-${seq}`)) seq++;
  return seq;
}

function takeId(cluster: ClusterState, wanted: string | undefined, prefix: string): { id: string; cluster: ClusterState } | Rejection {
  if (wanted !== undefined) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(wanted) || wanted.length > MAX_ID) {
      return reject('bad-value', null, `"${wanted}" is not a usable id: use up to ${MAX_ID} letters, digits, "-", "_" or ".".`);
    }
    if (isTaken(cluster, wanted)) return reject('duplicate-id', null, `The id "${wanted}" is already used in this cluster; pick another.`);
    return { id: wanted, cluster };
  }
  const seq = freshSeq(cluster, prefix);
  return { id: `${prefix}-${seq}`, cluster: { ...cluster, nextSeq: seq + 1 } };
}

function createVm(state: SimState, cluster: ClusterState, action: Extract<PlayerAction, { type: 'createVm' }>): Outcome {
  const { physics, scenario, timeS: t } = state;
  if (!scenario.allow.runtimes.includes('vm')) return { rejection: notAllowed('vm') };
  const host = hostFor(state, cluster, action.hostId);
  if (isRejection(host)) return { rejection: host };
  if (!OSES.includes(action.guestOs)) return { rejection: reject('bad-value', null, `A guest OS is "linux" or "windows", not ${JSON.stringify(action.guestOs)}.`) };
  if (!Number.isInteger(action.vcpu) || action.vcpu < 1 || action.vcpu > LIMITS.maxVcpu) {
    return { rejection: reject('bad-value', null, `A VM needs a whole number of vCPUs, from 1 to ${LIMITS.maxVcpu}.`) };
  }
  if (!Number.isFinite(action.memoryMiB) || action.memoryMiB <= 0 || action.memoryMiB > LIMITS.maxVmMemoryMiB) {
    return { rejection: reject('bad-value', null, `A VM needs a positive amount of memory, at most ${fmtMiB(LIMITS.maxVmMemoryMiB)}.`) };
  }
  const build = action.windowsBuild;
  if (build !== undefined && (action.guestOs !== 'windows' || !Number.isInteger(build) || build < 6000 || build > 65_535)) {
    return { rejection: reject('bad-value', null, action.guestOs !== 'windows' ? 'A Windows build is for a Windows guest; leave it out for a Linux VM.' : 'A Windows build is a whole number such as 17763 (Windows Server 2019).') };
  }
  const noVt = noVirtualisation(state, cluster, host, null);
  if (noVt) return { rejection: noVt };
  const engine = action.containerEngine ?? false;
  const minMiB = physics.guestOsMiB[action.guestOs] + (engine ? physics.containerEngineMiB : 0) + physics.vmMinFreeMiB;
  if (action.memoryMiB < minMiB) {
    return {
      rejection: reject(
        'vm-too-small',
        'guest-os-overhead',
        `A ${OS_NAME[action.guestOs]} guest OS alone uses about ${fmtMiB(physics.guestOsMiB[action.guestOs])}${engine ? ' plus the container engine' : ''}: give this VM at least ${fmtMiB(minMiB)}.`,
      ),
    };
  }
  const fits = fitsOnHost(state, cluster, host, action.memoryMiB, action.vcpu, `a ${fmtMiB(action.memoryMiB)} VM`);
  if (fits) return { rejection: fits };
  const named = takeId(cluster, action.id, 'vm');
  if (isRejection(named)) return { rejection: named };
  const vm: VmState = {
    id: named.id,
    hostId: host.id,
    guestOs: action.guestOs,
    vcpu: action.vcpu,
    memoryMiB: action.memoryMiB,
    containerEngine: engine,
    dedicatedTo: null,
    createdAtS: t,
    upAtS: t + vmBootS(physics, action.guestOs, host),
    ...(action.guestOs === 'windows' ? { windowsBuild: build ?? physics.windowsBuild } : {}),
  };
  return { cluster: { ...named.cluster, vms: [...named.cluster.vms, vm] }, created: { kind: 'vm', id: vm.id } };
}

/** `needCpu` is vCPUs of a VM (`kind` 'vm') or a microVM; 0 for a container. Also used to move VMs and containers (migration.ts). */
export function fitsOnHost(
  state: SimState,
  cluster: ClusterState,
  host: HostState,
  needMiB: number,
  needCpu: number,
  what: string,
  containerMiBAlt?: number,
  kind: 'vm' | 'microvm' = 'vm',
): Rejection | null {
  const usage = hostUsage(state.scenario, state.physics, cluster, host);
  const freeMiB = usage.memoryMiB - usage.usedMiB;
  if (needMiB > freeMiB) return memoryRefusal(state, cluster, host, freeMiB, needMiB, what, containerMiBAlt);
  const ratio = state.physics.vcpuOvercommit;
  if (needCpu > usage.cpu) {
    // Hypervisors refuse to start a VM with more vCPUs than the host has cores: they would only wait for each other.
    return reject(
      'insufficient-cpu',
      'capacity',
      `${hostName(state.scenario, host.id)} has ${usage.cpu} cores, and ${what} asks for ${needCpu} vCPUs: a VM may share cores with others, but it cannot have more vCPUs than its host has cores. Pick a bigger host or give it fewer vCPUs.`,
    );
  }
  // vCPUs are overcommitted: the hypervisor refuses only past its allowance (a share of a core per
  // vCPU). The slack keeps ratios such as 3 from refusing on a rounding error.
  if (needCpu > 0 && usage.committedCpu + needCpu / ratio[kind] > usage.cpu + 1e-9) {
    const runs = [usage.vmVcpus ? `${usage.vmVcpus} vCPUs of VMs` : '', usage.microvmVcpus ? `${usage.microvmVcpus} of microVMs` : ''].filter(Boolean);
    return reject(
      'insufficient-cpu',
      'capacity',
      `${hostName(state.scenario, host.id)} has ${usage.cpu} cores${runs.length ? ` and already runs ${runs.join(' and ')}` : ''}, and ${what} needs ${needCpu} vCPU${needCpu > 1 ? 's' : ''}. ` +
        `A hypervisor lets vCPUs share cores, and when all are busy each gets less (steal time), but past ${ratio.vm} vCPUs per core for VMs (${ratio.microvm} for microVMs) it refuses more. ` +
        `Pick another host${kind === 'vm' ? ' or give it fewer vCPUs' : ''}.`,
    );
  }
  return null;
}

/**
 * Why it does not fit in memory, with the lesson that applies. `containerMiBAlt` is given only when
 * the app could be a container on this very host (its kernel's OS, no kernel of its own).
 */
function memoryRefusal(state: SimState, cluster: ClusterState, host: HostState, freeMiB: number, needMiB: number, what: string, containerMiBAlt?: number): Rejection {
  const name = hostName(state.scenario, host.id);
  // When only the guest OS tips it over, say so: that is the lesson, not "the host is full".
  if (containerMiBAlt !== undefined && containerMiBAlt <= freeMiB) {
    return reject(
      'insufficient-memory',
      'guest-os-overhead',
      `${name} has ${fmtMiB(freeMiB)} free, but ${what} needs ${fmtMiB(needMiB)} because a VM carries a whole guest OS. As a container here (no guest OS) it would need only ${fmtMiB(containerMiBAlt)}.`,
    );
  }
  // When guest OSes that containers would not need take more than is missing, the lesson is density.
  const spare = spareGuestOsMiB(state, cluster, host);
  if (spare.miB > 0 && spare.miB >= needMiB - freeMiB) {
    const how =
      host.platform === 'hypervisor'
        ? `Packed as containers into one VM per OS with a container engine, their apps would pay one guest OS instead of ${spare.vms} and leave room.`
        : `Containers share the host's kernel and pay no guest OS, so as containers the same apps would leave room.`;
    return reject(
      'insufficient-memory',
      'density',
      `${name} is full: ${fmtMiB(freeMiB)} free, ${what} needs ${fmtMiB(needMiB)}, and ${fmtMiB(spare.miB)} of the host goes to guest OSes of VMs whose apps could be containers. ${how}`,
    );
  }
  // Only hosts that have the room now are worth naming (a down host serves nothing).
  const roomy = cluster.hosts.filter((h) => {
    if (h.id === host.id || h.downUntilS > state.timeS) return false;
    const u = hostUsage(state.scenario, state.physics, cluster, h);
    return u.memoryMiB - u.usedMiB >= needMiB;
  });
  const total = hostUsage(state.scenario, state.physics, cluster, host).memoryMiB;
  const advice =
    needMiB > total
      ? `That is more than ${name} holds even when empty: ${roomy.length ? `pick a host with room: ${hostList(state, roomy)}` : 'no host here has that much free'}.`
      : `VM memory is reserved in full: ${roomy.length ? `pick another host with room (${hostList(state, roomy)}) or free some here` : 'free some room here first'}.`;
  return reject('insufficient-memory', 'capacity', `${name} has ${fmtMiB(freeMiB)} of memory free and ${what} needs ${fmtMiB(needMiB)}. ${advice}`);
}

/**
 * Memory this host's VMs spend on guest OSes that their work would not need as containers: on a
 * host OS, every guest of that OS whose apps need no kernel of their own; on a bare-metal
 * hypervisor (no host kernel), all but one guest OS and engine per OS.
 */
function spareGuestOsMiB(state: SimState, cluster: ClusterState, host: HostState): { miB: number; vms: number } {
  const { physics, scenario } = state;
  if (!scenario.allow.runtimes.includes('container')) return { miB: 0, vms: 0 };
  const convertible = cluster.vms.filter((vm) => {
    if (vm.hostId !== host.id) return false;
    const inside = cluster.instances.filter((i) => i.vmId === vm.id);
    if (inside.some((i) => findApp(scenario, i.appId)?.needsCustomKernel)) return false;
    return host.platform === 'hypervisor' || vm.guestOs === host.platform;
  });
  let miB = convertible.reduce((sum, vm) => sum + physics.guestOsMiB[vm.guestOs], 0);
  if (host.platform === 'hypervisor') {
    for (const os of new Set(convertible.map((vm) => vm.guestOs))) miB -= physics.guestOsMiB[os] + physics.containerEngineMiB;
  }
  return { miB: Math.max(0, miB), vms: convertible.length };
}

function deleteVm(state: SimState, cluster: ClusterState, vmId: string): Outcome {
  const vm = findVm(cluster, vmId);
  if (!vm) return { rejection: reject('unknown-vm', null, `There is no VM "${vmId}" in this cluster.`) };
  const inside = cluster.instances.filter((i) => i.vmId === vm.id);
  // Its disk goes with it: a later VM under the same id starts with no images.
  const { [`vm:${vm.id}`]: _gone, ...images } = cluster.images;
  return { cluster: retire({ ...cluster, vms: cluster.vms.filter((v) => v.id !== vm.id), images }, inside, state.timeS, 'removed') };
}

export function retire(cluster: ClusterState, gone: readonly InstanceState[], t: number, reason: 'removed' | 'hostFailure'): ClusterState {
  if (gone.length === 0) return cluster;
  const ids = new Set(gone.map((i) => i.id));
  return {
    ...cluster,
    instances: cluster.instances.filter((i) => !ids.has(i.id)),
    retired: [
      ...cluster.retired,
      ...gone.map((i) => ({ id: i.id, appId: i.appId, runtime: i.runtime, hostId: i.hostId, vmId: i.vmId, readyAtS: i.readyAtS, removedAtS: t, reason, ...(i.isolation ? { isolation: i.isolation } : {}) })),
    ],
  };
}

function remove(state: SimState, cluster: ClusterState, instanceId: string): Outcome {
  const inst = findInstance(cluster, instanceId);
  if (!inst) return { rejection: reject('unknown-instance', null, `There is no instance "${instanceId}" in this cluster.`) };
  let next = retire(cluster, [inst], state.timeS, 'removed');
  // A `deploy {runtime: vm}` VM exists for its one instance and goes with it.
  if (inst.runtime === 'vm' && inst.vmId) next = { ...next, vms: next.vms.filter((v) => v.id !== inst.vmId) };
  return { cluster: next };
}

/**
 * A container's cgroup settings: `cpu` is cpu.max (a hard cap in cores), `weight` cpu.weight (its
 * share under contention), `memoryMiB` memory.max. An omitted field stays as it is, so an old log's
 * `{cpu}` means what it meant; null removes a limit.
 */
function setLimits(state: SimState, cluster: ClusterState, action: Extract<PlayerAction, { type: 'setLimits' }>): Outcome {
  const { cpu, weight, memoryMiB } = action;
  const t = state.timeS;
  const inst = findInstance(cluster, action.instanceId);
  if (!inst) return { rejection: reject('unknown-instance', null, `There is no instance "${action.instanceId}" in this cluster.`) };
  if (inst.runtime !== 'container') {
    return {
      rejection: reject(
        'not-a-container',
        'noisy-neighbour',
        `${inst.id} is a ${inst.runtime === 'vm' ? 'VM' : 'microVM'}: its vCPUs already cap what it can use (busy neighbours on its host can still make it wait, as steal time). CPU and memory limits and weights (cgroups) are for containers that share a kernel.`,
      ),
    };
  }
  if (cpu === undefined && weight === undefined && memoryMiB === undefined) {
    return { rejection: reject('bad-value', null, 'Say what to set: a CPU limit (cpu), a CPU weight (weight) or a memory limit (memoryMiB).') };
  }
  if (cpu !== undefined && cpu !== null && (typeof cpu !== 'number' || !Number.isFinite(cpu) || cpu < LIMITS.minCpuLimit || cpu > LIMITS.maxCpuLimit)) {
    return { rejection: reject('bad-value', null, `A CPU limit is from ${LIMITS.minCpuLimit} to ${LIMITS.maxCpuLimit} cores, or null to remove it.`) };
  }
  if (weight !== undefined && (typeof weight !== 'number' || !Number.isInteger(weight) || weight < CPU_WEIGHT.min || weight > CPU_WEIGHT.max)) {
    return { rejection: reject('bad-value', null, `A CPU weight (cgroup cpu.weight) is a whole number from ${CPU_WEIGHT.min} to ${CPU_WEIGHT.max}; the default is ${CPU_WEIGHT.default}.`) };
  }
  if (memoryMiB !== undefined && memoryMiB !== null && (typeof memoryMiB !== 'number' || !Number.isFinite(memoryMiB) || memoryMiB < 1 || memoryMiB > LIMITS.maxVmMemoryMiB)) {
    return { rejection: reject('bad-value', null, `A memory limit is from 1 MiB to ${fmtMiB(LIMITS.maxVmMemoryMiB)}, or null to remove it.`) };
  }
  const app = findApp(state.scenario, inst.appId)!;
  let next: InstanceState = {
    ...inst,
    ...(cpu !== undefined ? { cpuLimit: cpu } : {}),
    ...(weight !== undefined ? { cpuWeight: weight } : {}),
    ...(memoryMiB !== undefined ? { memoryLimitMiB: memoryMiB } : {}),
  };
  const wasKilled = isOomKilled(app, inst);
  const killed = isOomKilled(app, next);
  if (wasKilled && !killed) {
    // Out of the crash loop: it starts once more, now with room.
    const { oomSinceS: _ended, ...rest } = next;
    next = { ...rest, upAtS: Math.max(inst.upAtS, t + instanceStartS(state.physics, app, inst)) };
  } else if (killed && !wasKilled) {
    // Killed as soon as it runs: now, or when it first starts.
    next = { ...next, oomSinceS: Math.max(t, inst.upAtS) };
  }
  const updated: ClusterState = { ...cluster, instances: cluster.instances.map((i) => (i.id === inst.id ? next : i)) };
  if (!killed || wasKilled) return { cluster: updated };
  return {
    cluster: withIncident(
      updated,
      draft(
        'oomKill',
        'capacity',
        t,
        [next],
        `memory.max of ${fmtMiB(next.memoryLimitMiB!)} is below the ${fmtMiB(app.memoryMiB)} that ${app.name} needs: the kernel's OOM killer ends it each time it starts, so it restarts in a loop and serves nothing. Raise the limit to at least ${fmtMiB(app.memoryMiB)}, or remove it.`,
      ),
    ),
  };
}

const notAllowed = (runtime: Runtime): Rejection =>
  reject('runtime-not-allowed', null, `This scenario does not offer ${runtime === 'vm' ? 'VMs' : runtime === 'microvm' ? 'microVMs' : 'containers'}; use one of the runtimes it allows.`);

function deploy(state: SimState, cluster: ClusterState, action: Extract<PlayerAction, { type: 'deploy' }>): Outcome {
  const { scenario, physics, timeS: t } = state;
  const app = findApp(scenario, action.appId);
  if (!app) return { rejection: reject('unknown-app', null, `There is no app "${action.appId}" in this scenario.`) };
  if (!scenario.allow.runtimes.includes(action.runtime)) return { rejection: notAllowed(action.runtime) };
  const isolation = action.isolation;
  if (isolation !== undefined && !ISOLATIONS.includes(isolation as string)) return { rejection: reject('bad-value', null, `A container's isolation is "process" or "hyperv", not ${JSON.stringify(isolation)}.`) };
  if (isolation !== undefined && action.runtime !== 'container') {
    return { rejection: reject('bad-value', null, `Isolation is a choice for Windows containers: a ${action.runtime === 'vm' ? 'VM' : 'microVM'} has a kernel of its own already, so leave it out.`) };
  }

  let placed: Omit<InstanceState, 'id'> | Rejection;
  let vmToAdd: ((id: string) => VmState) | null = null;
  if (action.runtime === 'container') {
    placed = placeContainer(state, cluster, app, action.target, isolation);
  } else if (action.runtime === 'microvm') {
    placed = placeMicrovm(state, cluster, app, action.target);
  } else {
    const host = findHost(cluster, action.target);
    if (!host && findVm(cluster, action.target)) {
      const hosts = vmHosts(state, cluster);
      placed = reject(
        'vm-in-vm',
        'hypervisor-type',
        `A VM runs on a host's hypervisor, not inside another VM here (nested virtualisation costs 10 % or more). ${hosts.length ? `Choose a host with hardware virtualisation as the target: ${hostList(state, hosts)}.` : 'No host that is up here has hardware virtualisation for it.'}`,
      );
    } else {
      const h = hostFor(state, cluster, action.target);
      const noVt = isRejection(h) ? null : noVirtualisation(state, cluster, h, app);
      if (isRejection(h)) placed = h;
      else if (noVt) placed = noVt;
      else {
        const vcpu = vcpusFor(app);
        const miB = dedicatedVmMiB(physics, app);
        // The guest-OS hint only where the app could be a container on this host's own kernel.
        const asContainer = containerFitsKernel(state, app, h) ? containerNeedMiB(state, app, h) : undefined;
        const fits = fitsOnHost(state, cluster, h, miB, vcpu, `${app.name} as a VM`, asContainer);
        if (fits) placed = fits;
        else {
          const upAtS = t + vmBootS(physics, app.os, h);
          const pulledAtS = upAtS + app.imageMiB / physics.imagePullMiBPerS;
          const readyAtS = pulledAtS + physics.containerStartS[app.os];
          vmToAdd = (instanceId) => ({
            id: `${instanceId}-vm`,
            hostId: h.id,
            guestOs: app.os,
            vcpu,
            memoryMiB: miB,
            containerEngine: false,
            dedicatedTo: instanceId,
            createdAtS: t,
            upAtS,
            // A lifted server keeps the Windows it ran on.
            ...(app.os === 'windows' ? { windowsBuild: app.windowsBuild ?? physics.windowsBuild } : {}),
          });
          placed = { appId: app.id, runtime: 'vm', hostId: h.id, vmId: null, createdAtS: t, pulledAtS, readyAtS, upAtS: readyAtS, cpuLimit: null, breached: false };
        }
      }
    }
  }
  if (isRejection(placed)) return { rejection: placed };

  const named = takeId(cluster, action.id, app.id);
  if (isRejection(named)) return { rejection: named };
  // A new VM always pulls; a container or microVM pulls only if its engine lacks the image, and
  // only the layers above a base it has.
  const freshPull = vmToAdd !== null || imageAt(cluster, engineKey(placed), app.id) === undefined;
  const image = vmToAdd ? { miB: app.imageMiB } : imageOn(state, cluster, placed, app);
  const pull = vmToAdd ? { miB: app.imageMiB, baseAtS: undefined } : pullFor(cluster, engineKey(placed), image);
  let next = named.cluster;
  let inst: InstanceState = { ...placed, id: named.id };
  if (vmToAdd) {
    const vm = vmToAdd(named.id);
    if (next.vms.some((v) => v.id === vm.id) || next.instances.some((i) => i.id === vm.id)) {
      return { rejection: reject('duplicate-id', null, `The id "${vm.id}" is already used in this cluster; pick another instance id.`) };
    }
    inst = { ...inst, vmId: vm.id };
    next = { ...next, vms: [...next.vms, vm] };
  } else {
    // Record the image, and the base it is built on, on its engine: later deploys there reuse them.
    const key = engineKey(inst);
    next = recordImage(next, key, app.id, inst.pulledAtS);
    if (image.base) next = recordImage(next, key, baseKey(image.base.id), inst.pulledAtS);
  }
  next = { ...next, instances: [...next.instances, inst] };
  if (isHyperv(inst) && isolation === undefined) next = hypervNotice(state, next, inst, app);
  return { cluster: freshPull ? slowPullNotice(state, next, inst, app, image, pull.miB, pull.baseAtS !== undefined) : next, created: { kind: 'instance', id: inst.id } };
}

/** The image a container or microVM uses on its engine: a Windows one is of that engine's kernel build, or its own. */
function imageOn(state: SimState, cluster: ClusterState, inst: Omit<InstanceState, 'id'>, app: App): Image {
  if (app.os !== 'windows') return containerImage(state.physics, app);
  const vm = inst.vmId ? findVm(cluster, inst.vmId) : undefined;
  return containerImage(state.physics, app, vm ? vmBuild(state, vm) : hostBuild(state, inst.hostId));
}

/** Told when the engine chose Hyper-V isolation itself: the build did not match, and this is what it costs. */
function hypervNotice(state: SimState, cluster: ClusterState, inst: InstanceState, app: App): ClusterState {
  const { physics } = state;
  // Once per app and host: the next replica there costs the same, for the same reason.
  const earlier = cluster.incidents.filter((i) => i.type === 'hypervIsolation' && i.appIds.includes(app.id));
  if (earlier.length) {
    const hostOf = new Map([...cluster.retired, ...cluster.instances].map((i) => [i.id, i.hostId]));
    if (earlier.some((i) => i.instanceIds.some((id) => id !== inst.id && hostOf.get(id) === inst.hostId))) return cluster;
  }
  const kernel = hostBuild(state, inst.hostId);
  const image = app.windowsBuild ?? kernel;
  return withIncident(
    cluster,
    draft(
      'hypervIsolation',
      'os-compatibility',
      state.timeS,
      [inst],
      `${app.name}'s image is made for ${buildName(image)} and ${hostName(state.scenario, inst.hostId)} runs ${buildName(kernel)}. A Windows container in process isolation needs the same build as the host's kernel, so it runs with Hyper-V isolation: in a small utility VM with a ${releaseName(image)} kernel of its own, which reserves another ${fmtMiB(physics.hypervIsolation.memoryMiB)} and boots for about ${fmtS(physics.hypervIsolation.bootS)} before the container starts. A ${releaseName(image)} host or VM would run it on its own kernel instead.`,
    ),
  );
}

/** Image-store keys: an app's image by its app id, a base image as `base:ID` (no app id has a colon). */
const baseKey = (baseId: string): string => `base:${baseId}`;

function recordImage(cluster: ClusterState, key: string, image: string, atS: number): ClusterState {
  const have = imageAt(cluster, key, image);
  if (have !== undefined && have <= atS) return cluster;
  const onEngine = Object.hasOwn(cluster.images, key) ? cluster.images[key] : {};
  // Computed keys define own properties, so even an id like `__proto__` is stored as data.
  return { ...cluster, images: { ...cluster.images, [key]: { ...onEngine, [image]: atS } } };
}

/**
 * What an engine must pull for an image: all of it, or only the layers above its base when the
 * engine already has (or is already pulling) that base for another app. S [15]: read-only layers
 * are shared.
 */
function pullFor(cluster: ClusterState, key: string, image: Image): { miB: number; baseAtS: number | undefined } {
  const base = image.base;
  const baseAtS = base ? imageAt(cluster, key, baseKey(base.id)) : undefined;
  return { miB: base && baseAtS !== undefined ? Math.max(0, image.miB - base.miB) : image.miB, baseAtS };
}

/** A first pull this slow is worth telling the player about: it is image size they chose. */
const SLOW_PULL_S = 10;

/**
 * Says what is true of this engine's image store: a host's is shared by its containers and
 * microVMs, a VM's by the containers in it, and a new VM of its own starts with an empty disk.
 */
function slowPullNotice(state: SimState, cluster: ClusterState, inst: InstanceState, app: App, image: Image, pullMiB: number, baseShared: boolean): ClusterState {
  const pullS = pullMiB / state.physics.imagePullMiBPerS;
  if (pullS < SLOW_PULL_S) return cluster;
  const host = hostName(state.scenario, inst.hostId);
  const vm = inst.vmId ? cluster.vms.find((v) => v.id === inst.vmId) : undefined;
  const serverCore = inst.runtime !== 'vm' && image.base?.serverCore ? image.base : undefined;
  const baseName = serverCore ? `Windows Server Core (build ${serverCore.id.slice(serverCore.id.indexOf(':') + 1)})` : image.base?.id;
  let what = baseShared ? `${app.name}'s image shares its ${baseName} base with one already there, but the other ${fmtMiB(pullMiB)} of it` : `${app.name}'s ${fmtMiB(pullMiB)} image`;
  // The .NET Framework runs only on Server Core's base, which is most of the image: say so.
  if (serverCore && !baseShared) what = `${app.name} needs the .NET Framework, so its container image is built on the ${fmtMiB(serverCore.miB)} Windows Server Core base, and all ${fmtMiB(pullMiB)} of it`;
  let where: string;
  let reuse: string;
  if (inst.runtime === 'vm') {
    where = `into its new VM on ${host} once the guest has booted`;
    reuse = 'Every new VM of it pulls the image again onto its own fresh disk';
  } else if (vm) {
    const name = vmName(state.scenario, cluster, vm);
    where = `into ${name}`;
    reuse = `Later containers of it in ${name} reuse it, but another VM pulls its own copy`;
  } else {
    where = `onto ${host}`;
    reuse = `Later containers${app.os === 'linux' ? ' and microVMs' : ''} of it on ${host} reuse it`;
  }
  return withIncident(
    cluster,
    draft('imagePull', 'image-size', state.timeS, [inst], `${what} must first be pulled ${where}: about ${fmtS(pullS)} before it can start. ${reuse}; smaller images start sooner.`),
  );
}

/** When an app's image is on an engine: already there, arriving, or pulled from `startS` on. */
function imageArrival(state: SimState, cluster: ClusterState, key: string, app: App, image: Image, startS: number): number {
  const have = imageAt(cluster, key, app.id);
  if (have !== undefined) return Math.max(startS, have);
  const pull = pullFor(cluster, key, image);
  // The base may still be arriving for another app: the image is whole once both are in.
  return Math.max(startS + pull.miB / state.physics.imagePullMiBPerS, pull.baseAtS ?? startS);
}

function placeContainer(state: SimState, cluster: ClusterState, app: App, target: string, wanted?: Isolation): Omit<InstanceState, 'id'> | Rejection {
  const { physics, timeS: t } = state;
  if (app.needsCustomKernel) {
    const homes = ownKernelHomes(state, cluster, app);
    return reject(
      'needs-own-kernel',
      'custom-kernel',
      `${app.name} needs a kernel of its own (its own module or version), but containers share the kernel they run on. ${homes.length ? `Run it as ${listOf(homes)}.` : 'No host that is up here can give it one now: a VM or microVM needs hardware virtualisation (VT-x/AMD-V).'}`,
    );
  }
  if (app.os === 'windows' && app.windowsBuild !== undefined && app.windowsBuild < FIRST_CONTAINER_BUILD) return noWindowsImage(state, cluster, app);
  if (app.os !== 'windows' && wanted === 'hyperv') {
    const homes = ownKernelHomes(state, cluster, app);
    return reject(
      'not-a-windows-container',
      'os-compatibility',
      `Hyper-V isolation is a way to run Windows containers, and ${app.name} is a Linux app. ${homes.length ? `For a kernel of its own, run it as ${listOf(homes)} (Kata Containers is the Linux counterpart).` : 'No host that is up here can give it a kernel of its own now.'}`,
    );
  }
  const need = containerMiB(physics, app);
  const vm = findVm(cluster, target);
  if (vm) {
    const name = vmName(state.scenario, cluster, vm);
    if (!vm.containerEngine) return noContainerEngine(state, cluster, app, name);
    const wrong = wrongKernel(state, cluster, app, vm.guestOs, `the ${OS_NAME[vm.guestOs]} kernel of ${name}`, null);
    if (wrong) return wrong;
    if (app.os === 'windows') {
      const plan = windowsIsolation(app, vmBuild(state, vm), false, true, wanted);
      if ('problem' in plan) return windowsRefusal(state, cluster, app, plan.problem, name, vmBuild(state, vm), wanted);
    }
    const host = hostFor(state, cluster, vm.hostId);
    if (isRejection(host)) return host;
    const usage = vmUsage(state.scenario, physics, cluster, vm);
    if (usage.usedMiB + need > usage.memoryMiB) {
      return reject(
        'insufficient-memory',
        'capacity',
        `${name} has ${fmtMiB(usage.memoryMiB - usage.usedMiB)} left after its guest OS (${fmtMiB(usage.guestOsMiB)}) and what already runs in it; ${app.name} needs ${fmtMiB(need)}. Use a bigger VM or another target.`,
      );
    }
    const startS = Math.max(t, vm.upAtS);
    const image = containerImage(physics, app, app.os === 'windows' ? vmBuild(state, vm) : undefined);
    const pulledAtS = imageArrival(state, cluster, `vm:${vm.id}`, app, image, startS);
    const readyAtS = pulledAtS + physics.containerStartS[app.os];
    return { appId: app.id, runtime: 'container', hostId: vm.hostId, vmId: vm.id, createdAtS: t, pulledAtS, readyAtS, upAtS: readyAtS, cpuLimit: null, breached: false };
  }
  const host = hostFor(state, cluster, target);
  if (isRejection(host)) return host;
  const name = hostName(state.scenario, host.id);
  if (host.platform === 'hypervisor') {
    const options: string[] = [];
    if (host.kvm && state.scenario.allow.runtimes.includes('vm')) options.push('create a VM with a container engine there');
    if (state.scenario.allow.changePlatform) options.push('make it a Linux or Windows host while it is empty');
    const homes = containerHomes(state, cluster, app);
    if (homes.length) options.push(`deploy it on ${listOf(homes)}`);
    return reject(
      'no-host-os',
      'hypervisor-type',
      `${name} runs a bare-metal (type-1) hypervisor: there is no host OS and no container engine on it.${options.length ? ` ${capitalise(listOf(options))}.` : ''}`,
    );
  }
  const wrong = wrongKernel(state, cluster, app, host.platform, `the ${OS_NAME[host.platform]} kernel of ${name}`, host);
  if (wrong) return wrong;
  let isolation: Isolation = 'process';
  if (app.os === 'windows') {
    const plan = windowsIsolation(app, hostBuild(state, host.id), true, host.kvm, wanted);
    if ('problem' in plan) return windowsRefusal(state, cluster, app, plan.problem, name, hostBuild(state, host.id), wanted);
    isolation = plan.isolation;
  }
  const hyperv = isolation === 'hyperv';
  // A utility VM is a small VM: its memory is reserved in full and its vCPUs count as a VM's.
  const fits = hyperv
    ? fitsOnHost(state, cluster, host, hypervMiB(physics, app), vcpusFor(app), `${app.name} in a Hyper-V utility VM`)
    : fitsOnHost(state, cluster, host, need, 0, `${app.name} as a container`);
  if (fits) return fits;
  const image = containerImage(physics, app, app.os === 'windows' ? hostBuild(state, host.id) : undefined);
  const pulledAtS = imageArrival(state, cluster, `host:${host.id}`, app, image, t);
  const readyAtS = pulledAtS + physics.containerStartS[app.os] + (hyperv ? physics.hypervIsolation.bootS : 0);
  return {
    appId: app.id,
    runtime: 'container',
    hostId: host.id,
    vmId: null,
    createdAtS: t,
    pulledAtS,
    readyAtS,
    upAtS: readyAtS,
    cpuLimit: null,
    ...(hyperv ? { isolation: 'hyperv' as const } : {}),
    breached: false,
  };
}

/** Where a Windows app could be given a VM: "a Windows VM of its own on A or B". */
function windowsVmHomes(state: SimState, cluster: ClusterState): string | null {
  const hosts = vmHosts(state, cluster);
  return hosts.length ? `a Windows VM of its own on ${hostList(state, hosts)}` : null;
}

/** What the app needs as a container straight on this host: a Windows one may need a Hyper-V utility VM there. */
function containerNeedMiB(state: SimState, app: App, host: HostState): number {
  if (app.os !== 'windows') return containerMiB(state.physics, app);
  const plan = windowsIsolation(app, hostBuild(state, host.id), true, host.kvm);
  return 'isolation' in plan && plan.isolation === 'hyperv' ? hypervMiB(state.physics, app) : containerMiB(state.physics, app);
}

/** Windows containers began with Windows Server 2016: an app for an older build has no image to be. */
function noWindowsImage(state: SimState, cluster: ClusterState, app: App): Rejection {
  const home = windowsVmHomes(state, cluster);
  return reject(
    'no-windows-container-image',
    'os-compatibility',
    `${app.name} runs on ${buildName(app.windowsBuild!)}, and Windows containers began with ${buildName(FIRST_CONTAINER_BUILD)}: there is no container base image to build it on, in either isolation mode. ${home ? `Lift it into a VM as it is: ${home}.` : 'Only a VM could run it as it is, and no host that is up here can run one now.'}`,
  );
}

/**
 * Why this Windows kernel cannot run the app as a container, and what would: process isolation needs
 * the image's own build; Hyper-V isolation a host (not a VM) of that build or newer, with VT-x/AMD-V.
 */
function windowsRefusal(state: SimState, cluster: ClusterState, app: App, problem: WindowsProblem, where: string, kernel: number, wanted: Isolation | undefined): Rejection {
  const image = app.windowsBuild ?? kernel;
  const options: string[] = [];
  const homes = containerHomes(state, cluster, app).filter((h) => h !== where);
  if (homes.length) options.push(`deploy it as a container on ${listOf(homes)}`);
  if (app.windowsBuild !== undefined && state.scenario.allow.runtimes.includes('vm') && vmHosts(state, cluster).length) {
    options.push(`create a ${releaseName(image)} VM with a container engine (windowsBuild ${image}) to run it in process isolation`);
  }
  const home = windowsVmHomes(state, cluster);
  if (home) options.push(`give it ${home}`);
  const advice = options.length ? ` ${capitalise(listOf(options))}.` : '';
  const mismatch = `${app.name}'s image is made for ${buildName(image)} and ${where} runs ${buildName(kernel)}: a Windows container in process isolation shares the kernel, and Windows blocks an image of another build.`;
  switch (problem) {
    case 'image-too-old':
      return noWindowsImage(state, cluster, app);
    case 'kernel-too-old':
      return reject(
        'windows-build-mismatch',
        'os-compatibility',
        `${capitalise(where)} runs ${buildName(kernel)}, older than Windows containers (they began with ${buildName(FIRST_CONTAINER_BUILD)}), so it has no container engine.${advice}`,
      );
    case 'build-mismatch':
      return reject('windows-build-mismatch', 'os-compatibility', `${mismatch}${wanted === 'process' ? ' Hyper-V isolation (a utility VM with a kernel of its own) would lift that limit, on a host of that build or newer.' : ''}${advice}`);
    case 'hyperv-in-vm':
      return reject(
        wanted === 'hyperv' ? 'vm-in-vm' : 'windows-build-mismatch',
        wanted === 'hyperv' ? 'hypervisor-type' : 'os-compatibility',
        `${wanted === 'hyperv' ? '' : `${mismatch} `}Hyper-V isolation would need its utility VM inside ${where} (nested virtualisation), which this cluster does not offer.${advice}`,
      );
    case 'no-virtualisation':
      return reject(
        'no-kvm',
        'hypervisor-type',
        `${wanted === 'hyperv' ? '' : `${mismatch} `}Hyper-V isolation runs it in a utility VM of its own, and ${where} has no hardware virtualisation (VT-x/AMD-V) for one.${advice}`,
      );
    case 'image-newer':
      return reject(
        'windows-build-mismatch',
        'os-compatibility',
        `${app.name}'s image is made for ${buildName(image)}, newer than the ${buildName(kernel)} of ${where}: process isolation needs the same build, and a host runs Hyper-V utility VMs only of its own build or older.${advice}`,
      );
    default: {
      const never: never = problem;
      throw new Error(`unknown Windows problem ${String(never)}`);
    }
  }
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** A VM is a whole machine with only its guest OS in it: containers need an engine installed there. */
function noContainerEngine(state: SimState, cluster: ClusterState, app: App, vm: string): Rejection {
  const options: string[] = [];
  const homes = containerHomes(state, cluster, app);
  if (homes.length) options.push(`deploy ${app.name} as a container on ${listOf(homes)}`);
  if (vmHosts(state, cluster).length) options.push(`create a ${OS_NAME[app.os]} VM with a container engine`, `deploy ${app.name} as a VM of its own`);
  return reject(
    'no-container-engine',
    'os-compatibility',
    `${capitalise(vm)} has no container engine, so it cannot run containers: a VM holds only its guest OS until an engine such as Docker or containerd runs in it.${options.length ? ` ${capitalise(listOf(options))}.` : ''}`,
  );
}

/**
 * Rule 1: a container runs only on a kernel of its own OS. `host` is the target when it is a host
 * (a Linux VM with an engine could go in between there).
 */
function wrongKernel(state: SimState, cluster: ClusterState, app: App, kernelOs: Os, where: string, host: HostState | null): Rejection | null {
  if (app.os === kernelOs) return null;
  const homes = containerHomes(state, cluster, app);
  const vmsHere = vmHosts(state, cluster);
  const options: string[] = [];
  if (app.os === 'linux') {
    if (host && vmsHere.some((h) => h.id === host.id)) {
      options.push('put a Linux VM with a container engine in between on this host (that is how Docker Desktop and WSL2 run Linux containers on Windows)');
    } else if (vmsHere.length) {
      options.push(`put it in a Linux VM with a container engine, on ${hostList(state, vmsHere)}`);
    }
    if (homes.length) options.push(`deploy it as a container on ${listOf(homes)}`);
    return reject(
      'needs-linux-kernel',
      'os-compatibility',
      `${app.name} is a Linux app and a container uses the kernel under it, so it cannot run on ${where}.${options.length ? ` ${capitalise(listOf(options))}.` : ''}`,
    );
  }
  if (homes.length) options.push(`run it as a container on ${listOf(homes)}`);
  // Its image runs in process isolation only on its own build.
  if (vmsHere.length) options.push(`in a ${app.windowsBuild ? releaseName(app.windowsBuild) : 'Windows'} VM with a container engine`, 'as a Windows VM of its own');
  return reject(
    'foreign-kernel',
    'shared-kernel',
    `Containers share the kernel they run on, and ${app.name} needs a Windows kernel, so it cannot be a container on ${where}.${options.length ? ` ${homes.length ? capitalise(listOf(options)) : `Run it ${listOf(options)}`}.` : ''}`,
  );
}

function placeMicrovm(state: SimState, cluster: ClusterState, app: App, target: string): Omit<InstanceState, 'id'> | Rejection {
  const { physics, timeS: t } = state;
  if (app.os === 'windows') {
    const options: string[] = [];
    if (vmHosts(state, cluster).length) options.push('give it a Windows VM of its own');
    const homes = containerHomes(state, cluster, app);
    if (homes.length) options.push(`run it as a container on ${listOf(homes)}`);
    return reject(
      'microvm-linux-only',
      'os-compatibility',
      `MicroVMs (Firecracker, Kata) boot a minimal Linux kernel, so they cannot run ${app.name}, a Windows app.${options.length ? ` ${capitalise(listOf(options))}.` : ''}`,
    );
  }
  if (findVm(cluster, target)) {
    return reject(
      'vm-in-vm',
      'hypervisor-type',
      `A microVM needs hardware virtualisation on the host itself; inside a VM that would mean nested virtualisation, which this cluster does not offer. ${microvmAdvice(state, cluster, app, null)}`,
    );
  }
  const host = hostFor(state, cluster, target);
  if (isRejection(host)) return host;
  const name = hostName(state.scenario, host.id);
  if (!host.kvm) {
    return reject(
      'no-kvm',
      'hypervisor-type',
      `${name} has no hardware virtualisation (VT-x/AMD-V), and a microVM is a real, if tiny, VM: Firecracker runs on KVM, which needs it. ${microvmAdvice(state, cluster, app, host)}`,
    );
  }
  if (host.platform === 'windows') {
    return reject(
      'microvm-needs-linux-host',
      'os-compatibility',
      `Firecracker and Kata run on Linux's KVM, and ${name} runs Windows. ${microvmAdvice(state, cluster, app, host)}`,
    );
  }
  const fits = fitsOnHost(state, cluster, host, microvmMiB(physics, app), vcpusFor(app), `${app.name} as a microVM`, undefined, 'microvm');
  if (fits) return fits;
  const pulledAtS = imageArrival(state, cluster, `host:${host.id}`, app, containerImage(physics, app), t);
  const readyAtS = pulledAtS + microvmStartS(physics);
  return { appId: app.id, runtime: 'microvm', hostId: host.id, vmId: null, createdAtS: t, pulledAtS, readyAtS, upAtS: readyAtS, cpuLimit: null, breached: false };
}

/**
 * Where a Linux app refused as a microVM could go: a Linux or bare-metal host with VT-x/AMD-V; else
 * a VM of its own on the refused host; else, for trusted code only, a container on that host.
 */
function microvmAdvice(state: SimState, cluster: ClusterState, app: App, refused: HostState | null): string {
  const micro = microvmHosts(state, cluster).filter((h) => h.id !== refused?.id);
  if (micro.length) return `Choose a Linux or bare-metal host with hardware virtualisation: ${hostList(state, micro)}.`;
  const options: string[] = [];
  if (refused && vmHosts(state, cluster).some((h) => h.id === refused.id)) options.push(`a Linux VM of its own here would run it, at VM boot speed`);
  else if (vmHosts(state, cluster).length) options.push(`a Linux VM of its own on ${hostList(state, vmHosts(state, cluster))} would run it, at VM boot speed`);
  if (refused && app.trust === 'trusted' && containerFitsKernel(state, app, refused)) options.push('as a trusted app it could be a container here, sharing the host kernel');
  return options.length ? `No host here can run microVMs, but ${listOf(options)}.` : 'No host that is up here can run it with a kernel of its own.';
}
