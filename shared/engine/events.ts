import type { ClusterState, InstanceState, Os, ScenarioEvent, SimState } from './types.ts';
import { draft, withIncident, type Draft } from './incidents.ts';
import { fmtS } from './rejection.ts';
import { retire } from './placement.ts';
import { clusterLoad, findApp, findHost, instanceStartS, isEmptyHost, kernelOf, noisyFactors, vmBootS } from './topology.ts';
import { ownKernelRuntimes } from './advice.ts';
import { exposedThrough, otherTenantThrough, tenantsByKernel, untrustedByKernel } from './exposure.ts';
import { appNames, hostName, listOf } from './names.ts';
import { dataLoss, hostStorageLost, settleStorage } from './data.ts';
import { describeMigrations, drainHost, type Drain } from './migration.ts';


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
    case 'dataLoss':
      result = dataLoss(state, cluster, event.appId);
      break;
    case 'trafficSpike':
      return cluster;
    default: {
      const never: never = event;
      throw new Error(`unhandled event ${JSON.stringify(never)}`);
    }
  }
  const next = result.incident ? withIncident(result.cluster, result.incident) : result.cluster;
  // What the failed host's own storage held (writable layers, VM disks, their snapshots) went too.
  return event.type === 'hostFailure' ? hostStorageLost(state, cluster, next, event.hostId) : next;
}


/** Apps by the names the board shows: "A, B and C", "A, B, C and 2 more". */
const names = (state: SimState, appIds: Iterable<string>): string => appNames(state.scenario, appIds);


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
 * that kernel reaches falls (see kernelsReaching): what shares it, and on a hosted (type-2)
 * hypervisor the host kernel's VMs and microVMs too. A guest's own kernel contains the attack.
 */
function kernelExploit(state: SimState, cluster: ClusterState, os: Os) {
  const t = state.timeS;
  const attackers = untrustedByKernel(cluster, (i) => untrusted(state, i) && kernelOf(cluster, i).os === os);
  const victims = new Set<string>();
  const through = new Set<string>();
  let shareHost = false;
  let shareVm = false;
  let guests = false;
  for (const inst of cluster.instances) {
    const k = exposedThrough(cluster, inst, attackers, os);
    if (!k) continue;
    victims.add(inst.id);
    through.add(k.id);
    const own = kernelOf(cluster, inst);
    if (own.id !== k.id) guests = true;
    else if (own.kind === 'host') shareHost = true;
    else shareVm = true;
  }
  // Untrusted code in a guest of its own that reached no one: the VM or microVM boundary held.
  const contained = [...attackers.keys()].filter((k) => !k.startsWith('host:') && !through.has(k)).length;
  const { cluster: next, penalty, hit } = breach(state, cluster, victims);
  const osName = os === 'linux' ? 'Linux' : 'Windows';
  if (hit.length === 0) {
    if (contained === 0) return { cluster, incident: null };
    return {
      cluster,
      incident: draft('kernelExploit', 'isolation', t, [], `A ${osName} kernel exploit ran inside your untrusted workloads, but each had a kernel of its own (a VM, microVM or Hyper-V utility VM boundary), so nothing else was reached.`),
    };
  }
  const own = ownKernelRuntimes(state);
  const how: string[] = [];
  if (shareHost) how.push('shared a host kernel with untrusted containers');
  if (shareVm) how.push("shared a VM's kernel with untrusted containers inside it");
  if (guests) how.push('ran as guests on a host OS whose kernel also ran untrusted containers (on a hosted hypervisor the host kernel runs the VMs too)');
  const lesson: string[] = [];
  if (shareHost || shareVm) lesson.push(`A container boundary is only namespaces and cgroups over one kernel${own ? `; ${own} of its own gives a tenant its own kernel` : ''}.`);
  if (guests) lesson.push(`A guest is only as safe as the kernel under its hypervisor: keep untrusted code off a host OS that runs other tenants' VMs${own ? ` (in ${own} of its own, or on another host)` : ''}.`);
  return {
    cluster: next,
    incident: draft(
      'kernelExploit',
      'isolation',
      t,
      hit,
      `A ${osName} kernel exploit escaped untrusted code and compromised ${appNames(state.scenario, hit.map((h) => h.appId))}, which ${listOf(how, 'and')}. ${lesson.join(' ')}`,
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
      `A hypervisor escape (like VENOM in QEMU) let untrusted code on ${hostName(state.scenario, hostId)} break out of its VM and reach ${names(state, hit.map((h) => h.appId))} on the same machine. Rare, but only separate hosts stop it.`,
      penalty,
    ),
  };
}

