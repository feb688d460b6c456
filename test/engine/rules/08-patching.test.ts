import { describe, expect, it } from 'vitest';
import type { SimState } from '../../../shared/engine/index.ts';
import { DEFAULT_PHYSICS, clusterLoad } from '../../../shared/engine/index.ts';
import { C, all, bareMetal, cluster, createVm, deploy, inject, instance, linuxApp, linuxHost, ok, running, scenario, ticks, vm, windowsApp } from '../helpers.ts';

const P = DEFAULT_PHYSICS;
const microvmStartS = P.microvmBootS + P.containerStartS.linux;
const IMAGE = 10;
const pullS = IMAGE / P.imagePullMiBPerS;
const apps = [
  linuxApp('web', { imageMiB: IMAGE }),
  linuxApp('api', { imageMiB: IMAGE }),
  linuxApp('db', { imageMiB: IMAGE }),
  linuxApp('cache', { imageMiB: IMAGE }),
  windowsApp('erp', { imageMiB: IMAGE }),
  linuxApp('orders', { imageMiB: IMAGE, stateful: true }),
];
const s = scenario({ hosts: [linuxHost('h'), bareMetal('metal', { cpu: 16, memoryGiB: 32 }), linuxHost('h2')], apps, durationS: 3600 });
/** Two bare-metal hypervisor hosts: one can take the other's VMs while it reboots. */
const pair = scenario({ hosts: [bareMetal('metal', { cpu: 16, memoryGiB: 32 }), bareMetal('metal2', { cpu: 16, memoryGiB: 32 })], apps, durationS: 3600 });
/** One Linux host and one hypervisor: a drained container has nowhere else to go. */
const lone = scenario({ hosts: [linuxHost('h'), bareMetal('metal')], apps, durationS: 3600 });

/** Placed, then run until every guest (even Windows) is long up. */
const T = 400;
const settle = (state: SimState): SimState => ticks(state, T);
const patch = (state: SimState, os: 'linux' | 'windows' = 'linux'): SimState => ticks(ok(state, inject({ type: 'patchDay', os })), 1);
const up = (state: SimState, id: string, t: number): boolean => {
  const c = cluster(state);
  return clusterLoad(state, c, t).perf[c.instances.findIndex((i) => i.id === id)]! > 0;
};
const hostOf = (state: SimState, id: string) => cluster(state).hosts.find((h) => h.id === id)!;
/** Seconds from `from` to `to` in which the instance serves nothing, ticking the clock. */
function downSeconds(state: SimState, id: string, seconds: number): number {
  let s2 = state;
  let down = 0;
  for (let k = 0; k < seconds; k++) {
    if (!up(s2, id, s2.timeS)) down++;
    s2 = ticks(s2, 1);
  }
  return down;
}

