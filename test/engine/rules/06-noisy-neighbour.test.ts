import { describe, expect, it } from 'vitest';
import type { Action, SimState } from '../../../shared/engine/index.ts';
import { DEFAULT_PHYSICS, clusterLoad } from '../../../shared/engine/index.ts';
import { clusterView } from '../../../shared/views/index.ts';
import { C, all, bareMetal, cluster, createVm, deploy, expectSentence, inject, instance, linuxApp, linuxHost, ok, refused, running, scenario, ticks } from '../helpers.ts';

const P = DEFAULT_PHYSICS;
const CORES = 4;
const FACTOR = 10;
/** Containers on a host kernel lose this share of what they get to the runtime. */
const KEEP = 1 - P.cpuOverhead.container;
/** What a saturated CPU costs even an instance that gets all it needs: waiting its turn. */
const BUSY = 1 - P.contentionPenalty;

const s = scenario({
  hosts: [linuxHost('h', { cpu: CORES }), bareMetal('metal', { cpu: CORES })],
  apps: [
    linuxApp('miner', { cpu: 1, imageMiB: 10 }),
    linuxApp('shop', { cpu: 1, imageMiB: 10, memoryMiB: 512 }),
    // Needs more than an equal share of the 4 cores once the miner runs away.
    linuxApp('render', { cpu: 3, imageMiB: 10 }),
  ],
});

const at = (state: SimState, id: string): number => cluster(state).instances.findIndex((i) => i.id === id);
const perf = (state: SimState, id: string): number => clusterLoad(state, cluster(state), state.timeS).perf[at(state, id)]!;
const noisy = (state: SimState): SimState => ticks(ok(state, inject({ type: 'noisyNeighbour', appId: 'miner', factor: FACTOR, durationS: 120 })), 1);
const limits = (instanceId: string, set: { cpu?: number | null; weight?: number; memoryMiB?: number | null }): Action => ({ type: 'setLimits', clusterId: C, instanceId, ...set });
const setLimit = (instanceId: string, cpu: number | null) => limits(instanceId, { cpu });
const incident = (state: SimState) => cluster(state).incidents.find((i) => i.type === 'noisyNeighbour');

