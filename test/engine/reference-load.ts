import type { ClusterState, InstanceState, SimState } from '../../shared/engine/index.ts';
import { capacityPerReplica, findApp } from '../../shared/engine/index.ts';
import { MAX_COMBINED_FACTOR } from '../../shared/engine/topology.ts';

/**
 * The engine's CPU sharing written the obvious way (lookups by id, lists built per host and per
 * VM, no layout cache), as a check on clusterLoad's flat arrays. Tests compare the two on random
 * states: the fast one must give exactly the same numbers, cache or no cache, so the sums and the
 * water-filling below run in the same order as the engine's.
 */
export function referenceLoad(state: SimState, cluster: ClusterState, t: number) {
  const { scenario, physics } = state;
  const noisy = new Map<string, number>();
  for (const e of state.effects) if (e.type === 'noisyNeighbour') noisy.set(e.appId, (noisy.get(e.appId) ?? 1) * e.factor);
  for (const [appId, f] of noisy) noisy.set(appId, Math.min(MAX_COMBINED_FACTOR, Math.max(1 / MAX_COMBINED_FACTOR, f)));
  const { hosts, vms, instances } = cluster;
  const hostIndex = (id: string) => hosts.findIndex((h) => h.id === id);
  const vmIndex = (id: string) => vms.findIndex((v) => v.id === id);
  const hostUp = (h: number) => h >= 0 && hosts[h]!.downUntilS <= t;
  const vmUp = vms.map((vm) => vm.upAtS <= t && hostUp(hostIndex(vm.hostId)));
  // A Hyper-V isolated Windows container is scheduled by its utility VM, a small VM like a microVM.
  const where = (inst: InstanceState): 'host' | 'vm' | 'microvm' | 'nowhere' => {
    if (hostIndex(inst.hostId) < 0 || (inst.vmId && vmIndex(inst.vmId) < 0)) return 'nowhere';
    if (inst.runtime === 'microvm' || (!inst.vmId && inst.isolation === 'hyperv')) return 'microvm';
    return inst.vmId ? 'vm' : 'host';
  };

  const want = instances.map((inst) => {
    const app = findApp(scenario, inst.appId)!;
    const oom = inst.memoryLimitMiB != null && inst.memoryLimitMiB < app.memoryMiB;
    const place = where(inst);
    const up = inst.upAtS <= t && place !== 'nowhere' && hostUp(hostIndex(inst.hostId)) && !oom && (place !== 'vm' || vmUp[vmIndex(inst.vmId!)]!);
    if (!up) return 0;
    const w = app.cpu * (noisy.get(app.id) ?? 1);
    return inst.cpuLimit !== null && inst.cpuLimit < w ? inst.cpuLimit : w;
  });

  // Who asks each host for CPU: its VMs, then its microVMs and host-kernel containers, in order.
  interface Asker {
    want: number;
    weight: number;
    cap: number;
    keep: number;
    work: number;
    grant: number;
  }
  const inVm = vms.map((vm) => instances.flatMap((inst, i) => (where(inst) === 'vm' && vmIndex(inst.vmId!) === vms.indexOf(vm) ? [i] : [])));
  const vmAskers: Asker[] = vms.map((vm, v) => {
    const h = hostIndex(vm.hostId);
    const keep = 1 - (h >= 0 && hosts[h]!.platform === 'hypervisor' ? physics.cpuOverhead.vmType1 : physics.cpuOverhead.vmType2);
    const work = inVm[v]!.reduce((sum, i) => sum + want[i]!, 0);
    return { want: Math.min(vm.vcpu, work / keep), weight: vm.vcpu, cap: vm.vcpu, keep, work, grant: 0 };
  });
  const ownAskers = new Map<number, Asker>();
  instances.forEach((inst, i) => {
    const place = where(inst);
    if (place === 'host') {
      const keep = 1 - physics.cpuOverhead.container;
      ownAskers.set(i, { want: want[i]! / keep, weight: (inst.cpuWeight ?? 100) / 100, cap: Infinity, keep, work: want[i]!, grant: 0 });
    } else if (place === 'microvm') {
      const vcpu = Math.max(1, Math.ceil(findApp(scenario, inst.appId)!.cpu));
      const keep = 1 - (inst.runtime === 'microvm' ? physics.cpuOverhead.microvm : physics.cpuOverhead.vmType1);
      ownAskers.set(i, { want: Math.min(vcpu, want[i]! / keep), weight: vcpu, cap: vcpu, keep, work: want[i]!, grant: 0 });
    }
  });

  const hostWant: number[] = [];
  const hostGot: number[] = [];
  const hostBusy = hosts.map((h, hi) => {
    const askers = [
      ...vms.flatMap((vm, v) => (hostIndex(vm.hostId) === hi ? [vmAskers[v]!] : [])),
      ...instances.flatMap((inst, i) => (ownAskers.has(i) && hostIndex(inst.hostId) === hi ? [ownAskers.get(i)!] : [])),
    ];
    const grants = waterFill(
      askers.map((a) => a.want),
      askers.map((a) => a.weight),
      h.cpu,
    );
    askers.forEach((a, k) => (a.grant = grants.grant[k]!));
    hostWant.push(askers.reduce((sum, a) => sum + a.want, 0));
    hostGot.push(askers.reduce((sum, a) => sum + a.grant, 0));
    return grants.busy;
  });
  for (const a of [...vmAskers, ...ownAskers.values()]) if (!(a.grant === a.want && a.work / a.keep <= a.cap)) a.work = a.grant * a.keep;

  const got = instances.map(() => 0);
  const vmBusy = vms.map((_, v) => {
    const members = inVm[v]!;
    const fill = waterFill(
      members.map((i) => want[i]!),
      members.map((i) => (instances[i]!.cpuWeight ?? 100) / 100),
      vmAskers[v]!.work,
    );
    members.forEach((i, k) => (got[i] = fill.grant[k]!));
    return fill.busy;
  });

  const perf: number[] = [];
  const steal: number[] = [];
  const capacity = scenario.apps.map(() => 0);
  instances.forEach((inst, i) => {
    const place = where(inst);
    const asker = place === 'vm' ? vmAskers[vmIndex(inst.vmId!)]! : ownAskers.get(i);
    steal[i] = (place === 'vm' || place === 'microvm') && asker!.want > 0 ? (asker!.want - asker!.grant) / asker!.want : 0;
    if (want[i] === 0) {
      perf[i] = 0;
      return;
    }
    if (place !== 'vm') got[i] = asker!.work;
    const ai = scenario.apps.findIndex((a) => a.id === inst.appId);
    const app = scenario.apps[ai]!;
    const p = Math.min(1, got[i]! / app.cpu);
    const busy = place === 'vm' ? hostBusy[hostIndex(vms[vmIndex(inst.vmId!)]!.hostId)]! || vmBusy[vmIndex(inst.vmId!)]! : hostBusy[hostIndex(inst.hostId)]!;
    perf[i] = busy ? p * (1 - physics.contentionPenalty) : p;
    capacity[ai]! += perf[i]! * capacityPerReplica(app);
  });
  return {
    perf,
    capacity,
    want,
    got,
    steal,
    vmWant: vmAskers.map((a) => a.want),
    vmGot: vmAskers.map((a) => a.grant),
    hostWant,
    hostGot,
    // Steal over the cluster: every VM's and microVM's (or utility VM's) ask of its host, and the shortfall.
    ...(() => {
      const own = [...ownAskers].filter(([i]) => where(instances[i]!) === 'microvm').sort(([a], [b]) => a - b);
      const stealers = [...vmAskers, ...own.map(([, a]) => a)];
      return { stealAsked: stealers.reduce((sum, a) => sum + a.want, 0), stealLost: Math.max(0, stealers.reduce((sum, a) => sum + (a.want - a.grant), 0)) };
    })(),
  };
}

/** Weighted max-min fair shares of `cap`, settled level by level as the engine does. */
function waterFill(want: readonly number[], weight: readonly number[], cap: number): { grant: number[]; busy: boolean } {
  const total = want.reduce((sum, w) => sum + w, 0);
  const runnable = want.filter((w) => w > 0).length;
  if (total <= cap) return { grant: [...want], busy: false };
  const grant: number[] = want.map((w) => (w > 0 ? -1 : 0));
  let left = cap;
  let weights = want.reduce((sum, w, k) => (w > 0 ? sum + weight[k]! : sum), 0);
  for (;;) {
    const level = left / weights;
    let settled = false;
    want.forEach((w, k) => {
      if (grant[k]! < 0 && w <= weight[k]! * level) {
        grant[k] = w;
        left -= w;
        weights -= weight[k]!;
        settled = true;
      }
    });
    if (!settled) return { grant: grant.map((g, k) => (g < 0 ? weight[k]! * level : g)), busy: runnable > 1 };
  }
}
