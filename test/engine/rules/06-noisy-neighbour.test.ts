import { describe, expect, it } from 'vitest';
import type { SimState } from '../../../shared/engine/index.ts';
import { DEFAULT_PHYSICS, clusterLoad } from '../../../shared/engine/index.ts';
import { C, all, bareMetal, cluster, createVm, deploy, inject, linuxApp, linuxHost, ok, refused, running, scenario, ticks } from '../helpers.ts';

const P = DEFAULT_PHYSICS;
const CORES = 4;
const FACTOR = 10;

const s = scenario({
  hosts: [linuxHost('h', { cpu: CORES }), bareMetal('metal', { cpu: CORES })],
  apps: [linuxApp('miner', { cpu: 1, imageMiB: 10 }), linuxApp('shop', { cpu: 1, imageMiB: 10 })],
});

const perf = (state: SimState, id: string): number => {
  const c = cluster(state);
  return clusterLoad(state, c, state.timeS).perf[c.instances.findIndex((i) => i.id === id)]!;
};
const noisy = (state: SimState): SimState => ticks(ok(state, inject({ type: 'noisyNeighbour', appId: 'miner', factor: FACTOR, durationS: 120 })), 1);
const setLimit = (instanceId: string, cpu: number | null) => ({ type: 'setLimits' as const, clusterId: C, instanceId, cpu });

describe('rule 6: a container without limits can starve its neighbours; a VM’s vCPUs are its own (noisy-neighbour)', () => {
  const together = () => ticks(all(running(s), [deploy('miner', 'container', 'h', 'miner'), deploy('shop', 'container', 'h', 'shop')]), 5);

  it('serves both containers fully while the host has CPU to spare', () => {
    const state = together();
    expect(perf(state, 'shop')).toBe(1);
    expect(perf(state, 'miner')).toBe(1);
  });

  it('lets a runaway container without a limit starve the containers on the same kernel', () => {
    const state = noisy(together());
    const pool = CORES * (1 - P.cpuOverhead.container);
    expect(perf(state, 'shop')).toBeCloseTo(pool / (FACTOR + 1), 9);
    expect(perf(state, 'shop')).toBeLessThan(0.5);
    const incident = cluster(state).incidents.find((i) => i.type === 'noisyNeighbour');
    expect(incident).toMatchObject({ concept: 'noisy-neighbour', appIds: ['shop'] });
    expect(incident!.message).toMatch(/CPU limit/);
  });

  it('keeps the neighbour whole when the runaway has a cgroup CPU limit', () => {
    const state = noisy(ok(together(), setLimit('miner', 1)));
    expect(perf(state, 'shop')).toBe(1);
    expect(cluster(state).incidents.some((i) => i.type === 'noisyNeighbour')).toBe(false);
  });

  it('restores the neighbour as soon as a limit is set during the storm', () => {
    const state = ok(noisy(together()), setLimit('miner', 1));
    expect(perf(state, 'shop')).toBe(1);
  });

  it('does not reach across VMs: each VM’s vCPUs are its own', () => {
    const base = ticks(all(running(s), [deploy('miner', 'vm', 'metal', 'miner'), deploy('shop', 'vm', 'metal', 'shop')]), 60);
    const calm = perf(base, 'shop');
    expect(calm).toBeCloseTo(1 - P.cpuOverhead.vmType1, 9);
    const storm = noisy(base);
    expect(perf(storm, 'shop')).toBe(calm);
    expect(cluster(storm).incidents.some((i) => i.type === 'noisyNeighbour')).toBe(false);
  });

  it('does not reach a VM on the same host from the host kernel’s containers', () => {
    const base = ticks(all(running(s), [deploy('miner', 'container', 'h', 'miner'), deploy('shop', 'vm', 'h', 'shop')]), 60);
    const calm = perf(base, 'shop');
    expect(perf(noisy(base), 'shop')).toBe(calm);
  });

  it('starves only the containers inside the same VM, not those in another VM', () => {
    const base = ticks(
      all(running(s), [
        createVm('v1', 'metal', 'linux', 2048, 2),
        createVm('v2', 'metal', 'linux', 2048, 2),
        deploy('miner', 'container', 'v1', 'miner'),
        deploy('shop', 'container', 'v1', 'shopSame'),
        deploy('shop', 'container', 'v2', 'shopOther'),
      ]),
      60,
    );
    const storm = noisy(base);
    expect(perf(storm, 'shopSame')).toBeLessThan(perf(base, 'shopSame'));
    expect(perf(storm, 'shopOther')).toBe(perf(base, 'shopOther'));
  });

  it('refuses a CPU limit on a VM or microVM: their vCPUs are already theirs', () => {
    const state = all(running(s), [deploy('miner', 'vm', 'metal', 'v'), deploy('shop', 'microvm', 'metal', 'm')]);
    refused(state, setLimit('v', 1), 'not-a-container', 'noisy-neighbour');
    refused(state, setLimit('m', 1), 'not-a-container', 'noisy-neighbour');
  });

  it('refuses a nonsensical limit and accepts removing one', () => {
    const state = together();
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1000]) refused(state, setLimit('miner', bad), 'bad-value', null);
    const limited = ok(state, setLimit('miner', 0.5));
    expect(cluster(limited).instances.find((i) => i.id === 'miner')!.cpuLimit).toBe(0.5);
    expect(cluster(ok(limited, setLimit('miner', null))).instances.find((i) => i.id === 'miner')!.cpuLimit).toBeNull();
  });

  it('ends the storm after its duration', () => {
    let state = noisy(together());
    expect(perf(state, 'shop')).toBeLessThan(1);
    state = ticks(state, 120);
    expect(perf(state, 'shop')).toBe(1);
  });
});
