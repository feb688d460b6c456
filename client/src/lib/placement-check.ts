import type { Runtime } from '../../../shared/engine/types.ts';
import type { ClusterView, HostView, RoomStatic, VmView } from '../../../shared/views/types.ts';
import { OS_LABEL, miB } from './format.ts';

/**
 * What the board can tell for certain before a placement is sent: a runtime or a target that
 * cannot work, and why, in a few words. Only rules the view fully shows are checked here (the
 * kernel's OS, a host OS or not, VT-x/AMD-V, a host that is down, memory and cores that are plainly
 * too few). What only the server knows (the hypervisor's vCPU allowance, Windows builds, Hyper-V
 * isolation, images) is left to it: its refusal is shown in the dialog.
 */

type AppSpec = RoomStatic['scenario']['apps'][number];

export type PlaceTarget = { readonly kind: 'host'; readonly host: HostView } | { readonly kind: 'vm'; readonly vm: VmView; readonly host: HostView | undefined };

const free = (h: HostView): number => Math.max(0, h.memoryMiB - h.usedMiB);

/** Why this app cannot run as `runtime` anywhere, whatever the target (null when it might). */
export function runtimeBlocked(app: AppSpec, runtime: Runtime): string | null {
  if (runtime === 'container' && app.needsCustomKernel) return `${app.name} needs a kernel of its own, and containers share the kernel they run on.`;
  if (runtime === 'microvm' && app.os === 'windows') return `A microVM boots a small Linux kernel, and ${app.name} is a Windows app.`;
  return null;
}

/** Why `app` cannot be placed as `runtime` on `target` (null when, as far as the board can tell, it can). */
export function placementBlocked(room: RoomStatic, app: AppSpec, runtime: Runtime, target: PlaceTarget): string | null {
  const whole = runtimeBlocked(app, runtime);
  if (whole) return whole;
  const physics = room.physics;
  if (target.kind === 'vm') {
    const vm = target.vm;
    if (runtime !== 'container') return `A ${runtime === 'vm' ? 'VM' : 'microVM'} runs on a host, not inside another VM.`;
    if (!vm.containerEngine) return 'It has no container engine.';
    if (vm.status === 'down' || target.host?.down) return 'It is down.';
    if (vm.guestOs !== app.os) return `Its ${OS_LABEL[vm.guestOs]} kernel cannot run a ${OS_LABEL[app.os]} container.`;
    const left = Math.max(0, vm.memoryMiB - vm.guestOsMiB - vm.usedMiB);
    const need = app.memoryMiB + physics.containerOverheadMiB;
    if (need > left) return `Only ${miB(left)} free in it; ${app.name} needs ${miB(need)}.`;
    return null;
  }
  const h = target.host;
  if (h.down) return 'It is down.';
  switch (runtime) {
    case 'container': {
      if (h.platform === 'hypervisor') return 'A bare-metal hypervisor has no host OS, so no container engine.';
      if (h.platform !== app.os) return `Its ${OS_LABEL[h.platform]} kernel cannot run a ${OS_LABEL[app.os]} container.`;
      const need = app.memoryMiB + physics.containerOverheadMiB;
      if (need > free(h)) return `Only ${miB(free(h))} free; ${app.name} needs ${miB(need)}.`;
      return null;
    }
    case 'vm': {
      if (!h.kvm) return 'No hardware virtualisation (VT-x/AMD-V), so no VM.';
      const vcpu = Math.max(1, Math.ceil(app.cpu));
      if (vcpu > h.cpu) return `It has ${h.cpu} cores, fewer than the ${vcpu} vCPUs ${app.name} needs.`;
      const need = app.memoryMiB + physics.guestOsMiB[app.os];
      if (need > free(h)) return `Only ${miB(free(h))} free; as a VM (with its guest OS) it needs ${miB(need)}.`;
      return null;
    }
    case 'microvm': {
      if (!h.kvm) return 'No hardware virtualisation (VT-x/AMD-V), so no microVM.';
      if (h.platform === 'windows') return 'MicroVMs run on Linux KVM, and this host runs Windows.';
      if (app.memoryMiB > free(h)) return `Only ${miB(free(h))} free; ${app.name} needs ${miB(app.memoryMiB)}.`;
      return null;
    }
    default: {
      const never: never = runtime;
      return String(never);
    }
  }
}

/** Every target of a cluster: its hosts, then its VMs. */
export function targetsOf(cluster: ClusterView | null): PlaceTarget[] {
  const hosts = cluster?.hosts ?? [];
  return [
    ...hosts.map((host): PlaceTarget => ({ kind: 'host', host })),
    ...(cluster?.vms ?? []).filter((vm) => vm.dedicatedTo === null).map((vm): PlaceTarget => ({ kind: 'vm', vm, host: hosts.find((h) => h.id === vm.hostId) })),
  ];
}

export const targetId = (t: PlaceTarget): string => (t.kind === 'host' ? t.host.id : t.vm.id);
