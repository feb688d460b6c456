import type { App, ClusterState, Created, HostState, InstanceState, Os, PlayerAction, Rejection, Runtime, SimState, VmState } from './types.ts';
import { draft, withIncident } from './incidents.ts';
import { LIMITS } from './limits.ts';
import { fmtMiB, fmtS, reject } from './rejection.ts';
import {
  containerMiB,
  dedicatedVmMiB,
  engineKey,
  findApp,
  findHost,
  findInstance,
  findVm,
  hostUsage,
  imageAt,
  isEmptyHost,
  microvmMiB,
  vcpusFor,
  vmBootS,
  vmUsage,
} from './topology.ts';

type Outcome = { cluster: ClusterState; created?: Created } | { rejection: Rejection };
const OS_NAME: Record<Os, string> = { linux: 'Linux', windows: 'Windows' };
// Actions may come from callers that skipped the protocol's schema; an unknown OS or platform would
// look up undefined figures and turn into NaN.
const OSES: readonly string[] = ['linux', 'windows'];
const PLATFORMS: readonly string[] = ['linux', 'windows', 'hypervisor'];
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
      return setLimits(cluster, action.instanceId, action.cpu);
    case 'ready':
      return { cluster: { ...cluster, ready: action.ready ?? true } };
    default: {
      const never: never = action;
      return { rejection: reject('unknown-action', null, `Unknown action ${JSON.stringify((never as { type: unknown }).type)}.`) };
    }
  }
}

function hostFor(cluster: ClusterState, hostId: string, t: number): HostState | Rejection {
  const host = findHost(cluster, hostId);
  if (!host) return reject('unknown-host', null, `There is no host "${hostId}" in this cluster.`);
  if (host.downUntilS > t) {
    return reject('host-down', 'capacity', `${host.id} is down until second ${Math.ceil(host.downUntilS)}: place this on another host for now.`);
  }
  return host;
}

const isRejection = (x: object): x is Rejection => 'code' in x && 'message' in x && !('id' in x);

