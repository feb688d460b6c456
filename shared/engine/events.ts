import type { ClusterState, InstanceState, Os, ScenarioEvent, SimState } from './types.ts';
import { draft, withIncident, type Draft } from './incidents.ts';
import { fmtS } from './rejection.ts';
import { retire } from './placement.ts';
import { findApp, findHost, isEmptyHost, isHosted, kernelOf, vmBootS } from './topology.ts';


/** Applies a one-shot event to one cluster, recording what it did there as incidents. */
export function applyEventToCluster(state: SimState, cluster: ClusterState, event: ScenarioEvent): ClusterState {
  let result: { cluster: ClusterState; incident: Draft | null };
  switch (event.type) {
    case 'kernelExploit':
      result = kernelExploit(state, cluster, event.os);
      break;
    case 'hypervisorEscape':
      result = hypervisorEscape(state, cluster, event.hostId);
      break;
    case 'hostFailure':
      result = hostFailure(state, cluster, event.hostId);
      break;
    case 'patchDay':
      result = patchDay(state, cluster, event.os);
      break;
    case 'complianceAudit':
      result = complianceAudit(state, cluster);
      break;
    case 'noisyNeighbour':
      result = { cluster, incident: noisyNeighbour(state, cluster, event.appId) };
      break;
    case 'trafficSpike':
      return cluster;
    default: {
      const never: never = event;
      throw new Error(`unhandled event ${JSON.stringify(never)}`);
    }
  }
  return result.incident ? withIncident(result.cluster, result.incident) : result.cluster;
}


const names = (state: SimState, appIds: Iterable<string>): string => {
  const list = [...new Set(appIds)].map((id) => findApp(state.scenario, id)?.name ?? id);
  return list.length <= 3 ? list.join(', ') : `${list.slice(0, 3).join(', ')} and ${list.length - 3} more`;
};


const untrusted = (state: SimState, inst: InstanceState): boolean => findApp(state.scenario, inst.appId)?.trust === 'untrusted';

function breach(state: SimState, cluster: ClusterState, victims: ReadonlySet<string>): { cluster: ClusterState; penalty: number; hit: InstanceState[] } {
  const hit = cluster.instances.filter((i) => victims.has(i.id) && !i.breached);
  let penalty = 0;
  for (const inst of hit) penalty += state.physics.breachPenalty[findApp(state.scenario, inst.appId)?.data ?? 'public'];
  const instances = cluster.instances.map((i) => (victims.has(i.id) && !i.breached ? { ...i, breached: true } : i));
  return { cluster: hit.length ? { ...cluster, instances } : cluster, penalty, hit };
}

/**
 * Rule 7. Attackers run code in an untrusted workload and use a kernel bug to escape it. Everything
 * sharing that kernel falls; on a hosted (type-2) hypervisor the host kernel also runs the VMs, so
 * they fall with it. A VM's or microVM's own kernel contains the attack to that guest.
 */
function kernelExploit(state: SimState, cluster: ClusterState, os: Os) {
  const t = state.timeS;
  const byKernel = new Map<string, { kind: string; hostId: string; members: InstanceState[] }>();
  for (const inst of cluster.instances) {
    const k = kernelOf(cluster, inst);
    if (k.os !== os) continue;
    const entry = byKernel.get(k.id) ?? { kind: k.kind, hostId: k.hostId, members: [] };
    entry.members.push(inst);
    byKernel.set(k.id, entry);
  }
  const victims = new Set<string>();
  let contained = 0;
  let hostKernels = 0;
  for (const { kind, hostId, members } of byKernel.values()) {
    const attackers = new Set(members.filter((m) => untrusted(state, m)).map((m) => m.appId));
    if (attackers.size === 0) continue;
    let fell = 0;
    for (const m of members) {
      // An untrusted app is not its own victim, but another tenant's untrusted code is.
      if (attackers.size > 1 || !attackers.has(m.appId)) {
        victims.add(m.id);
        fell++;
      }
    }
    if (kind === 'host') {
      hostKernels++;
      const host = findHost(cluster, hostId);
      if (host && isHosted(host)) {
        for (const i of cluster.instances) if (i.hostId === hostId && (i.vmId || i.runtime === 'microvm')) victims.add(i.id);
      }
    } else if (fell === 0) contained++;
  }
  const { cluster: next, penalty, hit } = breach(state, cluster, victims);
  const osName = os === 'linux' ? 'Linux' : 'Windows';
  if (hit.length === 0) {
    if (contained === 0) return { cluster, incident: null };
    return {
      cluster,
      incident: draft('kernelExploit', 'isolation', t, [], `A ${osName} kernel exploit ran inside your untrusted workloads, but each had a kernel of its own (a VM or microVM boundary), so nothing else was reached.`),
    };
  }
  const how = hostKernels > 0 ? 'shared a host kernel with untrusted code' : 'shared a kernel with untrusted code inside a VM';
  return {
    cluster: next,
    incident: draft(
      'kernelExploit',
      'isolation',
      t,
      hit,
      `A ${osName} kernel exploit escaped an untrusted container and compromised ${names(state, hit.map((h) => h.appId))}, which ${how}. A container boundary is only namespaces and cgroups over one kernel; a VM or microVM gives each tenant its own kernel.`,
      penalty,
    ),
  };
}

