import { describe, expect, it } from 'vitest';
import type { SimState } from '../../../shared/engine/index.ts';
import { DEFAULT_PHYSICS, clusterLoad } from '../../../shared/engine/index.ts';
import { C, all, bareMetal, cluster, createVm, deploy, instance, linuxApp, linuxHost, ok, running, scenario, ticks, windowsApp, windowsHost } from '../helpers.ts';

const P = DEFAULT_PHYSICS;
const IMAGE = 300;
const pull = (mib: number) => mib / P.imagePullMiBPerS;

const s = scenario({
  hosts: [linuxHost('h1'), linuxHost('h2'), bareMetal('metal'), windowsHost('win')],
  apps: [linuxApp('web', { imageMiB: IMAGE }), linuxApp('tiny', { imageMiB: 5 }), linuxApp('fat', { imageMiB: 5000 }), windowsApp('iis', { imageMiB: 1000 })],
});

const perfAt = (state: SimState, id: string, t: number): number => {
  const c = cluster(state);
  return clusterLoad(state, c, t).perf[c.instances.findIndex((i) => i.id === id)]!;
};

describe('rule 5: start-up is VM ≫ container ≈ microVM, plus the first image pull per host (boot-time, image-size)', () => {
  it('starts a container after pulling its image, a microVM likewise, and a VM only after its guest boots', () => {
    const state = all(running(s), [deploy('web', 'container', 'h1', 'c'), deploy('web', 'microvm', 'h2', 'm'), deploy('web', 'vm', 'metal', 'v')]);
    const c = instance(state, 'c').readyAtS;
    const m = instance(state, 'm').readyAtS;
    const v = instance(state, 'v').readyAtS;
    expect(c).toBeCloseTo(pull(IMAGE) + P.containerStartS.linux, 9);
    expect(m).toBeCloseTo(pull(IMAGE) + P.microvmBootS, 9);
    expect(v).toBeCloseTo(P.vmBootS.linux + pull(IMAGE) + P.containerStartS.linux, 9);
    expect(v).toBeGreaterThan(10 * c);
    expect(Math.abs(c - m)).toBeLessThan(1);
  });

  it('tells the player about a slow first pull (image-size), once per engine, and not about quick ones', () => {
    const state = all(running(s), [deploy('fat', 'container', 'h1', 'f1'), deploy('fat', 'container', 'h1', 'f2'), deploy('tiny', 'container', 'h1'), deploy('fat', 'container', 'h2', 'f3')]);
    const notices = cluster(state).incidents.filter((i) => i.type === 'imagePull');
    expect(notices.map((n) => n.instanceIds)).toEqual([['f1'], ['f3']]);
    expect(notices[0]!.concept).toBe('image-size');
    expect(notices[0]!.message).toMatch(/reuse the layers/);
    expect(notices[0]!.securityPenalty).toBe(0);
  });

  it('pulls again onto a host reinstalled with another platform and back: its disk was wiped', () => {
    let state = ticks(ok(running(s), deploy('web', 'container', 'h1', 'first')), 10);
    state = all(state, [{ type: 'remove', clusterId: C, instanceId: 'first' }, { type: 'configureHost', clusterId: C, hostId: 'h1', platform: 'windows' }, { type: 'configureHost', clusterId: C, hostId: 'h1', platform: 'linux' }]);
    state = ok(state, deploy('web', 'container', 'h1', 'again'));
    expect(instance(state, 'again').readyAtS).toBeCloseTo(10 + pull(IMAGE) + P.containerStartS.linux, 9);
  });

  it('reuses the image for later containers on the same host and pulls it again on another host', () => {
    let state = ok(running(s), deploy('web', 'container', 'h1', 'first'));
    state = ticks(state, 10);
    state = all(state, [deploy('web', 'container', 'h1', 'again'), deploy('web', 'container', 'h2', 'elsewhere')]);
    expect(instance(state, 'again').readyAtS).toBeCloseTo(10 + P.containerStartS.linux, 9);
    expect(instance(state, 'elsewhere').readyAtS).toBeCloseTo(10 + pull(IMAGE) + P.containerStartS.linux, 9);
  });

  it('lets a second deploy in the same second wait for the pull already under way, not start another', () => {
    const state = all(running(s), [deploy('web', 'container', 'h1', 'a'), deploy('web', 'container', 'h1', 'b')]);
    expect(instance(state, 'b').pulledAtS).toBe(instance(state, 'a').pulledAtS);
    expect(instance(state, 'b').readyAtS).toBeCloseTo(pull(IMAGE) + P.containerStartS.linux, 9);
  });

  it('shares the image a microVM pulled with later containers on that host', () => {
    let state = ok(running(s), deploy('web', 'microvm', 'h1', 'm'));
    state = ok(ticks(state, 5), deploy('web', 'container', 'h1', 'c'));
    expect(instance(state, 'c').readyAtS).toBeCloseTo(5 + P.containerStartS.linux, 9);
  });

  it('takes longer to start a bigger image the first time (image-size)', () => {
    const state = all(running(s), [deploy('tiny', 'container', 'h1', 'tiny'), deploy('fat', 'container', 'h2', 'fat')]);
    expect(instance(state, 'tiny').readyAtS).toBeCloseTo(pull(5) + P.containerStartS.linux, 9);
    expect(instance(state, 'fat').readyAtS).toBeCloseTo(pull(5000) + P.containerStartS.linux, 9);
  });

  it('starts a Windows container in seconds, and a Windows VM in minutes', () => {
    const state = all(running(s), [deploy('iis', 'container', 'win', 'c'), deploy('iis', 'vm', 'metal', 'v')]);
    expect(instance(state, 'c').readyAtS).toBeCloseTo(pull(1000) + P.containerStartS.windows, 9);
    expect(instance(state, 'v').readyAtS).toBeCloseTo(P.vmBootS.windows + pull(1000) + P.containerStartS.windows, 9);
  });

  it('starts a container inside a booting VM only once the guest is up, then pulls into the VM', () => {
    let state = ok(running(s), createVm('v', 'metal', 'linux', 4096));
    state = ok(ticks(state, 3), deploy('web', 'container', 'v', 'inside'));
    expect(instance(state, 'inside').readyAtS).toBeCloseTo(P.vmBootS.linux + pull(IMAGE) + P.containerStartS.linux, 9);
    // Once the VM is up and has the image, the next one starts at container speed.
    state = ok(ticks(state, 60), deploy('web', 'container', 'v', 'next'));
    expect(instance(state, 'next').readyAtS).toBeCloseTo(63 + P.containerStartS.linux, 9);
  });

  it('serves nothing before it is ready, and serves from its ready time', () => {
    const state = ok(running(s), deploy('web', 'vm', 'metal', 'v'));
    const ready = instance(state, 'v').readyAtS;
    expect(perfAt(state, 'v', Math.floor(ready))).toBe(0);
    expect(perfAt(state, 'v', Math.ceil(ready))).toBeGreaterThan(0);
  });
});

describe('rule 5: image caches belong to one engine (image-size)', () => {
  it('gives a new VM an empty image store, even when it reuses a deleted VM’s id', () => {
    let state = all(running(s), [createVm('v', 'metal', 'linux', 4096), deploy('web', 'container', 'v', 'first')]);
    state = ticks(state, 100);
    state = all(state, [
      { type: 'deleteVm', clusterId: C, vmId: 'v' },
      createVm('v', 'metal', 'linux', 4096),
      deploy('web', 'container', 'v', 'second'),
    ]);
    expect(instance(state, 'second').readyAtS).toBeCloseTo(100 + P.vmBootS.linux + pull(IMAGE) + P.containerStartS.linux, 9);
  });
});
