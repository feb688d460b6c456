import { describe, expect, it } from 'vitest';
import type { SimState } from '../../../shared/engine/index.ts';
import { DEFAULT_PHYSICS } from '../../../shared/engine/index.ts';
import { all, bareMetal, cluster, createVm, deploy, inject, instance, linuxApp, linuxHost, ok, refused, running, scenario, ticks } from '../helpers.ts';

const P = DEFAULT_PHYSICS;
const IMAGE = 200;
const s = scenario({
  hosts: [linuxHost('h1'), linuxHost('h10'), bareMetal('metal')],
  apps: [linuxApp('web', { imageMiB: IMAGE }), linuxApp('db', { imageMiB: IMAGE })],
  durationS: 3600,
});

const T = 100;
const fail = (state: SimState, hostId: string): SimState => ticks(ok(state, inject({ type: 'hostFailure', hostId })), 1);
const placed = () =>
  ticks(
    all(running(s), [
      deploy('web', 'container', 'h1', 'c'),
      deploy('db', 'vm', 'h1', 'v'),
      createVm('pool', 'h1', 'linux', 2048),
      deploy('web', 'container', 'pool', 'inPool'),
      deploy('web', 'microvm', 'h1', 'm'),
      deploy('web', 'container', 'h10', 'safe'),
    ]),
    T,
  );

describe('rule 9: a host failure takes down everything on it; what is placed again comes back at its boot speed (boot-time)', () => {
  it('removes every instance and VM on the failed host, and nothing elsewhere', () => {
    const state = fail(placed(), 'h1');
    const c = cluster(state);
    expect(c.instances.map((i) => i.id)).toEqual(['safe']);
    expect(c.vms).toEqual([]);
    const gone = c.retired.filter((r) => r.reason === 'hostFailure').map((r) => r.id);
    expect(gone.sort()).toEqual(['c', 'inPool', 'm', 'v']);
    expect(c.retired.every((r) => r.removedAtS === T)).toBe(true);
  });

  it('records an incident that tells the student to place them again', () => {
    const state = fail(placed(), 'h1');
    const incident = cluster(state).incidents.find((i) => i.type === 'hostFailure')!;
    expect(incident.concept).toBe('boot-time');
    expect([...incident.appIds].sort()).toEqual(['db', 'web']);
    expect(incident.message).toMatch(/Place them again on other hosts, as an HA cluster would/);
    expect(incident.message).toMatch(/disks come back with it .*image cache included/);
  });

  it('keeps the failed host out of service for its repair time, refusing placements there', () => {
    let state = fail(placed(), 'h1');
    expect(cluster(state).hosts.find((h) => h.id === 'h1')!.downUntilS).toBe(T + P.hostRepairS);
    const r = refused(state, deploy('web', 'container', 'h1'), 'host-down', 'capacity');
    expect(r.message).toMatch(/another host/);
    refused(state, createVm('x', 'h1', 'linux', 2048), 'host-down', 'capacity');
    state = ticks(state, P.hostRepairS);
    ok(state, deploy('web', 'container', 'h1'));
  });

  it('brings a replacement back at its boot speed: a container in seconds, a VM in a minute', () => {
    const state = all(fail(placed(), 'h1'), [deploy('web', 'container', 'h10', 'c2'), deploy('db', 'vm', 'metal', 'v2'), deploy('web', 'microvm', 'metal', 'm2')]);
    const now = T + 1;
    // h10 already holds the web image; the VM and the microVM on metal pull it.
    expect(instance(state, 'c2').readyAtS).toBeCloseTo(now + P.containerStartS.linux, 9);
    expect(instance(state, 'v2').readyAtS).toBeCloseTo(now + P.vmBootS.linux + IMAGE / P.imagePullMiBPerS + P.containerStartS.linux, 9);
    expect(instance(state, 'm2').readyAtS).toBeCloseTo(now + IMAGE / P.imagePullMiBPerS + P.microvmBootS + P.containerStartS.linux, 9);
  });

  it('keeps a failed host’s images through its repair: it failed on power, and its disks survive', () => {
    const state = ok(ticks(fail(placed(), 'h1'), P.hostRepairS), deploy('web', 'container', 'h1', 'back'));
    const now = T + 1 + P.hostRepairS;
    expect(instance(state, 'back').readyAtS).toBeCloseTo(now + P.containerStartS.linux, 9);
    expect(cluster(state).incidents.some((i) => i.type === 'imagePull' && i.instanceIds.includes('back'))).toBe(false);
  });

  it('loses the images inside its VMs, which went with the VMs, and a pull the failure cut off', () => {
    // db was only ever pulled inside its own VM on h1; a second app started pulling just before the failure.
    let state = ok(placed(), deploy('db', 'container', 'h1', 'late'));
    state = ticks(ok(state, inject({ type: 'hostFailure', hostId: 'h1' })), 1);
    state = ok(ticks(state, P.hostRepairS), deploy('db', 'container', 'h1', 'back'));
    const now = T + 1 + P.hostRepairS;
    expect(instance(state, 'back').readyAtS).toBeCloseTo(now + IMAGE / P.imagePullMiBPerS + P.containerStartS.linux, 9);
  });

  it('keeps the image cache of a host whose id merely starts with the failed one’s', () => {
    const state = ok(fail(placed(), 'h1'), deploy('web', 'container', 'h10', 'again'));
    expect(instance(state, 'again').pulledAtS).toBe(T + 1);
  });

  it('records that nothing was lost when the host was empty', () => {
    const state = fail(placed(), 'metal');
    expect(cluster(state).instances).toHaveLength(5);
    const incident = cluster(state).incidents.find((i) => i.type === 'hostFailure')!;
    expect(incident).toMatchObject({ concept: 'capacity', appIds: [] });
  });

  it('refuses a failure of a host the scenario does not have', () => {
    refused(placed(), inject({ type: 'hostFailure', hostId: 'h99' }), 'unknown-host', null);
  });
});