/**
 * Rule 9: everything running on a failed host is gone, as an HA cluster treats it: it restarts the
 * work elsewhere rather than wait for the repair. The host failed on power, not on disk, so its
 * image cache survives the repair (a pull cut off by the failure does not); a lost VM's disk goes
 * with the VM.
 */
function hostFailure(state: SimState, cluster: ClusterState, hostId: string) {
  const t = state.timeS;
  const host = findHost(cluster, hostId);
  if (!host) return { cluster, incident: null };
  const lost = cluster.instances.filter((i) => i.hostId === hostId);
  const vmsLost = cluster.vms.filter((v) => v.hostId === hostId);
  const goneVms = new Set(vmsLost.map((v) => `vm:${v.id}`));
  const hostKey = `host:${hostId}`;
  let next = retire(cluster, lost, t, 'hostFailure');
  const images: Record<string, Readonly<Record<string, number>>> = {};
  for (const [key, onEngine] of Object.entries(next.images)) {
    if (goneVms.has(key)) continue;
    images[key] = key === hostKey ? Object.fromEntries(Object.entries(onEngine).filter(([, at]) => at <= t)) : onEngine;
  }
  next = {
    ...next,
    vms: next.vms.filter((v) => v.hostId !== hostId),
    images,
    hosts: next.hosts.map((h) => (h.id === hostId ? { ...h, downUntilS: t + state.physics.hostRepairS } : h)),
  };
  const name = hostName(state.scenario, hostId);
  const repair = fmtS(state.physics.hostRepairS);
  if (lost.length === 0 && vmsLost.length === 0) {
    return { cluster: next, incident: draft('hostFailure', 'capacity', t, [], `${name} failed, but nothing of yours was on it. It is back in ${repair}.`) };
  }
  const elsewhere = cluster.hosts.some((h) => h.id !== hostId && h.downUntilS <= t);
  const what = lost.length ? `${lost.length} instance${lost.length === 1 ? '' : 's'} of ${names(state, lost.map((l) => l.appId))}` : `${vmsLost.length} VM${vmsLost.length === 1 ? '' : 's'}`;
  const again = elsewhere
    ? 'Place them again on other hosts, as an HA cluster would rather than wait: containers and microVMs are back in seconds (plus a first image pull where the image is new), VMs in a minute or more.'
    : 'Place them again once it is repaired: there is no other host to restart them on.';
  return {
    cluster: next,
    incident: draft(
      'hostFailure',
      'boot-time',
      t,
      lost,
      `${name} lost power and took ${what} with it: what ran there has stopped, and its disks are out of reach until it is repaired. ${again} Its disks come back with it in ${repair}, image cache included, so deploys there need no pull then.`,
    ),
  };
}

/**
 * What a host has for an `os` patch day: its host OS's kernel, its bare-metal hypervisor (the
 * `hypervisor` platform is KVM-style, a Linux kernel under Firecracker too, so it is patched on
 * Linux patch day), VM guests of that OS, or microVM kernels. An empty host reboots for no one.
 */
function patchWork(cluster: ClusterState, hostId: string, os: Os): { hostKernel: boolean; hypervisor: boolean; guests: number; microvms: boolean } {
  const host = findHost(cluster, hostId)!;
  const used = !isEmptyHost(cluster, hostId);
  return {
    hostKernel: host.platform === os && used,
    hypervisor: host.platform === 'hypervisor' && os === 'linux' && used,
    guests: cluster.vms.filter((v) => v.hostId === hostId && v.guestOs === os).length,
    microvms: os === 'linux' && cluster.instances.some((i) => i.hostId === hostId && i.runtime === 'microvm'),
  };
}

/** How long a host's turn takes out of it: its reboot, if the turn reboots it. */
function rebootS(state: SimState, work: ReturnType<typeof patchWork>, os: Os): number | undefined {
  return work.hostKernel ? state.physics.hostRebootS[os] : work.hypervisor ? state.physics.hypervisorRebootS : undefined;
}

/**
 * Rule 8: one patch-and-reboot per kernel. The window walks the hosts one at a time, as operators
 * drain and patch nodes, so replicas spread over hosts keep serving; each host's turn is queued
 * and runs on whatever is on that host when it comes, the next one once it is back and settled.
 * The labour is counted when patch day lands.
 */
