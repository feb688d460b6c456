import type { App, ClusterState, HostState, Runtime, SimState, VmState } from './types.ts';
import { hostName, listOf } from './names.ts';
import { hostBuild, vmBuild, windowsIsolation } from './windows.ts';

/**
 * Where an app could go instead, so that a refusal recommends only what would work in this
 * cluster: the runtime must be allowed, the host up, and the host able to run it.
 */
const allows = (state: SimState, runtime: Runtime): boolean => state.scenario.allow.runtimes.includes(runtime);
const up = (state: SimState, host: HostState): boolean => host.downUntilS <= state.timeS;

/** Every VM and microVM needs hardware virtualisation (VT-x/AMD-V): KVM, Hyper-V and VirtualBox alike. */
export const vmHosts = (state: SimState, cluster: ClusterState): HostState[] => (allows(state, 'vm') ? cluster.hosts.filter((h) => h.kvm && up(state, h)) : []);

/** Firecracker and Kata run on Linux's KVM: a Linux host or a bare-metal hypervisor, with VT-x/AMD-V. */
export const microvmHosts = (state: SimState, cluster: ClusterState): HostState[] =>
  allows(state, 'microvm') ? cluster.hosts.filter((h) => h.kvm && h.platform !== 'windows' && up(state, h)) : [];

/**
 * Whether the app could be a container straight on this host's kernel: its OS, and for a Windows
 * app an image its build can run (process isolation on the same build, or Hyper-V isolation).
 */
export const containerFitsKernel = (state: SimState, app: App, host: HostState): boolean =>
  allows(state, 'container') &&
  !app.needsCustomKernel &&
  host.platform === app.os &&
  (app.os !== 'windows' || 'isolation' in windowsIsolation(app, hostBuild(state, host.id), true, host.kvm));

/** Whether a VM's engine could run the app as a container (a Windows image must be of the VM's build). */
const vmFitsKernel = (state: SimState, app: App, vm: VmState): boolean =>
  vm.containerEngine && vm.guestOs === app.os && (app.os !== 'windows' || 'isolation' in windowsIsolation(app, vmBuild(state, vm), false, true));

/** Hosts and VMs (by board name) whose kernel and engine could run the app as a container. */
export function containerHomes(state: SimState, cluster: ClusterState, app: App): string[] {
  if (!allows(state, 'container') || app.needsCustomKernel) return [];
  const homes = cluster.hosts.filter((h) => up(state, h) && containerFitsKernel(state, app, h)).map((h) => hostName(state.scenario, h.id));
  for (const vm of cluster.vms) {
    if (vmFitsKernel(state, app, vm) && cluster.hosts.some((h) => h.id === vm.hostId && up(state, h))) homes.push(`VM ${vm.id}`);
  }
  return homes;
}

/** "Linux host 1 or Linux host 2": hosts by board name. */
export const hostList = (state: SimState, hosts: readonly HostState[]): string => listOf(hosts.map((h) => hostName(state.scenario, h.id)));

/** "a VM or microVM", "a VM", "a microVM": the own-kernel runtimes this scenario offers, or null. */
export function ownKernelRuntimes(state: SimState): string | null {
  const vm = allows(state, 'vm');
  const micro = allows(state, 'microvm');
  return vm && micro ? 'a VM or microVM' : vm ? 'a VM' : micro ? 'a microVM' : null;
}

/** What would give an app a kernel of its own: a VM on a host with VT-x/AMD-V, a microVM on a Linux KVM host. */
export function ownKernelHomes(state: SimState, cluster: ClusterState, app: App): string[] {
  const options: string[] = [];
  const vms = vmHosts(state, cluster);
  if (vms.length) options.push(`a VM of its own on ${hostList(state, vms)}`);
  const micro = app.os === 'linux' ? microvmHosts(state, cluster) : [];
  if (micro.length) options.push(`a microVM on ${hostList(state, micro)}`);
  return options;
}