// The patch window walks the hosts one at a time, in scenario order: h first, then metal.
const SLOT = P.hostRebootS.linux + P.patchSettleS;

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

  it('charges a patch per kernel (each Linux VM guest, Linux host OS and bare-metal hypervisor) plus an image rebuild per container app', () => {
    const state = patch(mixed());
    const incident = cluster(state).incidents.find((i) => i.type === 'patchDay')!;
    expect(incident.concept).toBe('patching');
    // Kernels: v1, v2 guests, host h and metal's hypervisor. Rebuilt images: web and api (containers and the microVM).
    const expected = 4 * P.patchCostPerKernel + 2 * P.imageRebuildCost;
    expect(incident.cost).toBeCloseTo(expected, 9);
    expect(cluster(state).tally.spend.patching).toBeCloseTo(expected, 9);
    expect(incident.message).toMatch(/Every kernel/);
    expect(incident.message).toMatch(/bare-metal hypervisor/);
  });

  it('reboots a type-1 host’s hypervisor with its VMs when no other hypervisor host has room, Windows guests too', () => {
    const patched = patch(mixed());
    // Until metal's turn comes, its guests keep serving: the window is one host at a time.
    expect(up(patched, 'v1', T + 1)).toBe(true);
    expect(up(ticks(patched, SLOT - 2), 'w', T + SLOT - 1)).toBe(true);
    const state = ticks(patched, SLOT);
    // The reboot waits for the drain: the microVM is recreated elsewhere first (its image is there).
    const back = T + SLOT + microvmStartS + P.hypervisorRebootS;
    expect(hostOf(state, 'metal').downUntilS).toBeCloseTo(back, 9);
    expect(vm(state, 'v1-vm').upAtS).toBeCloseTo(back + P.vmBootS.linux, 9);
    expect(instance(state, 'v1').upAtS).toBeCloseTo(back + P.vmBootS.linux + P.containerStartS.linux, 9);
    // A Linux patch day reaches the Windows guest through its hypervisor.
    expect(vm(state, 'w-vm').upAtS).toBeCloseTo(back + P.vmBootS.windows, 9);
    expect(up(state, 'w', T + SLOT + 1)).toBe(false);
    // The first ready time is history; only the service time moves.
    expect(instance(state, 'v1').readyAtS).toBeLessThan(T);
    const notice = cluster(state).incidents.findLast((i) => i.type === 'patchDay')!;
    expect(notice.message).toMatch(/no other bare-metal hypervisor host with room/);
    expect(cluster(state).counts.migrations).toBe(0);
  });

  it('migrates a type-1 host’s VMs to a hypervisor host with room first, with no downtime', () => {
    const placed = settle(all(running(pair), [deploy('erp', 'vm', 'metal', 'w'), createVm('pool', 'metal', 'windows', 4096), deploy('erp', 'container', 'pool', 'inPool')]));
    const patched = ok(placed, inject({ type: 'patchDay', os: 'linux' }));
    // Through the whole window, hypervisor reboot included, the Windows guests never stop.
    expect(downSeconds(patched, 'w', P.hypervisorRebootS + 30)).toBe(0);
    expect(downSeconds(patched, 'inPool', P.hypervisorRebootS + 30)).toBe(0);
    const state = ticks(patched, 1);
    expect(vm(state, 'w-vm').hostId).toBe('metal2');
    expect(instance(state, 'w').hostId).toBe('metal2');
    // The VM moved with what runs in it.
    expect(vm(state, 'pool').hostId).toBe('metal2');
    expect(instance(state, 'inPool').hostId).toBe('metal2');
    // The reboot waits for both memory copies.
    const copyS = (vm(state, 'w-vm').memoryMiB + vm(state, 'pool').memoryMiB) / P.liveMigrationMiBPerS + 2 * P.liveMigrationPauseS;
    expect(hostOf(state, 'metal').downUntilS).toBeCloseTo(T + copyS + P.hypervisorRebootS, 9);
    expect(cluster(state).counts).toMatchObject({ migrations: 2, patchDayMigrations: 2 });
    const notice = cluster(state).incidents.findLast((i) => i.type === 'patchDay')!;
    expect(notice.message).toMatch(/live-migrated to metal2 with no downtime/);
  });

  it('still reboots a migrated guest of the patched OS for its own kernel, once', () => {
    const placed = settle(ok(running(pair), deploy('web', 'vm', 'metal', 'v1')));
    const state = patch(placed);
    expect(vm(state, 'v1-vm').hostId).toBe('metal2');
    // Its own guest patch, on the host it landed on: a VM boot, not a hypervisor reboot plus one.
    expect(vm(state, 'v1-vm').upAtS).toBeCloseTo(T + P.vmBootS.linux, 9);
    const later = ticks(state, 3 * SLOT);
    expect(vm(later, 'v1-vm').upAtS).toBeCloseTo(T + P.vmBootS.linux, 9);
  });

  it('recreates the containers on a drained host on another host that can run them, at container speed', () => {
    const placed = mixed();
    const state = patch(placed);
    // A rolling drain: each new copy is pulled and started before the old one stops, then the host reboots.
    expect(hostOf(state, 'h').downUntilS).toBeCloseTo(T + pullS + P.containerStartS.linux + P.hostRebootS.linux, 9);
    for (const id of ['c1', 'c2']) {
      expect(instance(state, id).hostId).toBe('h2');
      expect(instance(state, id).upAtS).toBe(instance(placed, id).upAtS);
      expect(up(state, id, T)).toBe(true);
      expect(up(state, id, T + 1)).toBe(true);
    }
    expect(cluster(state).counts.containersMoved).toBe(2);
    expect(cluster(state).incidents.findLast((i) => i.type === 'patchDay')!.message).toMatch(/recreated on h2 from patched images/);
  });

  it('restarts the containers after the reboot when no other host can run them', () => {
    const state = patch(settle(ok(running(lone), deploy('web', 'container', 'h', 'c1'))));
    const back = T + P.hostRebootS.linux;
    expect(instance(state, 'c1').hostId).toBe('h');
    expect(instance(state, 'c1').upAtS).toBeCloseTo(back + P.containerStartS.linux, 9);
    expect(up(state, 'c1', back - 1)).toBe(false);
    expect(up(state, 'c1', back + 1)).toBe(true);
  });

  it('keeps a stateful container whose data is only in its writable layer on its host for the reboot; on a volume it moves', () => {
    const placed = settle(all(running(s), [deploy('orders', 'container', 'h', 'layer'), deploy('orders', 'container', 'h', 'vol'), { type: 'attachVolume', clusterId: C, instanceId: 'vol', backup: true }]));
    const state = patch(placed);
    expect(instance(state, 'layer').hostId).toBe('h');
    // The reboot waits for the moved copy to start elsewhere.
    expect(instance(state, 'layer').upAtS).toBeCloseTo(T + pullS + P.containerStartS.linux + P.hostRebootS.linux + P.containerStartS.linux, 9);
    expect(instance(state, 'vol').hostId).toBe('h2');
    expect(cluster(state).incidents.findLast((i) => i.type === 'patchDay')!.message).toMatch(/writable layer/);
  });

  it('recreates a microVM on a patched kernel elsewhere, in its host’s window, and it serves on', () => {
    const state = ticks(patch(mixed()), SLOT);
    expect(instance(state, 'm').hostId).toBe('h2');
    for (const t of [T + SLOT, T + SLOT + 1, T + SLOT + P.hypervisorRebootS]) expect(up(state, 'm', t)).toBe(true);
  });

  it('moves a microVM off a rebooting Linux host to another host with KVM', () => {
    const state = patch(settle(ok(running(lone), deploy('web', 'microvm', 'h', 'm'))), 'linux');
    expect(instance(state, 'm').hostId).toBe('metal');
    expect(up(state, 'm', T + 1)).toBe(true);
  });

  it('makes VMs on a hosted (type-2) host wait for the host OS reboot, then boot again: no live migration there', () => {
    const state = patch(settle(all(running(s), [deploy('erp', 'vm', 'h', 'w'), deploy('web', 'container', 'h')])));
    // The web container moves to h2 first; the reboot waits for it.
    const vmBack = T + pullS + P.containerStartS.linux + P.hostRebootS.linux + P.vmBootS.windows * P.type2BootFactor;
    expect(vm(state, 'w-vm').hostId).toBe('h');
    expect(vm(state, 'w-vm').upAtS).toBeCloseTo(vmBack, 9);
    expect(instance(state, 'w').upAtS).toBeCloseTo(vmBack + P.containerStartS.windows, 9);
    expect(cluster(state).incidents.findLast((i) => i.type === 'patchDay')!.message).toMatch(/hosted hypervisor, which cannot live-migrate/);
  });

  it('costs more for one VM per app than for containers sharing one host kernel', () => {
    const names = ['web', 'api', 'db', 'cache'];
    const vms = patch(settle(all(running(s), names.map((a) => deploy(a, 'vm', 'metal')))));
    const containers = patch(settle(all(running(s), names.map((a) => deploy(a, 'container', 'h')))));
    const cost = (state: SimState) => cluster(state).tally.spend.patching;
    // Four guest kernels and the hypervisor under them.
    expect(cost(vms)).toBeCloseTo(5 * P.patchCostPerKernel, 9);
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
    // Both were patched in the end, one turn after the other (the second once its containers moved back).
    expect(hostOf(state, 'h2').downUntilS).toBeCloseTo(T + SLOT + P.containerStartS.linux + P.hostRebootS.linux, 9);
  });

  it('starts the turn after a hypervisor’s once it is back and settled', () => {
    const state = patch(settle(all(running(s), [deploy('erp', 'vm', 'metal'), deploy('web', 'container', 'h2')])));
    const turn = cluster(state).patchQueue.find((q) => q.hostId === 'h2')!;
    expect(turn.atS).toBe(T + P.hypervisorRebootS + P.patchSettleS);
  });

  it('costs nothing when no kernel of that OS is in use', () => {
    const state = patch(settle(ok(running(s), deploy('web', 'container', 'h'))), 'windows');
    expect(cluster(state).incidents).toEqual([]);
    expect(cluster(state).tally.spend.patching).toBe(0);
  });

  it('does not reboot an empty host', () => {
    const state = patch(settle(ok(running(lone), deploy('web', 'container', 'h'))));
    expect(hostOf(state, 'metal').downUntilS).toBe(0);
  });
});
