import type { ClusterState, SimState } from '../../shared/engine/index.ts';
import { capacityPerReplica, findApp } from '../../shared/engine/index.ts';
import { MAX_COMBINED_FACTOR } from '../../shared/engine/topology.ts';

/**
 * The engine's CPU sharing written the obvious way (string-keyed pools, linear lookups), as it was
 * before clusterLoad was optimised. Tests compare the two on random states: the fast one must
 * give exactly the same numbers, cache or no cache.
 */
export function referenceLoad(state: SimState, cluster: ClusterState, t: number): { perf: number[]; capacity: number[] } {
  const { scenario, physics } = state;
  const noisy = new Map<string, number>();
  for (const e of state.effects) if (e.type === 'noisyNeighbour') noisy.set(e.appId, (noisy.get(e.appId) ?? 1) * e.factor);
  for (const [appId, f] of noisy) noisy.set(appId, Math.min(MAX_COMBINED_FACTOR, Math.max(1 / MAX_COMBINED_FACTOR, f)));
  const host = (id: string) => cluster.hosts.find((h) => h.id === id);
  const n = cluster.instances.length;
  const need: number[] = [];
  const pool: string[] = [];
  const poolNeed = new Map<string, number>();
  const poolCap = new Map<string, number>();
  const reserved = new Map<string, number>();
  for (const vm of cluster.vms) {
    reserved.set(vm.hostId, (reserved.get(vm.hostId) ?? 0) + vm.vcpu);
    const overhead = host(vm.hostId)!.platform !== 'hypervisor' ? physics.cpuOverhead.vmType2 : physics.cpuOverhead.vmType1;
    poolCap.set(`vm:${vm.id}`, vm.upAtS <= t ? vm.vcpu * (1 - overhead) : 0);
  }
  for (let i = 0; i < n; i++) {
    const inst = cluster.instances[i]!;
    const app = findApp(scenario, inst.appId)!;
    if (inst.runtime === 'microvm') {
      const vcpu = Math.max(1, Math.ceil(app.cpu));
      reserved.set(inst.hostId, (reserved.get(inst.hostId) ?? 0) + vcpu);
      pool[i] = `microvm:${inst.id}`;
      poolCap.set(pool[i]!, vcpu * (1 - physics.cpuOverhead.microvm));
    } else {
      pool[i] = inst.vmId ? `vm:${inst.vmId}` : `host:${inst.hostId}`;
    }
    let want = app.cpu * (noisy.get(app.id) ?? 1);
    if (inst.cpuLimit !== null) want = Math.min(want, inst.cpuLimit);
    const h = host(inst.hostId);
    need[i] = inst.upAtS <= t && !!h && h.downUntilS <= t ? want : 0;
    poolNeed.set(pool[i]!, (poolNeed.get(pool[i]!) ?? 0) + need[i]!);
  }
  for (const h of cluster.hosts) poolCap.set(`host:${h.id}`, Math.max(0, h.cpu - (reserved.get(h.id) ?? 0)) * (1 - physics.cpuOverhead.container));
  const perf: number[] = [];
  const capacity = scenario.apps.map(() => 0);
  for (let i = 0; i < n; i++) {
    if (need[i] === 0) {
      perf[i] = 0;
      continue;
    }
    const inst = cluster.instances[i]!;
    const ai = scenario.apps.findIndex((a) => a.id === inst.appId);
    const app = scenario.apps[ai]!;
    const cap = poolCap.get(pool[i]!) ?? 0;
    const total = poolNeed.get(pool[i]!)!;
    const got = total <= cap ? need[i]! : (need[i]! * cap) / total;
    perf[i] = Math.min(1, got / app.cpu);
    capacity[ai]! += perf[i]! * capacityPerReplica(app);
  }
  return { perf, capacity };
}