function patchDay(state: SimState, cluster: ClusterState, os: Os) {
  const { physics, timeS: t } = state;
  const work = new Map(cluster.hosts.map((h) => [h.id, patchWork(cluster, h.id, os)] as const));
  const turns = cluster.hosts.filter((h) => {
    const w = work.get(h.id)!;
    return w.hostKernel || w.hypervisor || w.guests > 0 || w.microvms;
  });
  let hostKernels = 0;
  let hypervisors = 0;
  let guestKernels = 0;
  for (const h of turns) {
    const w = work.get(h.id)!;
    hostKernels += Number(w.hostKernel);
    hypervisors += Number(w.hypervisor);
    guestKernels += w.guests;
  }
  const rebuilt = new Set(cluster.instances.filter((i) => i.runtime !== 'vm' && findApp(state.scenario, i.appId)?.os === os).map((i) => i.appId));
  const kernels = hostKernels + hypervisors + guestKernels;
  if (kernels === 0 && rebuilt.size === 0) return { cluster, incident: null };

  // Each turn starts once the one before is back and has settled.
  const queue: { atS: number; os: Os; hostId: string }[] = [];
  let at = t;
  turns.forEach((h, k) => {
    if (k > 0) queue.push({ atS: at, os, hostId: h.id });
    at += (rebootS(state, work.get(h.id)!, os) ?? physics.hostRebootS[os]) + physics.patchSettleS;
  });
  const onTurns = new Set(turns.map((h) => h.id));
  const affected = cluster.instances.filter((i) => onTurns.has(i.hostId));

  const cost = kernels * physics.patchCostPerKernel + rebuilt.size * physics.imageRebuildCost;
  const osName = os === 'linux' ? 'Linux' : 'Windows';
  const parts: string[] = [];
  if (guestKernels) parts.push(`${guestKernels} VM guest${guestKernels === 1 ? '' : 's'} to patch and reboot (${fmtS(physics.vmBootS[os])} or more each)`);
  if (hostKernels) parts.push(`${hostKernels} host OS${hostKernels === 1 ? '' : 'es'} to reboot, each taking down what runs on it unless it can move first`);
  if (hypervisors) {
    parts.push(
      `${hypervisors} bare-metal hypervisor${hypervisors === 1 ? '' : 's'} to patch and reboot too, each live-migrating its VMs to another hypervisor host with room first or taking them down with it`,
    );
  }
  if (rebuilt.size) parts.push(`${rebuilt.size} container image${rebuilt.size === 1 ? '' : 's'} rebuilt on a patched base and restarted in moments`);
  const window = turns.length > 1 ? ` The window patches one host at a time, each once the one before is back: ${turns.map((h) => hostName(state.scenario, h.id)).join(' → ')}.` : '';
  // Told before the first turn's own notice; queued first, so that turn knows which hosts are still to be patched.
  let next = withIncident(
    { ...cluster, patchQueue: [...cluster.patchQueue, ...queue] },
    draft('patchDay', 'patching', t, affected, `${osName} patch day: ${parts.join('; ')}.${window} Every kernel you run is one more to patch.`, 0, cost),
  );
  if (turns.length) next = patchHost(state, next, os, turns[0]!.id, t);
  return { cluster: next, incident: null };
}

/**
 * One host's turn. A reboot (its host OS, or its bare-metal hypervisor) is done in maintenance
 * mode: first what can move is moved (see drainHost), then what stays goes down with it (a hosted
 * hypervisor's VMs boot again after). Each VM guest of that OS reboots at VM speed; a migrated one
 * where it landed, unless that host's own turn is still ahead. MicroVMs restart on a patched kernel.
 */
