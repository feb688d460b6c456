import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Action, ClusterState, SimState } from '../../shared/engine/index.ts';
import { DEFAULT_PHYSICS, clusterLoad, findApp, hostUsage, reduce } from '../../shared/engine/index.ts';
import type { ClusterLoad } from '../../shared/engine/topology.ts';
import { parseScenario } from '../../shared/scenario/parse.ts';
import { C, all, bareMetal, cluster, createVm, deploy, linuxApp, linuxHost, ok, refused, running, scenario } from './helpers.ts';
import { referenceLoad } from './reference-load.ts';

// Fixed seed: a failure reproduces exactly, and fast-check prints the shrunk counterexample.
const SEED = 0x5ced;
const EPS = 1e-9;
/** Long after every boot and pull: everything placed is up. */
const LATER = 100_000;

describe('vCPU overcommit: the hypervisor refuses only past its allowance per core (capacity)', () => {
  it('takes its ratios from the sourced figures, and a scenario may set its own within bounds', () => {
    // VMware: 1:1–3:1 unproblematic, 3:1–5:1 may degrade; OpenStack Nova's default is 16.
    expect(DEFAULT_PHYSICS.vcpuOvercommit.vm).toBeGreaterThanOrEqual(3);
    expect(DEFAULT_PHYSICS.vcpuOvercommit.vm).toBeLessThanOrEqual(5);
    expect(DEFAULT_PHYSICS.vcpuOvercommit.microvm).toBeLessThanOrEqual(16);
    expect(DEFAULT_PHYSICS.contentionPenalty).toBeGreaterThan(0);
    expect(DEFAULT_PHYSICS.contentionPenalty).toBeLessThanOrEqual(0.1);
    const base = { schemaVersion: 1, id: 'x', title: 'X', summary: 'S', debrief: 'D', durationS: 60, hosts: [{ id: 'h', cpu: 1, memoryGiB: 1 }], apps: [{ id: 'a', name: 'A', cpu: 1, memoryMiB: 64 }] };
    expect(parseScenario({ ...base, physics: { vcpuOvercommit: { vm: 0.5 } } }).ok).toBe(false);
    expect(parseScenario({ ...base, physics: { contentionPenalty: 0.9 } }).ok).toBe(false);
    expect(parseScenario({ ...base, physics: { vcpuOvercommit: { microvm: 32 }, contentionPenalty: 0 } }).ok).toBe(true);
  });

  it('accepts a third 2-vCPU VM on a 4-core host under the default ratio', () => {
    const s = scenario({ hosts: [bareMetal('metal', { cpu: 4, memoryGiB: 16 })], apps: [linuxApp('a')] });
    const state = all(running(s), [createVm('v1', 'metal', 'linux', 1024, 2), createVm('v2', 'metal', 'linux', 1024, 2), createVm('v3', 'metal', 'linux', 1024, 2)]);
    expect(hostUsage(state.scenario, state.physics, cluster(state), cluster(state).hosts[0]!)).toMatchObject({ reservedCpu: 6, vmVcpus: 6, cpu: 4 });
  });

  it('fits 24 microVMs of a quarter CPU on an 8-core KVM host when memory allows', () => {
    const s = scenario({ hosts: [bareMetal('metal', { cpu: 8, memoryGiB: 64 })], apps: [linuxApp('fn', { cpu: 0.25, memoryMiB: 128, imageMiB: 10 })] });
    const state = all(
      running(s),
      Array.from({ length: 24 }, (_, k) => deploy('fn', 'microvm', 'metal', `fn${k}`)),
    );
    expect(cluster(state).instances).toHaveLength(24);
  });

  it('refuses past vcpuOvercommit vCPUs per core and says so, with a scenario’s own ratio', () => {
    const s = scenario({ hosts: [bareMetal('metal', { cpu: 2, memoryGiB: 64 })], apps: [linuxApp('a')], physics: { vcpuOvercommit: { vm: 2 } } });
    const state = all(running(s), [createVm('v1', 'metal', 'linux', 1024, 2), createVm('v2', 'metal', 'linux', 1024, 2)]);
    const r = refused(state, createVm('v3', 'metal', 'linux', 1024, 1), 'insufficient-cpu', 'capacity');
    expect(r.message).toMatch(/2 vCPUs per core for VMs/);
    expect(r.message).toMatch(/steal/);
    // A microVM vCPU takes a smaller part of the allowance (16 per core by default), but this host has none left.
    refused(state, deploy('a', 'microvm', 'metal'), 'insufficient-cpu', 'capacity');
  });
});