/** Rule 7, rarer: a hypervisor bug (VENOM-like) lets a guest reach the host and every guest on it. */
function hypervisorEscape(state: SimState, cluster: ClusterState, hostId: string) {
  const t = state.timeS;
  const onHost = cluster.instances.filter((i) => i.hostId === hostId);
  // The attacker must be inside a guest (VM or microVM) to escape through the hypervisor; untrusted
  // containers on the host OS are a kernel exploit's business, not this one's.
  const attackers = new Set(onHost.filter((i) => untrusted(state, i) && (i.vmId !== null || i.runtime === 'microvm')).map((i) => i.appId));
  if (attackers.size === 0) return { cluster, incident: null };
  const victims = new Set(onHost.filter((i) => attackers.size > 1 || !attackers.has(i.appId)).map((i) => i.id));
  const { cluster: next, penalty, hit } = breach(state, cluster, victims);
  if (hit.length === 0) return { cluster, incident: null };
  return {
    cluster: next,
    incident: draft(
      'hypervisorEscape',
      'isolation',
      t,
      hit,
      `A hypervisor escape (like VENOM in QEMU) let untrusted code on ${hostId} break out of its VM and reach ${names(state, hit.map((h) => h.appId))} on the same machine. Rare, but only separate hosts stop it.`,
      penalty,
    ),
  };
}

/** Rule 9: everything on a failed host is gone; what is placed again comes back at its boot speed. */
function hostFailure(state: SimState, cluster: ClusterState, hostId: string) {
  const t = state.timeS;
  const host = findHost(cluster, hostId);
  if (!host) return { cluster, incident: null };
  const lost = cluster.instances.filter((i) => i.hostId === hostId);
  const vmsLost = cluster.vms.filter((v) => v.hostId === hostId).length;
  let next = retire(cluster, lost, t, 'hostFailure');
  next = {
    ...next,
    vms: next.vms.filter((v) => v.hostId !== hostId),
    // The images on that host's disk and in its VMs are gone with it.
    images: Object.fromEntries(Object.entries(next.images).filter(([key]) => key !== `host:${hostId}` && !cluster.vms.some((v) => v.hostId === hostId && key === `vm:${v.id}`))),
    hosts: next.hosts.map((h) => (h.id === hostId ? { ...h, downUntilS: t + state.physics.hostRepairS } : h)),
  };
  if (lost.length === 0 && vmsLost === 0) {
    return { cluster: next, incident: draft('hostFailure', 'capacity', t, [], `${hostId} failed, but nothing of yours was on it. It is back in ${fmtS(state.physics.hostRepairS)}.`) };
  }
  return {
    cluster: next,
    incident: draft(
      'hostFailure',
      'boot-time',
      t,
      lost,
      `${hostId} failed and took ${lost.length} instance${lost.length === 1 ? '' : 's'} of ${names(state, lost.map((l) => l.appId))} with it. Place them again on other hosts: containers and microVMs are back in seconds, VMs in a minute or more.`,
    ),
  };
}

/** Whether a host has anything for an `os` patch day: its own kernel, VM guests, or microVM kernels. */
function patchWork(cluster: ClusterState, hostId: string, os: Os): { hostKernel: boolean; guests: number; microvms: boolean } {
  const host = findHost(cluster, hostId)!;
  return {
    hostKernel: host.platform === os && !isEmptyHost(cluster, hostId),
    guests: cluster.vms.filter((v) => v.hostId === hostId && v.guestOs === os).length,
    microvms: os === 'linux' && cluster.instances.some((i) => i.hostId === hostId && i.runtime === 'microvm'),
  };
}