describe('rule 6: containers on one kernel share CPU by cgroup weight, capped by cpu.max (noisy-neighbour)', () => {
  const together = (neighbour = 'shop') => ticks(all(running(s), [deploy('miner', 'container', 'h', 'miner'), deploy(neighbour, 'container', 'h', neighbour)]), 5);

  it('serves both containers fully while the host has CPU to spare', () => {
    const state = together();
    expect(perf(state, 'shop')).toBe(1);
    expect(perf(state, 'miner')).toBe(1);
  });

  it('gives a neighbour within its fair share all the CPU it needs when a runaway has no limit: it only waits its turn', () => {
    const state = noisy(together());
    const load = clusterLoad(state, cluster(state), state.timeS);
    // Equal weights: each of the two is sure of half the cores; the shop needs a quarter.
    expect(load.got[at(state, 'shop')]).toBe(1);
    expect(perf(state, 'shop')).toBeCloseTo(BUSY, 9);
    // The runaway takes what the shop leaves, never all of it.
    expect(load.got[at(state, 'miner')]).toBeCloseTo((CORES - 1 / KEEP) * KEEP, 9);
    expect(incident(state)).toMatchObject({ concept: 'noisy-neighbour', appIds: ['shop'] });
    expect(incident(state)!.message).toMatch(/waits its turn/);
    expect(incident(state)!.message).toMatch(/CPU limit \(cgroup cpu\.max\)/);
    expectSentence(incident(state)!.message);
  });

  it('holds a neighbour that needs more than its fair share to that share: weight, not demand, decides', () => {
    const state = noisy(together('render'));
    const load = clusterLoad(state, cluster(state), state.timeS);
    const fair = (CORES / 2) * KEEP;
    expect(load.got[at(state, 'render')]).toBeCloseTo(fair, 9);
    // The runaway wants ten times more, yet gets the same as the neighbour.
    expect(load.got[at(state, 'miner')]).toBeCloseTo(fair, 9);
    expect(perf(state, 'render')).toBeCloseTo((fair / 3) * BUSY, 9);
    expect(incident(state)!.message).toMatch(/weighted share/);
    expect(incident(state)!.message).toMatch(/cpu\.weight/);
  });

  it('gives a neighbour with a higher cpu.weight a bigger share, enough here for all it needs', () => {
    const state = noisy(ok(together('render'), limits('render', { weight: 400 })));
    const load = clusterLoad(state, cluster(state), state.timeS);
    expect(load.got[at(state, 'render')]).toBe(3);
    expect(perf(state, 'render')).toBeCloseTo(BUSY, 9);
  });

  it('keeps the neighbour whole when the runaway has a cgroup CPU limit: the kernel is never saturated', () => {
    const state = noisy(ok(together(), setLimit('miner', 1)));
    expect(perf(state, 'shop')).toBe(1);
    expect(incident(state)).toBeUndefined();
  });

  it('restores the neighbour as soon as a limit is set during the storm', () => {
    const state = ok(noisy(together()), setLimit('miner', 1));
    expect(perf(state, 'shop')).toBe(1);
  });

  it('shares a VM’s CPU among only the containers inside it, not those in another VM', () => {
    const base = ticks(
      all(running(s), [
        createVm('v1', 'metal', 'linux', 2048, 3),
        createVm('v2', 'metal', 'linux', 2048, 1),
        deploy('miner', 'container', 'v1', 'miner'),
        deploy('shop', 'container', 'v1', 'shopSame'),
        deploy('shop', 'container', 'v2', 'shopOther'),
      ]),
      60,
    );
    const storm = noisy(base);
    expect(perf(base, 'shopSame')).toBe(1);
    // Within its fair share of v1: all it needs, but it waits its turn.
    expect(perf(storm, 'shopSame')).toBeCloseTo(BUSY, 9);
    // v1 is held to its 3 vCPUs, so the host (4 cores, 4 vCPUs) is not saturated.
    expect(perf(storm, 'shopOther')).toBe(perf(base, 'shopOther'));
  });

  it('takes old plans’ {cpu} as they were and leaves a field that is not given as it is', () => {
    let state = ok(together(), limits('shop', { weight: 300 }));
    state = ok(state, setLimit('shop', 0.5));
    expect(instance(state, 'shop')).toMatchObject({ cpuWeight: 300, cpuLimit: 0.5 });
    state = ok(state, limits('shop', { weight: 50 }));
    expect(instance(state, 'shop')).toMatchObject({ cpuWeight: 50, cpuLimit: 0.5 });
    state = ok(state, setLimit('shop', null));
    expect(instance(state, 'shop')).toMatchObject({ cpuWeight: 50, cpuLimit: null });
  });

  it('refuses limits and weights on a VM or microVM: their vCPUs already cap them', () => {
    const state = all(running(s), [deploy('miner', 'vm', 'metal', 'v'), deploy('shop', 'microvm', 'metal', 'm')]);
    expect(refused(state, setLimit('v', 1), 'not-a-container', 'noisy-neighbour').message).toMatch(/steal/);
    refused(state, limits('m', { weight: 200 }), 'not-a-container', 'noisy-neighbour');
  });

  it('refuses a nonsensical limit or weight, or nothing to set, and accepts removing a limit', () => {
    const state = together();
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1000]) refused(state, setLimit('miner', bad), 'bad-value', null);
    for (const bad of [0, 0.5, 10_001, Number.NaN]) refused(state, limits('miner', { weight: bad }), 'bad-value', null);
    for (const bad of [0, -5, Number.POSITIVE_INFINITY]) refused(state, limits('miner', { memoryMiB: bad }), 'bad-value', null);
    refused(state, limits('miner', {}), 'bad-value', null);
    const limited = ok(state, setLimit('miner', 0.5));
    expect(instance(limited, 'miner').cpuLimit).toBe(0.5);
    expect(instance(ok(limited, setLimit('miner', null)), 'miner').cpuLimit).toBeNull();
  });

  it('ends the storm after its duration', () => {
    let state = noisy(together());
    expect(perf(state, 'shop')).toBeLessThan(1);
    state = ticks(state, 120);
    expect(perf(state, 'shop')).toBe(1);
  });
});