function configureHost(state: SimState, cluster: ClusterState, hostId: string, platform: HostState['platform']): Outcome {
  if (!state.scenario.allow.changePlatform) {
    return { rejection: reject('platform-change-not-allowed', null, 'This scenario fixes what runs on each host; place your apps on the platforms given.') };
  }
  if (!PLATFORMS.includes(platform)) return { rejection: reject('bad-value', null, `A host runs "linux", "windows" or "hypervisor", not ${JSON.stringify(platform)}.`) };
  const host = hostFor(cluster, hostId, state.timeS);
  if (isRejection(host)) return { rejection: host };
  if (host.platform === platform) return { cluster };
  if (!isEmptyHost(cluster, host.id)) {
    return {
      rejection: reject(
        'host-not-empty',
        'hypervisor-type',
        `Changing what runs on ${host.id}'s bare metal means reinstalling it, which would wipe what is placed there. Remove its VMs and containers first.`,
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
  const host = hostFor(cluster, action.hostId, t);
  if (isRejection(host)) return { rejection: host };
  if (!OSES.includes(action.guestOs)) return { rejection: reject('bad-value', null, `A guest OS is "linux" or "windows", not ${JSON.stringify(action.guestOs)}.`) };
  if (!Number.isInteger(action.vcpu) || action.vcpu < 1 || action.vcpu > LIMITS.maxVcpu) {
    return { rejection: reject('bad-value', null, `A VM needs a whole number of vCPUs, from 1 to ${LIMITS.maxVcpu}.`) };
  }
  if (!Number.isFinite(action.memoryMiB) || action.memoryMiB <= 0 || action.memoryMiB > LIMITS.maxVmMemoryMiB) {
    return { rejection: reject('bad-value', null, `A VM needs a positive amount of memory, at most ${fmtMiB(LIMITS.maxVmMemoryMiB)}.`) };
  }
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
  };
  return { cluster: { ...named.cluster, vms: [...named.cluster.vms, vm] }, created: { kind: 'vm', id: vm.id } };
}

function fitsOnHost(state: SimState, cluster: ClusterState, host: HostState, needMiB: number, needCpu: number, what: string, containerMiBAlt?: number): Rejection | null {
  const usage = hostUsage(state.scenario, state.physics, cluster, host);
  const freeMiB = usage.memoryMiB - usage.usedMiB;
  if (needMiB > freeMiB) {
    // When only the guest OS tips it over, say so: that is the lesson, not "the host is full".
    if (containerMiBAlt !== undefined && containerMiBAlt <= freeMiB) {
      return reject(
        'insufficient-memory',
        'guest-os-overhead',
        `${host.id} has ${fmtMiB(freeMiB)} free, but ${what} needs ${fmtMiB(needMiB)} because a VM carries a whole guest OS. As a container (no guest OS) it would need only ${fmtMiB(containerMiBAlt)}.`,
      );
    }
    // When guest OSes of this host's VMs take more than is missing, the lesson is density.
    const guestOsMiB = cluster.vms.filter((v) => v.hostId === host.id).reduce((sum, v) => sum + state.physics.guestOsMiB[v.guestOs], 0);
    if (guestOsMiB >= needMiB - freeMiB) {
      return reject(
        'insufficient-memory',
        'density',
        `${host.id} is full: ${fmtMiB(freeMiB)} free, ${what} needs ${fmtMiB(needMiB)}, and ${fmtMiB(guestOsMiB)} of the host goes to the guest OSes of its VMs. Containers share one kernel and pay no guest OS, so as containers the same apps would leave room.`,
      );
    }
    return reject('insufficient-memory', 'capacity', `${host.id} has ${fmtMiB(freeMiB)} of memory free and ${what} needs ${fmtMiB(needMiB)}. VM memory is reserved in full: pick another host or free some room.`);
  }
  if (needCpu > 0 && usage.reservedCpu + needCpu > usage.cpu) {
    return reject(
      'insufficient-cpu',
      'capacity',
      `${host.id} has ${usage.cpu} cores and ${usage.reservedCpu} are already reserved by VMs and microVMs; ${what} needs ${needCpu} vCPU${needCpu > 1 ? 's' : ''} of its own. Pick another host.`,
    );
  }
  return null;
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
      ...gone.map((i) => ({ id: i.id, appId: i.appId, runtime: i.runtime, hostId: i.hostId, vmId: i.vmId, readyAtS: i.readyAtS, removedAtS: t, reason })),
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

function setLimits(cluster: ClusterState, instanceId: string, cpu: number | null): Outcome {
  const inst = findInstance(cluster, instanceId);
  if (!inst) return { rejection: reject('unknown-instance', null, `There is no instance "${instanceId}" in this cluster.`) };
  if (inst.runtime !== 'container') {
    return {
      rejection: reject('not-a-container', 'noisy-neighbour', `${inst.id} is a ${inst.runtime === 'vm' ? 'VM' : 'microVM'}: its vCPUs are already its own. CPU limits (cgroups) matter for containers that share a kernel.`),
    };
  }
  if (cpu !== null && (typeof cpu !== 'number' || !Number.isFinite(cpu) || cpu < LIMITS.minCpuLimit || cpu > LIMITS.maxCpuLimit)) {
    return { rejection: reject('bad-value', null, `A CPU limit is from ${LIMITS.minCpuLimit} to ${LIMITS.maxCpuLimit} cores, or null to remove it.`) };
  }
  return { cluster: { ...cluster, instances: cluster.instances.map((i) => (i.id === inst.id ? { ...i, cpuLimit: cpu } : i)) } };
}

const notAllowed = (runtime: Runtime): Rejection =>
  reject('runtime-not-allowed', null, `This scenario does not offer ${runtime === 'vm' ? 'VMs' : runtime === 'microvm' ? 'microVMs' : 'containers'}; use one of the runtimes it allows.`);

function deploy(state: SimState, cluster: ClusterState, action: Extract<PlayerAction, { type: 'deploy' }>): Outcome {
  const { scenario, physics, timeS: t } = state;
  const app = findApp(scenario, action.appId);
  if (!app) return { rejection: reject('unknown-app', null, `There is no app "${action.appId}" in this scenario.`) };
  if (!scenario.allow.runtimes.includes(action.runtime)) return { rejection: notAllowed(action.runtime) };

  let placed: Omit<InstanceState, 'id'> | Rejection;
  let vmToAdd: ((id: string) => VmState) | null = null;
  if (action.runtime === 'container') {
    placed = placeContainer(state, cluster, app, action.target);
  } else if (action.runtime === 'microvm') {
    placed = placeMicrovm(state, cluster, app, action.target);
  } else {
    const host = findHost(cluster, action.target);
    if (!host && findVm(cluster, action.target)) {
      placed = reject('vm-in-vm', 'hypervisor-type', `A VM runs on a host's hypervisor, not inside another VM here (nested virtualisation costs 10 % or more). Choose a host as the target.`);
    } else {
      const h = hostFor(cluster, action.target, t);
      if (isRejection(h)) placed = h;
      else {
        const vcpu = vcpusFor(app);
        const miB = dedicatedVmMiB(physics, app);
        const fits = fitsOnHost(state, cluster, h, miB, vcpu, `${app.name} as a VM`, containerMiB(physics, app));
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
          });
          placed = { appId: app.id, runtime: 'vm', hostId: h.id, vmId: null, createdAtS: t, pulledAtS, readyAtS, upAtS: readyAtS, cpuLimit: null, breached: false };
        }
      }
    }
  }
  if (isRejection(placed)) return { rejection: placed };

  const named = takeId(cluster, action.id, app.id);
  if (isRejection(named)) return { rejection: named };
  // A new VM always pulls; a container or microVM pulls only if its engine lacks the image.
  const freshPull = vmToAdd !== null || imageAt(cluster, engineKey(placed), app.id) === undefined;
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
    // Record the image on its engine so later deploys there reuse the layers.
    const key = engineKey(inst);
    const have = imageAt(next, key, app.id);
    if (have === undefined || have > inst.pulledAtS) {
      const onEngine = Object.hasOwn(next.images, key) ? next.images[key] : {};
      // Computed keys define own properties, so even an id like `__proto__` is stored as data.
      next = { ...next, images: { ...next.images, [key]: { ...onEngine, [app.id]: inst.pulledAtS } } };
    }
  }
  next = { ...next, instances: [...next.instances, inst] };
  return { cluster: freshPull ? slowPullNotice(state, next, inst, app) : next, created: { kind: 'instance', id: inst.id } };
}

