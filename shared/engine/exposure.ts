import type { ClusterState, InstanceState } from './types.ts';
import { findHost, isHosted, kernelOf, type Kernel } from './topology.ts';

/**
 * The kernels whose compromise reaches an instance: the one its code runs on and, for a guest of a
 * hosted hypervisor (a VM or microVM on a Linux or Windows host), the host kernel too, since the
 * hypervisor and so the guest run under it. A bare-metal hypervisor has no host kernel to fall.
 * The kernel exploit and the compliance audit both ask this, so they cannot disagree.
 */
export function kernelsReaching(cluster: ClusterState, inst: InstanceState): Kernel[] {
  const own = kernelOf(cluster, inst);
  if (own.kind === 'host') return [own];
  const host = findHost(cluster, inst.hostId);
  if (!host || !isHosted(host)) return [own];
  return [own, { id: `host:${host.id}`, os: host.platform === 'windows' ? 'windows' : 'linux', kind: 'host', hostId: host.id }];
}

/** Per kernel, the tenants whose code runs on it (an app without a tenant is the player's own, ''). */
export function tenantsByKernel(cluster: ClusterState, tenantOf: (inst: InstanceState) => string): Map<string, Set<string>> {
  const byKernel = new Map<string, Set<string>>();
  for (const inst of cluster.instances) {
    const k = kernelOf(cluster, inst).id;
    let tenants = byKernel.get(k);
    if (!tenants) byKernel.set(k, (tenants = new Set()));
    tenants.add(tenantOf(inst));
  }
  return byKernel;
}

/** The kernel through which another tenant's code reaches this instance of `tenant`'s app, if any. */
export function otherTenantThrough(cluster: ClusterState, inst: InstanceState, tenants: ReadonlyMap<string, ReadonlySet<string>>, tenant: string): Kernel | null {
  for (const k of kernelsReaching(cluster, inst)) {
    const there = tenants.get(k.id);
    if (there && [...there].some((t) => t !== tenant)) return k;
  }
  return null;
}

/** Per kernel, the untrusted apps whose code runs on it: who could launch an exploit there. */
export function untrustedByKernel(cluster: ClusterState, isUntrusted: (inst: InstanceState) => boolean): Map<string, Set<string>> {
  const byKernel = new Map<string, Set<string>>();
  for (const inst of cluster.instances) {
    if (!isUntrusted(inst)) continue;
    const k = kernelOf(cluster, inst).id;
    let apps = byKernel.get(k);
    if (!apps) byKernel.set(k, (apps = new Set()));
    apps.add(inst.appId);
  }
  return byKernel;
}

/**
 * The kernel through which another tenant's untrusted code could reach this instance, if any. An
 * untrusted app is not its own victim, but another tenant's untrusted code is.
 */
export function exposedThrough(cluster: ClusterState, inst: InstanceState, attackers: ReadonlyMap<string, ReadonlySet<string>>, os?: Kernel['os']): Kernel | null {
  for (const k of kernelsReaching(cluster, inst)) {
    if (os !== undefined && k.os !== os) continue;
    const apps = attackers.get(k.id);
    if (apps && (apps.size > 1 || !apps.has(inst.appId))) return k;
  }
  return null;
}
