import { describe, expect, it } from 'vitest';
import type { SimState } from '../../../shared/engine/index.ts';
import { DEFAULT_PHYSICS, clusterLoad } from '../../../shared/engine/index.ts';
import { all, bareMetal, cluster, deploy, inject, instance, linuxApp, linuxHost, ok, running, scenario, ticks, vm, windowsApp } from '../helpers.ts';

const P = DEFAULT_PHYSICS;
const s = scenario({
  hosts: [linuxHost('h'), bareMetal('metal', { cpu: 16, memoryGiB: 32 }), linuxHost('h2')],
  apps: [linuxApp('web', { imageMiB: 10 }), linuxApp('api', { imageMiB: 10 }), linuxApp('db', { imageMiB: 10 }), linuxApp('cache', { imageMiB: 10 }), windowsApp('erp', { imageMiB: 10 })],
  durationS: 3600,
});

/** Placed, then run until every guest (even Windows) is long up. */
const T = 400;
const settle = (state: SimState): SimState => ticks(state, T);
const patch = (state: SimState, os: 'linux' | 'windows' = 'linux'): SimState => ticks(ok(state, inject({ type: 'patchDay', os })), 1);
const up = (state: SimState, id: string, t: number): boolean => {
  const c = cluster(state);
  return clusterLoad(state, c, t).perf[c.instances.findIndex((i) => i.id === id)]! > 0;
};

describe('rule 8: patch day costs one patch-and-reboot per kernel (patching)', () => {
  const mixed = () =>
    settle(
      all(running(s), [
        deploy('web', 'vm', 'metal', 'v1'),
        deploy('api', 'vm', 'metal', 'v2'),
        deploy('erp', 'vm', 'metal', 'w'),
        deploy('web', 'microvm', 'metal', 'm'),
        deploy('web', 'container', 'h', 'c1'),
        deploy('api', 'container', 'h', 'c2'),
      ]),
    );

  it('charges a patch per kernel (each Linux VM guest and each Linux host OS) plus an image rebuild per container app', () => {
    const state = patch(mixed());
    const incident = cluster(state).incidents.find((i) => i.type === 'patchDay')!;
    expect(incident.concept).toBe('patching');
    // Kernels: v1, v2 guests and host h. Rebuilt images: web and api (containers and the microVM).
    const expected = 3 * P.patchCostPerKernel + 2 * P.imageRebuildCost;
    expect(incident.cost).toBeCloseTo(expected, 9);
    expect(cluster(state).tally.spend.patching).toBeCloseTo(expected, 9);
    expect(incident.message).toMatch(/Every kernel/);
  });

  // The patch window walks the hosts one at a time, in scenario order: h first, then metal.
  const SLOT = P.hostRebootS.linux + P.patchSettleS;

  it('takes each patched VM guest down for a whole boot in its host’s window, then its app restarts', () => {
    const patched = patch(mixed());
    // Until metal's turn comes, its guests keep serving: the window is one host at a time.
    expect(up(patched, 'v1', T + 1)).toBe(true);
    expect(up(ticks(patched, SLOT - 2), 'v1', T + SLOT - 1)).toBe(true);
    const state = ticks(patched, SLOT);
    const back = T + SLOT + P.vmBootS.linux;
    expect(vm(state, 'v1-vm').upAtS).toBeCloseTo(back, 9);
    expect(instance(state, 'v1').upAtS).toBeCloseTo(back + P.containerStartS.linux, 9);
    expect(up(state, 'v1', T + SLOT + 1)).toBe(false);
    expect(up(state, 'v1', Math.ceil(back + P.containerStartS.linux))).toBe(true);
    // The first ready time is history; only the service time moves.
    expect(instance(state, 'v1').readyAtS).toBeLessThan(T);
  });

  it('leaves a Windows guest alone on Linux patch day', () => {
    const before = mixed();
    const state = patch(before);
    expect(vm(state, 'w-vm').upAtS).toBe(vm(before, 'w-vm').upAtS);
    for (const t of [T + 1, T + SLOT + 1, T + 2 * SLOT]) expect(up(state, 'w', t)).toBe(true);
  });

  it('reboots a Linux host OS and takes down the containers on it until it is back', () => {
    const state = patch(mixed());
    const back = T + P.hostRebootS.linux;
    expect(cluster(state).hosts.find((h) => h.id === 'h')!.downUntilS).toBe(back);
    expect(instance(state, 'c1').upAtS).toBeCloseTo(back + P.containerStartS.linux, 9);
    expect(up(state, 'c1', back - 1)).toBe(false);
    expect(up(state, 'c1', back + 1)).toBe(true);
  });

  it('restarts a microVM on a patched image in moments, in its host’s window', () => {
    const state = ticks(patch(mixed()), SLOT);
    expect(instance(state, 'm').upAtS).toBeCloseTo(T + SLOT + P.microvmBootS, 9);
    expect(up(state, 'm', T + SLOT + 1)).toBe(true);
  });

  it('makes VMs on a hosted (type-2) host wait for the host OS reboot, then boot again', () => {
    const state = patch(settle(all(running(s), [deploy('erp', 'vm', 'h', 'w'), deploy('web', 'container', 'h')])));
    const vmBack = T + P.hostRebootS.linux + P.vmBootS.windows * P.type2BootFactor;
    expect(vm(state, 'w-vm').upAtS).toBeCloseTo(vmBack, 9);
    expect(instance(state, 'w').upAtS).toBeCloseTo(vmBack + P.containerStartS.windows, 9);
  });

  it('costs more for one VM per app than for containers sharing one host kernel', () => {
    const apps = ['web', 'api', 'db', 'cache'];
    const vms = patch(settle(all(running(s), apps.map((a) => deploy(a, 'vm', 'metal')))));
    const containers = patch(settle(all(running(s), apps.map((a) => deploy(a, 'container', 'h')))));
    const cost = (state: SimState) => cluster(state).tally.spend.patching;
    expect(cost(vms)).toBeCloseTo(4 * P.patchCostPerKernel, 9);
    expect(cost(containers)).toBeCloseTo(P.patchCostPerKernel + 4 * P.imageRebuildCost, 9);
    expect(cost(containers)).toBeLessThan(cost(vms));
  });

  it('keeps one replica serving every second when replicas sit on hosts patched in different turns', () => {
    const spread = settle(all(running(s), [deploy('web', 'container', 'h', 'a'), deploy('web', 'container', 'h2', 'b')]));
    let state = ok(spread, inject({ type: 'patchDay', os: 'linux' }));
    for (let t = T; t < T + 3 * SLOT; t++) {
      state = ticks(state, 1);
      expect(up(state, 'a', t) || up(state, 'b', t), `second ${t}`).toBe(true);
    }
    // Both were patched in the end, one turn after the other.
    expect(cluster(state).hosts.find((h) => h.id === 'h2')!.downUntilS).toBe(T + SLOT + P.hostRebootS.linux);
  });

  it('costs nothing when no kernel of that OS is in use', () => {
    const state = patch(settle(ok(running(s), deploy('erp', 'vm', 'metal'))));
    expect(cluster(state).incidents).toEqual([]);
    expect(cluster(state).tally.spend.patching).toBe(0);
  });

  it('does not reboot an empty host', () => {
    const state = patch(settle(ok(running(s), deploy('web', 'container', 'h'))));
    expect(cluster(state).hosts.find((h) => h.id === 'h2')!.downUntilS).toBe(0);
  });
});