/** A first pull this slow is worth telling the player about: it is image size they chose. */
const SLOW_PULL_S = 10;

function slowPullNotice(state: SimState, cluster: ClusterState, inst: InstanceState, app: App): ClusterState {
  const pullS = app.imageMiB / state.physics.imagePullMiBPerS;
  if (pullS < SLOW_PULL_S) return cluster;
  const where = inst.vmId && inst.runtime !== 'vm' ? inst.vmId : inst.hostId;
  return withIncident(
    cluster,
    draft(
      'imagePull',
      'image-size',
      state.timeS,
      [inst],
      `${app.name}'s ${fmtMiB(app.imageMiB)} image must first be pulled onto ${where}: about ${fmtS(pullS)} before it can start. Later deploys there reuse the layers; smaller images start sooner.`,
    ),
  );
}

/** When an image is on an engine: already there, arriving, or pulled from `startS` on. */
function imageArrival(state: SimState, cluster: ClusterState, key: string, app: App, startS: number): number {
  const have = imageAt(cluster, key, app.id);
  if (have !== undefined) return Math.max(startS, have);
  return startS + app.imageMiB / state.physics.imagePullMiBPerS;
}

function placeContainer(state: SimState, cluster: ClusterState, app: App, target: string): Omit<InstanceState, 'id'> | Rejection {
  const { physics, timeS: t } = state;
  if (app.needsCustomKernel) {
    return reject('needs-own-kernel', 'custom-kernel', `${app.name} needs a kernel of its own (its own module or version), but containers share their host's kernel. Run it as a VM or a microVM.`);
  }
  const need = containerMiB(physics, app);
  const vm = findVm(cluster, target);
  if (vm) {
    if (!vm.containerEngine) {
      return reject('no-container-engine', null, `${vm.id} has no container engine, so it cannot run containers. Create a VM with a container engine, or deploy ${app.name} as its own VM.`);
    }
    const wrong = wrongKernel(app, vm.guestOs, `${vm.id}'s ${OS_NAME[vm.guestOs]} guest`);
    if (wrong) return wrong;
    const host = hostFor(cluster, vm.hostId, t);
    if (isRejection(host)) return host;
    const usage = vmUsage(state.scenario, physics, cluster, vm);
    if (usage.usedMiB + need > usage.memoryMiB) {
      return reject(
        'insufficient-memory',
        'capacity',
        `${vm.id} has ${fmtMiB(usage.memoryMiB - usage.usedMiB)} left after its guest OS (${fmtMiB(usage.guestOsMiB)}) and what already runs in it; ${app.name} needs ${fmtMiB(need)}. Use a bigger VM or another target.`,
      );
    }
    const startS = Math.max(t, vm.upAtS);
    const pulledAtS = imageArrival(state, cluster, `vm:${vm.id}`, app, startS);
    const readyAtS = pulledAtS + physics.containerStartS[app.os];
    return { appId: app.id, runtime: 'container', hostId: vm.hostId, vmId: vm.id, createdAtS: t, pulledAtS, readyAtS, upAtS: readyAtS, cpuLimit: null, breached: false };
  }
  const host = hostFor(cluster, target, t);
  if (isRejection(host)) return host;
  if (host.platform === 'hypervisor') {
    return reject(
      'no-host-os',
      'hypervisor-type',
      `${host.id} runs a bare-metal (type-1) hypervisor: there is no host OS and no container engine on it. Create a VM with a container engine there, or make it a Linux or Windows host while it is empty.`,
    );
  }
  const wrong = wrongKernel(app, host.platform, `${host.id}'s ${OS_NAME[host.platform]} host`);
  if (wrong) return wrong;
  const fits = fitsOnHost(state, cluster, host, need, 0, `${app.name} as a container`);
  if (fits) return fits;
  const pulledAtS = imageArrival(state, cluster, `host:${host.id}`, app, t);
  const readyAtS = pulledAtS + physics.containerStartS[app.os];
  return { appId: app.id, runtime: 'container', hostId: host.id, vmId: null, createdAtS: t, pulledAtS, readyAtS, upAtS: readyAtS, cpuLimit: null, breached: false };
}