describe('rule 6: VMs share host cores by vCPU with overcommit: busy neighbours cause steal, but a VM never runs more than its vCPUs (noisy-neighbour)', () => {
  it('holds a runaway VM to its vCPUs, so on a host with cores to spare its neighbour VM is untouched', () => {
    const base = ticks(all(running(s), [deploy('miner', 'vm', 'metal', 'miner'), deploy('shop', 'vm', 'metal', 'shop')]), 60);
    const calm = perf(base, 'shop');
    expect(calm).toBeCloseTo(1 - P.cpuOverhead.vmType1, 9);
    const storm = noisy(base);
    const load = clusterLoad(storm, cluster(storm), storm.timeS);
    expect(load.vmGot[cluster(storm).vms.findIndex((v) => v.id === 'miner-vm')]).toBe(1);
    expect(perf(storm, 'shop')).toBe(calm);
    expect(incident(storm)).toBeUndefined();
  });

  it('makes the VMs of an overcommitted host lose CPU to steal when together they want more cores than it has', () => {
    // 5 vCPUs on 4 cores: fine while calm; in the storm the big VM wants all 4 of its vCPUs.
    const base = ticks(all(running(s), [createVm('big', 'metal', 'linux', 2048, 4), deploy('miner', 'container', 'big', 'miner'), deploy('shop', 'vm', 'metal', 'shop')]), 60);
    const calm = perf(base, 'shop');
    const storm = noisy(base);
    const c = cluster(storm);
    const load = clusterLoad(storm, c, storm.timeS);
    const shopVm = c.vms.findIndex((v) => v.id === 'shop-vm');
    // Shared by vCPU: 4 cores for 5 busy vCPUs is 0.8 of a core each.
    expect(load.vmGot[shopVm]).toBeCloseTo(0.8, 9);
    expect(load.steal[at(storm, 'shop')]).toBeCloseTo(0.2, 9);
    expect(load.hostGot[c.hosts.findIndex((h) => h.id === 'metal')]).toBeCloseTo(CORES, 9);
    expect(perf(storm, 'shop')).toBeLessThan(calm);
    expect(incident(storm)).toMatchObject({ appIds: ['shop'] });
    expect(incident(storm)!.message).toMatch(/steal/);
    expect(incident(storm)!.message).toMatch(/vCPUs/);

    const view = clusterView(storm, c);
    expect(view.vms.find((v) => v.id === 'shop-vm')).toMatchObject({ stealPct: 20, cpuWanted: 1, cpuGranted: 0.8 });
    expect(view.instances.find((i) => i.id === 'shop')!.stealPct).toBe(20);
    expect(view.hosts.find((h) => h.id === 'metal')).toMatchObject({ cpu: CORES, cpuUsed: CORES, cpuWanted: 5, stealPct: 20, reservedCpu: 5 });
  });

  it('lets a VM on a hosted host keep its vCPUs’ worth beside a runaway host container, waiting its turn', () => {
    const base = ticks(all(running(s), [deploy('miner', 'container', 'h', 'miner'), deploy('shop', 'vm', 'h', 'shop')]), 60);
    const calm = perf(base, 'shop');
    expect(calm).toBeCloseTo(1 - P.cpuOverhead.vmType2, 9);
    expect(perf(noisy(base), 'shop')).toBeCloseTo(calm * BUSY, 9);
  });
});

describe('rule 6 (memory): memory.max below what an app needs gets it OOM-killed in a loop (capacity)', () => {
  const placed = () => ticks(ok(running(s), deploy('shop', 'container', 'h', 'shop')), 5);

  it('ends a container whose memory limit is below its need each time it starts, so it serves nothing, and says why', () => {
    const state = ticks(ok(placed(), limits('shop', { memoryMiB: 256 })), 1);
    expect(perf(state, 'shop')).toBe(0);
    const oom = cluster(state).incidents.find((i) => i.type === 'oomKill');
    expect(oom).toMatchObject({ concept: 'capacity', appIds: ['shop'], securityPenalty: 0 });
    expect(oom!.message).toMatch(/OOM killer/);
    expect(oom!.message).toMatch(/Raise the limit to at least 512 MiB/);
    expectSentence(oom!.message);
    const view = () => clusterView(later, cluster(later)).instances.find((i) => i.id === 'shop')!;
    let later = state;
    expect(view()).toMatchObject({ status: 'down', memoryLimitMiB: 256 });
    const first = view().oomKills;
    later = ticks(state, 120);
    expect(view().oomKills).toBeGreaterThan(first);
    // Another limit still too low is the same loop, not a new incident.
    later = ok(later, limits('shop', { memoryMiB: 300 }));
    expect(cluster(later).incidents.filter((i) => i.type === 'oomKill')).toHaveLength(1);
  });

  it('serves again once the limit is raised, after the container starts again', () => {
    let state = ok(ticks(ok(placed(), limits('shop', { memoryMiB: 256 })), 10), limits('shop', { memoryMiB: 512 }));
    expect(instance(state, 'shop').oomSinceS).toBeUndefined();
    state = ticks(state, 1);
    expect(perf(state, 'shop')).toBe(1);
  });

  it('changes nothing when the limit is at or above what the app needs (no memory growth is modelled)', () => {
    const state = ticks(ok(placed(), limits('shop', { memoryMiB: 512 })), 1);
    expect(perf(state, 'shop')).toBe(1);
    expect(cluster(state).incidents.some((i) => i.type === 'oomKill')).toBe(false);
  });
});