// ---- random clusters -------------------------------------------------------------------------

interface Spec {
  readonly hosts: readonly { platform: 'linux' | 'hypervisor'; cpu: number; poolVcpu: number }[];
  readonly apps: readonly number[];
  readonly placements: readonly { kind: 'container' | 'inVm' | 'vm' | 'microvm'; app: number; host: number; weight: number | null; limit: number | null }[];
  readonly storm: { app: number; factor: number } | null;
}

const weightArb = fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 10_000 }) }, { weight: 1, arbitrary: fc.constantFrom(50, 200, 400) });
const specArb = (kinds: readonly Spec['placements'][number]['kind'][], withWeights = true): fc.Arbitrary<Spec> =>
  fc.record({
    hosts: fc.array(fc.record({ platform: fc.constantFrom('linux' as const, 'hypervisor' as const), cpu: fc.integer({ min: 1, max: 16 }), poolVcpu: fc.integer({ min: 1, max: 8 }) }), { minLength: 1, maxLength: 3 }),
    apps: fc.array(fc.integer({ min: 1, max: 80 }).map((q) => q / 20), { minLength: 1, maxLength: 4 }),
    placements: fc.array(
      fc.record({
        kind: fc.constantFrom(...kinds),
        app: fc.nat(),
        host: fc.nat(),
        weight: withWeights ? weightArb : fc.constant(null),
        limit: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 32 }).map((q) => q / 4) }),
      }),
      { maxLength: 14 },
    ),
    storm: fc.option(fc.record({ app: fc.nat(), factor: fc.constantFrom(2, 5, 10, 100) }), { nil: null }),
  });

/** A state built by the engine's own actions (what it refuses is left out) with a storm in effect. */
function build(spec: Spec): SimState {
  const s = scenario({
    hosts: spec.hosts.map((h, k) => (h.platform === 'linux' ? linuxHost(`h${k}`, { cpu: h.cpu, memoryGiB: 256 }) : bareMetal(`h${k}`, { cpu: h.cpu, memoryGiB: 256 }))),
    apps: spec.apps.map((cpu, k) => linuxApp(`a${k}`, { cpu, memoryMiB: 64, imageMiB: 10 })),
  });
  let state = running(s);
  const act = (action: Action) => {
    const r = reduce(state, action);
    if (!r.rejection) state = r.state;
    return !r.rejection;
  };
  spec.hosts.forEach((h, k) => act(createVm(`pool${k}`, `h${k}`, 'linux', 4096, h.poolVcpu)));
  spec.placements.forEach((p, k) => {
    const host = p.host % spec.hosts.length;
    const app = `a${p.app % spec.apps.length}`;
    const id = `i${k}`;
    const placed = act(p.kind === 'inVm' ? deploy(app, 'container', `pool${host}`, id) : deploy(app, p.kind, `h${host}`, id));
    if (placed && p.weight !== null) act({ type: 'setLimits', clusterId: C, instanceId: id, weight: p.weight });
    if (placed && p.limit !== null) act({ type: 'setLimits', clusterId: C, instanceId: id, cpu: p.limit });
  });
  const effects = spec.storm ? [{ type: 'noisyNeighbour' as const, appId: `a${spec.storm.app % spec.apps.length}`, factor: spec.storm.factor, untilS: LATER * 2 }] : [];
  return { ...state, effects };
}

const loadOf = (state: SimState): ClusterLoad => clusterLoad(state, cluster(state), LATER);
const keepOf = (state: SimState, c: ClusterState, hostId: string) =>
  1 - (c.hosts.find((h) => h.id === hostId)!.platform === 'hypervisor' ? state.physics.cpuOverhead.vmType1 : state.physics.cpuOverhead.vmType2);