/** Rule 1: a container runs only on a kernel of its own OS. */
function wrongKernel(app: App, kernelOs: Os, where: string): Rejection | null {
  if (app.os === kernelOs) return null;
  if (app.os === 'linux') {
    return reject(
      'needs-linux-kernel',
      'os-compatibility',
      `${app.name} is a Linux app and a container uses the kernel under it, so it cannot run on ${where}. Put a Linux VM with a container engine in between (that is how Docker Desktop and WSL2 run Linux containers on Windows).`,
    );
  }
  return reject(
    'foreign-kernel',
    'shared-kernel',
    `Containers share the kernel they run on, and ${app.name} needs a Windows kernel, so it cannot be a container on ${where}. Use a Windows host, a Windows VM with a container engine, or a Windows VM of its own.`,
  );
}

function placeMicrovm(state: SimState, cluster: ClusterState, app: App, target: string): Omit<InstanceState, 'id'> | Rejection {
  const { physics, timeS: t } = state;
  if (app.os === 'windows') {
    return reject('microvm-linux-only', 'os-compatibility', `MicroVMs (Firecracker, Kata) boot a minimal Linux kernel, so they cannot run ${app.name}, a Windows app. Give it a Windows VM.`);
  }
  if (findVm(cluster, target)) {
    return reject('vm-in-vm', 'hypervisor-type', `A microVM needs KVM on the host itself; inside a VM that means nested virtualisation, which this cluster does not offer. Choose a host with KVM.`);
  }
  const host = hostFor(cluster, target, t);
  if (isRejection(host)) return host;
  if (!host.kvm) {
    return reject('no-kvm', 'hypervisor-type', `${host.id} has no hardware virtualisation (KVM), and a microVM is a real, if tiny, VM that needs it. Choose a host with KVM.`);
  }
  if (host.platform === 'windows') {
    return reject('microvm-needs-linux-host', 'os-compatibility', `Firecracker and Kata run on Linux with KVM; ${host.id} runs Windows. Use a Linux or bare-metal hypervisor host.`);
  }
  const fits = fitsOnHost(state, cluster, host, microvmMiB(physics, app), vcpusFor(app), `${app.name} as a microVM`);
  if (fits) return fits;
  const pulledAtS = imageArrival(state, cluster, `host:${host.id}`, app, t);
  const readyAtS = pulledAtS + physics.microvmBootS;
  return { appId: app.id, runtime: 'microvm', hostId: host.id, vmId: null, createdAtS: t, pulledAtS, readyAtS, upAtS: readyAtS, cpuLimit: null, breached: false };
}