/**
 * Rule 8: one patch-and-reboot per kernel. The window walks the hosts one at a time, as operators
 * drain and patch nodes, so replicas spread over hosts keep serving; each host's turn is queued
 * and runs on whatever is on that host when it comes. The labour is counted when patch day lands.
 */
function patchDay(state: SimState, cluster: ClusterState, os: Os) {
  const { physics, timeS: t } = state;
  const turns = cluster.hosts.filter((h) => {
    const w = patchWork(cluster, h.id, os);
    return w.hostKernel || w.guests > 0 || w.microvms;
  });
  let hostKernels = 0;
  let guestKernels = 0;
  for (const h of turns) {
    const w = patchWork(cluster, h.id, os);
    hostKernels += Number(w.hostKernel);
    guestKernels += w.guests;
  }
  const rebuilt = new Set(cluster.instances.filter((i) => i.runtime !== 'vm' && findApp(state.scenario, i.appId)?.os === os).map((i) => i.appId));
  const kernels = hostKernels + guestKernels;
  if (kernels === 0 && rebuilt.size === 0) return { cluster, incident: null };

  const slot = physics.hostRebootS[os] + physics.patchSettleS;
  const queue = turns.slice(1).map((h, k) => ({ atS: t + (k + 1) * slot, os, hostId: h.id }));
  let next: ClusterState = turns.length ? patchHost(state, cluster, os, turns[0]!.id, t) : cluster;
  next = { ...next, patchQueue: [...next.patchQueue, ...queue] };
  const onTurns = new Set(turns.map((h) => h.id));
  const affected = cluster.instances.filter((i) => onTurns.has(i.hostId));

  const cost = kernels * physics.patchCostPerKernel + rebuilt.size * physics.imageRebuildCost;
  const osName = os === 'linux' ? 'Linux' : 'Windows';
  const parts: string[] = [];
  if (guestKernels) parts.push(`${guestKernels} VM guest${guestKernels === 1 ? '' : 's'} to patch and reboot (${fmtS(physics.vmBootS[os])} or more each)`);
  if (hostKernels) parts.push(`${hostKernels} host OS${hostKernels === 1 ? '' : 'es'} to reboot, each taking down what runs on it`);
  if (rebuilt.size) parts.push(`${rebuilt.size} container image${rebuilt.size === 1 ? '' : 's'} rebuilt on a patched base and restarted in moments`);
  const window = turns.length > 1 ? ` The window patches one host every ${fmtS(slot)}, ${turns.map((h) => h.id).join(' → ')}.` : '';
  return {
    cluster: next,
    incident: draft('patchDay', 'patching', t, affected, `${osName} patch day: ${parts.join('; ')}.${window} Every kernel you run is one more to patch.`, 0, cost),
  };
}

/**
 * One host's turn: a host OS reboot takes down all it runs (a hosted hypervisor's VMs then boot
 * again); each VM guest of that OS reboots at VM speed; microVMs restart on a patched kernel.
 */
function patchHost(state: SimState, cluster: ClusterState, os: Os, hostId: string, start: number): ClusterState {
  const { physics } = state;
  const host = findHost(cluster, hostId);
  if (!host) return cluster;
  const back = patchWork(cluster, hostId, os).hostKernel ? start + physics.hostRebootS[os] : undefined;
  const vmUp = new Map<string, number>();
  for (const vm of cluster.vms) {
    if (vm.hostId !== hostId) continue;
    if (vm.guestOs === os || back !== undefined) vmUp.set(vm.id, Math.max(vm.upAtS, (back ?? start) + vmBootS(physics, vm.guestOs, host)));
  }
  let changed = false;
  const instances = cluster.instances.map((inst) => {
    if (inst.hostId !== hostId) return inst;
    const app = findApp(state.scenario, inst.appId)!;
    const restart = inst.runtime === 'microvm' ? physics.microvmBootS : physics.containerStartS[app.os];
    let up = inst.upAtS;
    if (inst.vmId) {
      const vmBack = vmUp.get(inst.vmId);
      if (vmBack !== undefined) up = Math.max(up, vmBack + restart);
    } else if (back !== undefined) {
      up = Math.max(up, back + restart);
    } else if (inst.runtime === 'microvm' && os === 'linux') {
      up = Math.max(up, start + restart);
    }
    if (up === inst.upAtS) return inst;
    changed = true;
    return { ...inst, upAtS: up };
  });
  if (!changed && vmUp.size === 0 && back === undefined) return cluster;
  return {
    ...cluster,
    instances: changed ? instances : cluster.instances,
    vms: vmUp.size ? cluster.vms.map((vm) => (vmUp.has(vm.id) ? { ...vm, upAtS: vmUp.get(vm.id)! } : vm)) : cluster.vms,
    hosts: back !== undefined ? cluster.hosts.map((h) => (h.id === hostId ? { ...h, downUntilS: back } : h)) : cluster.hosts,
  };
}