/** Every host-level asker of one host (VMs, microVMs, host-kernel containers) with its ask and weight, as rule 6 defines them. */
function askers(state: SimState, c: ClusterState, load: ClusterLoad, hostId: string) {
  const out: { instance: number | null; ask: number; weight: number }[] = [];
  c.vms.forEach((vm, v) => vm.hostId === hostId && out.push({ instance: null, ask: load.vmWant[v]!, weight: vm.vcpu }));
  c.instances.forEach((inst, i) => {
    if (inst.hostId !== hostId || inst.vmId) return;
    if (inst.runtime === 'microvm') {
      const vcpu = Math.max(1, Math.ceil(findApp(state.scenario, inst.appId)!.cpu));
      out.push({ instance: i, ask: Math.min(vcpu, load.want[i]! / (1 - state.physics.cpuOverhead.microvm)), weight: vcpu });
    } else {
      out.push({ instance: i, ask: load.want[i]! / (1 - state.physics.cpuOverhead.container), weight: (inst.cpuWeight ?? 100) / 100 });
    }
  });
  return out;
}

const property = (arb: fc.Arbitrary<Spec>, check: (state: SimState, load: ClusterLoad) => void, numRuns = 300) =>
  fc.assert(
    fc.property(arb, (spec) => {
      const state = build(spec);
      check(state, loadOf(state));
    }),
    { seed: SEED, numRuns },
  );

const ALL = ['container', 'inVm', 'vm', 'microvm'] as const;