function patchHost(state: SimState, cluster: ClusterState, os: Os, hostId: string, start: number): ClusterState {
  const { physics } = state;
  const host = findHost(cluster, hostId);
  if (!host) return cluster;
  const reboot = rebootS(state, patchWork(cluster, hostId, os), os);
  const pending = new Set(cluster.patchQueue.filter((turn) => turn.os === os && turn.hostId !== hostId).map((turn) => turn.hostId));
  const drain = reboot !== undefined ? drainHost(state, cluster, hostId, start, pending) : null;
  const c = drain?.cluster ?? cluster;
  // The reboot starts once the drain is done (its migrations copied, its new copies started).
  const back = reboot !== undefined ? start + (drain?.drainS ?? 0) + reboot : undefined;
  const vmUp = new Map<string, number>();
  for (const vm of c.vms) {
    if (vm.hostId === hostId) {
      if (vm.guestOs === os || back !== undefined) vmUp.set(vm.id, Math.max(vm.upAtS, (back ?? start) + vmBootS(physics, vm.guestOs, host)));
    }
  }
  for (const { vm, to } of drain?.migrated ?? []) {
    if (vm.guestOs === os && !pending.has(to)) vmUp.set(vm.id, Math.max(vm.upAtS, start + vmBootS(physics, vm.guestOs, findHost(c, to)!)));
  }
  let changed = false;
  const instances = c.instances.map((inst) => {
    const vmBack = inst.vmId ? vmUp.get(inst.vmId) : undefined;
    if (inst.hostId !== hostId && vmBack === undefined) return inst;
    const app = findApp(state.scenario, inst.appId)!;
    const restart = instanceStartS(physics, app, inst);
    let up = inst.upAtS;
    if (inst.vmId) {
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
  if (!drain && !changed && vmUp.size === 0) return cluster;
  const next: ClusterState = {
    ...c,
    instances: changed ? instances : c.instances,
    vms: vmUp.size ? c.vms.map((vm) => (vmUp.has(vm.id) ? { ...vm, upAtS: vmUp.get(vm.id)! } : vm)) : c.vms,
    hosts: back !== undefined ? c.hosts.map((h) => (h.id === hostId ? { ...h, downUntilS: back } : h)) : c.hosts,
  };
  const notice = drain && reboot !== undefined ? drainNotice(state, next, host.id, os, reboot, drain, start) : null;
  return notice ? withIncident(next, notice) : next;
}

/** What a host's maintenance moved, and what went down with it, told when anything could or could not move. */
function drainNotice(state: SimState, cluster: ClusterState, hostId: string, os: Os, reboot: number, drain: Drain, start: number): Draft | null {
  const { scenario } = state;
  const host = findHost(cluster, hostId)!;
  const stayedVms = cluster.vms.filter((v) => v.hostId === hostId);
  const stuck = cluster.instances.filter((i) => i.hostId === hostId && !i.vmId && i.runtime !== 'vm' && !drain.kept.includes(i));
  const vmsDown = host.platform === 'hypervisor' && stayedVms.length > 0;
  if (!drain.migrated.length && !drain.moved.length && !drain.kept.length && !vmsDown) return null;
  const name = hostName(scenario, hostId);
  const to = (ids: readonly string[]) => listOf([...new Set(ids)].map((id) => hostName(scenario, id)), 'and');
  const parts: string[] = [];
  if (drain.migrated.length) {
    const n = drain.migrated.length;
    parts.push(
      `first ${n === 1 ? `VM ${drain.migrated[0]!.vm.id}` : `${n} VMs (${listOf(drain.migrated.map((m) => m.vm.id), 'and')})`} live-migrated to ${to(drain.migrated.map((m) => m.to))} with no downtime (${describeMigrations(state, drain.migrated.map((m) => m.vm))})`,
    );
  }
  if (drain.moved.length) {
    const count = (n: number, what: string) => (n ? `${n} ${what}${n === 1 ? '' : 's'}` : '');
    const micro = drain.moved.filter((m) => m.inst.runtime === 'microvm').length;
    const kinds = listOf([count(drain.moved.length - micro, 'container'), count(micro, 'microVM')].filter(Boolean), 'and');
    parts.push(
      `${kinds} of ${appNames(scenario, drain.moved.map((m) => m.inst.appId))} ${drain.moved.length === 1 ? 'was' : 'were'} recreated on ${to(drain.moved.map((m) => m.to))} from patched images, each new copy started before the old one stopped`,
    );
  }
  if (vmsDown) {
    parts.push(
      `${stayedVms.length === 1 ? `VM ${stayedVms[0]!.id}` : `${stayedVms.length} VMs`} had no other bare-metal hypervisor host with room to go to and went down with it, to boot again after`,
    );
  } else if (stayedVms.length) {
    parts.push(`${stayedVms.length === 1 ? `VM ${stayedVms[0]!.id} runs` : `${stayedVms.length} VMs run`} under its hosted hypervisor, which cannot live-migrate, and went down with it`);
  }
  if (drain.kept.length) {
    parts.push(
      `${appNames(scenario, drain.kept.map((i) => i.appId))} kept ${drain.kept.length === 1 ? 'its' : 'their'} data only in a container's writable layer, so could not be recreated elsewhere and waited for the reboot: on a volume, the data would have moved with it`,
    );
  }
  if (stuck.length) parts.push(`${appNames(scenario, stuck.map((i) => i.appId))} had nowhere else to run and restart after the reboot`);
  const what = host.platform === 'hypervisor' ? 'hypervisor' : `${os === 'linux' ? 'Linux' : 'Windows'} host OS`;
  const victims = [...drain.kept, ...stuck, ...cluster.instances.filter((i) => i.vmId && stayedVms.some((v) => v.id === i.vmId))];
  return draft('patchDay', 'patching', start, victims, `${name} was patched: its ${what} rebooted for ${fmtS(reboot)}, and ${listOf(parts, 'and')}.`);
}

/**
 * The cluster's own scheduled work due by second `t`: patch turns, and first the storage of deleted
 * VMs' snapshots and removed instances' volumes, billed up to this second (data.ts).
 */
export function runPatchQueue(state: SimState, cluster: ClusterState, t: number): ClusterState {
  const next = settleStorage(state, cluster, t);
  if (!next.patchQueue.some((turn) => turn.atS <= t)) return next;
  let patched = next;
  const due = next.patchQueue.filter((turn) => turn.atS <= t);
  for (const turn of due) patched = patchHost(state, patched, turn.os, turn.hostId, turn.atS);
  return { ...patched, patchQueue: next.patchQueue.filter((turn) => turn.atS > t) };
}

/**
 * Auditors check regulated data: no kernel that untrusted code runs on may reach it (the same
 * reach a kernel exploit has: see kernelsReaching), and no breached instance may hold confidential
 * or regulated data.
 */
function complianceAudit(state: SimState, cluster: ClusterState) {
  const t = state.timeS;
  const attackers = untrustedByKernel(cluster, (i) => untrusted(state, i));
  // Where you host several customers, each one's code is untrusted to the others.
  const tenantOf = (appId: string): string => findApp(state.scenario, appId)?.tenant ?? '';
  const tenants = state.scenario.apps.some((a) => a.tenant !== undefined) ? tenantsByKernel(cluster, (i) => tenantOf(i.appId)) : null;
  const failing = new Map<string, InstanceState[]>();
  let shared = false;
  let underHost = false;
  let breached = false;
  let crossTenant = false;
  for (const inst of cluster.instances) {
    const app = findApp(state.scenario, inst.appId)!;
    if (app.data === 'public') continue;
    const k = app.data === 'regulated' ? exposedThrough(cluster, inst, attackers) : null;
    const other = !k && tenants ? otherTenantThrough(cluster, inst, tenants, tenantOf(app.id)) : null;
    if (!k && !other && !inst.breached) continue;
    failing.set(app.id, [...(failing.get(app.id) ?? []), inst]);
    if (inst.breached) breached = true;
    if (k && k.id === kernelOf(cluster, inst).id) shared = true;
    else if (k) underHost = true;
    if (other) crossTenant = true;
  }
  if (failing.size === 0) {
    if (!state.scenario.apps.some((a) => a.data !== 'public')) return { cluster, incident: null };
    const passed = tenants
      ? "Compliance audit passed: no kernel that runs untrusted code, or another customer's code, can reach a customer's sensitive data."
      : 'Compliance audit passed: no kernel that runs untrusted code can reach your sensitive data.';
    return { cluster, incident: draft('complianceAudit', 'isolation', t, [], passed) };
  }
  const own = ownKernelRuntimes(state);
  const why: string[] = [];
  if (shared) why.push('regulated data shares a kernel with untrusted code');
  if (underHost) why.push('regulated data runs in a VM on a host OS whose kernel also runs untrusted containers (on a hosted hypervisor the host kernel runs the VMs too)');
  if (crossTenant) why.push("a customer's sensitive data shares a kernel with another customer's code (to each customer, every other customer's code is untrusted)");
  if (breached) why.push('breached systems holding sensitive data fail outright');
  const tenantFix = `Give each customer ${own ? `${own} (or several) of its own` : 'hosts of its own'} and run its services as containers inside: that is how a cloud keeps customers apart and still packs each one's services densely.`;
  const fix = underHost
    ? `Keep untrusted code off every kernel that can reach regulated data: run it${own ? ` in ${own} of its own` : ''} or on another host, or move the regulated VMs to a host whose kernel runs no untrusted code.`
    : own
      ? `Give regulated data ${own} of its own, away from untrusted code.`
      : 'Keep regulated data on a host whose kernel runs no untrusted code.';
  const victims = [...failing.values()].flat();
  return {
    cluster,
    incident: draft(
      'complianceAudit',
      'isolation',
      t,
      victims,
      `Compliance audit failed for ${names(state, failing.keys())}: ${why.join('; ')}. ${shared || underHost ? `${fix}${crossTenant ? ` ${tenantFix}` : ''}` : crossTenant ? tenantFix : 'A breach cannot be undone before the audit: keep untrusted code away from sensitive data from the start.'}`,
      failing.size * state.physics.auditPenalty,
    ),
  };
}

/**
 * Rule 6: a runaway app takes CPU from whatever shares a scheduler with it, and who is hurt
 * depends on weights, limits and vCPUs. So the incident compares this second with and without the
 * storm, and says for each neighbour how it was hurt: a container that needs more than its weighted
 * share of a busy kernel gets less; one within its share gets what it needs but waits its turn; a VM
 * or microVM on a host whose VMs want more cores than it has loses CPU to steal.
 */
function noisyNeighbour(state: SimState, cluster: ClusterState, appId: string): Draft | null {
  const runaway = cluster.instances.filter((i) => i.appId === appId);
  if (runaway.length === 0) return null;
  const t = state.timeS;
  const stormy = noisyFactors(state);
  const calm = new Map(stormy);
  calm.delete(appId);
  const now = clusterLoad(state, cluster, t, stormy);
  const before = clusterLoad(state, cluster, t, calm);
  const starved: InstanceState[] = [];
  const waiting: InstanceState[] = [];
  const stolen: InstanceState[] = [];
  cluster.instances.forEach((inst, i) => {
    if (inst.appId === appId || !(now.perf[i]! < before.perf[i]! - 1e-9)) return;
    if (now.steal[i]! > before.steal[i]! + 1e-9) stolen.push(inst);
    else if (now.got[i]! < now.want[i]! - 1e-9) starved.push(inst);
    else waiting.push(inst);
  });
  const hurt = [...starved, ...waiting, ...stolen];
  if (hurt.length === 0) return null;
  const name = findApp(state.scenario, appId)?.name ?? appId;
  const unlimited = runaway.some((i) => i.runtime === 'container' && i.cpuLimit === null);
  const parts = [`${name} is burning CPU.`];
  if (starved.length) {
    parts.push(
      `${names(state, starved.map((s) => s.appId))} got less CPU than ${starved.length === 1 ? 'it needs' : 'they need'}: on a busy kernel each container is sure only of its weighted share (cgroup cpu.weight), and ${starved.length === 1 ? 'it needs' : 'they need'} more than that.`,
    );
  }
  if (waiting.length) {
    parts.push(
      `${names(state, waiting.map((s) => s.appId))} still got all the CPU ${waiting.length === 1 ? 'it needs' : 'they need'}, ${waiting.length === 1 ? 'its' : 'their'} fair share by cpu.weight, but ${waiting.length === 1 ? 'waits its' : 'wait their'} turn on a busy CPU, so ${waiting.length === 1 ? 'it answers' : 'they answer'} more slowly.`,
    );
  }
  if (stolen.length) {
    parts.push(
      `${names(state, stolen.map((s) => s.appId))} lost CPU to steal time: ${stolen.length === 1 ? 'its host is' : 'their hosts are'} asked for more cores than ${stolen.length === 1 ? 'it has' : 'they have'}, so every VM there waits its turn, though none can use more than its own vCPUs.`,
    );
  }
  const defences: string[] = [];
  if (unlimited) defences.push(`a CPU limit (cgroup cpu.max) on ${name} caps what it can take`);
  if (starved.length) defences.push('a higher cpu.weight guarantees a neighbour a bigger share');
  if (stolen.length) defences.push('fewer busy vCPUs per host core, or a host of its own for the busy VM, ends the steal');
  if (defences.length) parts.push(`Defences: ${defences.join('; ')}.`);
  return draft('noisyNeighbour', 'noisy-neighbour', t, hurt, parts.join(' '));
}