/** Runs the patch turns that have come due by second `t`. */
export function runPatchQueue(state: SimState, cluster: ClusterState, t: number): ClusterState {
  if (cluster.patchQueue.length === 0 || cluster.patchQueue[0]!.atS > t) return cluster;
  let next = cluster;
  const due = cluster.patchQueue.filter((turn) => turn.atS <= t);
  for (const turn of due) next = patchHost(state, next, turn.os, turn.hostId, turn.atS);
  return { ...next, patchQueue: cluster.patchQueue.filter((turn) => turn.atS > t) };
}

/**
 * Auditors check regulated data: it must not share a kernel with untrusted code, and no breached
 * instance may hold confidential or regulated data.
 */
function complianceAudit(state: SimState, cluster: ClusterState) {
  const t = state.timeS;
  const kernels = new Map<string, InstanceState[]>();
  for (const inst of cluster.instances) {
    const k = kernelOf(cluster, inst).id;
    kernels.set(k, [...(kernels.get(k) ?? []), inst]);
  }
  const failing = new Map<string, InstanceState[]>();
  for (const inst of cluster.instances) {
    const app = findApp(state.scenario, inst.appId)!;
    if (app.data === 'public') continue;
    const neighbours = kernels.get(kernelOf(cluster, inst).id) ?? [];
    const exposed = app.data === 'regulated' && neighbours.some((n) => n.appId !== app.id && untrusted(state, n));
    if (exposed || inst.breached) failing.set(app.id, [...(failing.get(app.id) ?? []), inst]);
  }
  if (failing.size === 0) {
    if (!state.scenario.apps.some((a) => a.data !== 'public')) return { cluster, incident: null };
    return { cluster, incident: draft('complianceAudit', 'isolation', t, [], 'Compliance audit passed: your sensitive data is on kernels of its own, away from untrusted code.') };
  }
  const victims = [...failing.values()].flat();
  return {
    cluster,
    incident: draft(
      'complianceAudit',
      'isolation',
      t,
      victims,
      `Compliance audit failed for ${names(state, failing.keys())}: regulated data must not share a kernel with untrusted code, and breached systems fail outright. Give them a VM or microVM of their own.`,
      failing.size * state.physics.auditPenalty,
    ),
  };
}

/** Rule 6: a runaway container without a CPU limit starves whatever shares its CPU pool. */
function noisyNeighbour(state: SimState, cluster: ClusterState, appId: string): Draft | null {
  const noisy = cluster.instances.filter((i) => i.appId === appId);
  if (noisy.length === 0) return null;
  const pools = new Set(noisy.filter((i) => i.runtime === 'container' && i.cpuLimit === null).map((i) => (i.vmId ? `vm:${i.vmId}` : `host:${i.hostId}`)));
  const starved = cluster.instances.filter((i) => i.appId !== appId && i.runtime === 'container' && pools.has(i.vmId ? `vm:${i.vmId}` : `host:${i.hostId}`));
  if (starved.length === 0) return null;
  const name = findApp(state.scenario, appId)?.name ?? appId;
  return draft(
    'noisyNeighbour',
    'noisy-neighbour',
    state.timeS,
    starved,
    `${name} is burning CPU and, with no CPU limit, it takes a share from ${names(state, starved.map((s) => s.appId))} on the same kernel. A cgroup CPU limit (or a VM's own vCPUs) keeps a neighbour in its lane.`,
  );
}