describe('CPU sharing properties (rule 6, seeded fast-check)', () => {
  it('never gives a VM or microVM more than its vCPUs', () => {
    property(specArb(ALL), (state, load) => {
      const c = cluster(state);
      c.vms.forEach((vm, v) => {
        expect(load.vmWant[v]!).toBeLessThanOrEqual(vm.vcpu + EPS);
        expect(load.vmGot[v]!).toBeLessThanOrEqual(vm.vcpu + EPS);
        const inside = c.instances.reduce((sum, inst, i) => (inst.vmId === vm.id ? sum + load.got[i]! : sum), 0);
        expect(inside).toBeLessThanOrEqual(vm.vcpu + EPS);
      });
      c.instances.forEach((inst, i) => {
        if (inst.runtime === 'microvm') expect(load.got[i]!).toBeLessThanOrEqual(Math.max(1, Math.ceil(findApp(state.scenario, inst.appId)!.cpu)) + EPS);
      });
    });
  });

  it('never hands out more CPU on a host than its cores, whatever is asked', () => {
    property(specArb(ALL), (state, load) => {
      const c = cluster(state);
      c.hosts.forEach((host, h) => {
        expect(load.hostGot[h]!).toBeLessThanOrEqual(host.cpu + EPS);
        expect(load.hostGot[h]!).toBeLessThanOrEqual(load.hostWant[h]! + EPS);
        // When asked for more than it has, it hands out all of it.
        if (load.hostWant[h]! > host.cpu) expect(load.hostGot[h]!).toBeCloseTo(host.cpu, 9);
        const work = c.instances.reduce((sum, inst, i) => (inst.hostId === host.id ? sum + load.got[i]! : sum), 0);
        expect(work).toBeLessThanOrEqual(host.cpu + EPS);
      });
    });
  });

  it('gives every container whose need is within its weighted fair share all it needs, on a host kernel or in a VM', () => {
    property(specArb(ALL), (state, load) => {
      const c = cluster(state);
      for (const host of c.hosts) {
        const list = askers(state, c, load, host.id).filter((a) => a.ask > 0);
        const weights = list.reduce((sum, a) => sum + a.weight, 0);
        for (const a of list) {
          if (a.instance === null || c.instances[a.instance]!.runtime !== 'container') continue;
          if (a.ask <= (a.weight / weights) * host.cpu - EPS) expect(load.got[a.instance]!).toBeCloseTo(load.want[a.instance]!, 9);
        }
      }
      c.vms.forEach((vm, v) => {
        const inside = c.instances.flatMap((inst, i) => (inst.vmId === vm.id && load.want[i]! > 0 ? [i] : []));
        const weights = inside.reduce((sum, i) => sum + (c.instances[i]!.cpuWeight ?? 100) / 100, 0);
        const pool = load.vmGot[v]! * keepOf(state, c, vm.hostId);
        for (const i of inside) if (load.want[i]! <= (((c.instances[i]!.cpuWeight ?? 100) / 100) * pool) / weights - EPS) expect(load.got[i]!).toBeCloseTo(load.want[i]!, 9);
      });
    });
  });

  it('with equal weights, never lets an unlimited runaway take a neighbour below its fair share', () => {
    fc.assert(
      fc.property(specArb(['container'], false), fc.nat(), fc.constantFrom(2, 10, 100, 10_000), (spec, pick, factor) => {
        const runaway = `a${pick % spec.apps.length}`;
        const state = build({ ...spec, placements: spec.placements.map((p) => ({ ...p, limit: `a${p.app % spec.apps.length}` === runaway ? null : p.limit })), storm: null });
        const storm = { ...state, effects: [{ type: 'noisyNeighbour' as const, appId: runaway, factor, untilS: LATER * 2 }] };
        const calm = loadOf(state);
        const load = loadOf(storm);
        const c = cluster(state);
        const keep = 1 - state.physics.cpuOverhead.container;
        for (const host of c.hosts) {
          const on = c.instances.flatMap((inst, i) => (inst.hostId === host.id && load.want[i]! > 0 ? [i] : []));
          for (const i of on) {
            if (c.instances[i]!.appId === runaway) continue;
            const fair = (host.cpu / on.length) * keep;
            expect(load.got[i]!).toBeGreaterThanOrEqual(Math.min(calm.got[i]!, load.want[i]!, fair) - EPS);
          }
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('never gives a container less for more weight', () => {
    fc.assert(
      fc.property(specArb(['container', 'inVm', 'microvm', 'vm']), fc.nat(), fc.integer({ min: 2, max: 50 }), (spec, pick, times) => {
        const state = build(spec);
        const c = cluster(state);
        const containers = c.instances.filter((i) => i.runtime === 'container');
        if (containers.length === 0) return;
        const target = containers[pick % containers.length]!;
        const weight = Math.min(10_000, (target.cpuWeight ?? 100) * times);
        const heavier = ok(state, { type: 'setLimits', clusterId: C, instanceId: target.id, weight });
        const i = c.instances.indexOf(target);
        expect(loadOf(heavier).got[i]!).toBeGreaterThanOrEqual(loadOf(state).got[i]! - EPS);
        expect(loadOf(heavier).perf[i]!).toBeGreaterThanOrEqual(loadOf(state).perf[i]! - EPS);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('gives exactly the plain reference’s numbers, with weights, limits and memory limits in play', () => {
    fc.assert(
      fc.property(specArb(ALL), fc.nat(), fc.integer({ min: 16, max: 128 }), (spec, pick, memoryMiB) => {
        let state = build(spec);
        const c = cluster(state);
        // Now and then a memory limit below or at the need (64 MiB).
        const target = c.instances.filter((i) => i.runtime === 'container')[pick % 5];
        if (target) state = ok(state, { type: 'setLimits', clusterId: C, instanceId: target.id, memoryMiB });
        const fast = clusterLoad(state, cluster(state), LATER);
        expect(JSON.stringify(fast)).toBe(JSON.stringify(referenceLoad(state, cluster(state), LATER)));
        // And again from the layout cache.
        expect(JSON.stringify(clusterLoad(state, cluster(state), LATER))).toBe(JSON.stringify(fast));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('keeps every share finite and perf within 0..1', () => {
    property(specArb(ALL), (_state, load) => {
      for (const x of [...load.perf, ...load.want, ...load.got, ...load.steal, ...load.vmWant, ...load.vmGot, ...load.hostWant, ...load.hostGot]) expect(Number.isFinite(x)).toBe(true);
      for (const p of load.perf) expect(p >= 0 && p <= 1).toBe(true);
      for (const x of load.steal) expect(x >= -EPS && x <= 1 + EPS).toBe(true);
    });
  });
});
