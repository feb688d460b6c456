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
  it('starts a container after pulling its image, a microVM after its kernel boots and then its app, and a VM only after its guest boots', () => {
    const state = all(running(s), [deploy('web', 'container', 'h1', 'c'), deploy('web', 'microvm', 'h2', 'm'), deploy('web', 'vm', 'metal', 'v')]);
    const c = instance(state, 'c').readyAtS;
    const m = instance(state, 'm').readyAtS;
    const v = instance(state, 'v').readyAtS;
    expect(c).toBeCloseTo(pull(IMAGE) + P.containerStartS.linux, 9);
    expect(m).toBeCloseTo(pull(IMAGE) + P.microvmBootS + P.containerStartS.linux, 9);
    expect(v).toBeCloseTo(P.vmBootS.linux + pull(IMAGE) + P.containerStartS.linux, 9);
    expect(v).toBeGreaterThan(10 * c);
    expect(Math.abs(c - m)).toBeLessThan(1);
  });

  it('tells the player about a slow first pull (image-size), once per engine, and not about quick ones', () => {
    const state = all(running(s), [deploy('fat', 'container', 'h1', 'f1'), deploy('fat', 'container', 'h1', 'f2'), deploy('tiny', 'container', 'h1'), deploy('fat', 'container', 'h2', 'f3')]);
    const notices = cluster(state).incidents.filter((i) => i.type === 'imagePull');
    expect(notices.map((n) => n.instanceIds)).toEqual([['f1'], ['f3']]);
    expect(notices[0]!.concept).toBe('image-size');
    expect(notices[0]!.message).toMatch(/pulled onto h1: about 50 s/);
    expect(notices[0]!.message).toMatch(/Later containers and microVMs of it on h1 reuse it/);
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

  it('makes a microVM ready no sooner than a container on a warm host: Firecracker boots, then the app starts', () => {
    let state = ok(running(s), deploy('web', 'container', 'h1', 'warm'));
    state = all(ticks(state, 10), [deploy('web', 'container', 'h1', 'c'), deploy('web', 'microvm', 'h1', 'm')]);
    const c = instance(state, 'c').readyAtS - 10;
    const m = instance(state, 'm').readyAtS - 10;
    expect(c).toBeCloseTo(P.containerStartS.linux, 9);
    expect(m).toBeCloseTo(P.microvmBootS + P.containerStartS.linux, 9);
    expect(m).toBeGreaterThanOrEqual(c);
    expect(m).toBeLessThan(1);
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

describe('rule 5: images share base layers (image-size)', () => {
  const BASE = 600;
  const based = scenario({
    hosts: [linuxHost('h1', { name: 'Linux box' }), linuxHost('h2'), bareMetal('metal')],
    apps: [
      linuxApp('shop', { imageMiB: 2 * BASE, baseImage: { id: 'debian-12', miB: BASE } }),
      linuxApp('admin', { imageMiB: 2 * BASE, baseImage: { id: 'debian-12', miB: BASE } }),
      linuxApp('other', { imageMiB: 2 * BASE, baseImage: { id: 'alpine', miB: 10 } }),
    ],
  });

  it('halves a second image’s pull when the engine already has the base it shares', () => {
    let state = ok(running(based), deploy('shop', 'container', 'h1', 'first'));
    state = all(ticks(state, 20), [deploy('admin', 'container', 'h1', 'second'), deploy('admin', 'container', 'h2', 'cold')]);
    expect(instance(state, 'first').pulledAtS).toBeCloseTo(pull(2 * BASE), 9);
    expect(instance(state, 'second').pulledAtS - 20).toBeCloseTo(pull(BASE), 9);
    expect(instance(state, 'cold').pulledAtS - 20).toBeCloseTo(pull(2 * BASE), 9);
    const notice = cluster(state).incidents.find((i) => i.type === 'imagePull' && i.instanceIds.includes('second'));
    expect(notice, 'a 6 s pull is not worth a notice').toBeUndefined();
  });

  it('shares nothing between images on different bases', () => {
    let state = ok(running(based), deploy('shop', 'container', 'h1', 'first'));
    state = ok(ticks(state, 20), deploy('other', 'container', 'h1', 'o'));
    expect(instance(state, 'o').pulledAtS - 20).toBeCloseTo(pull(2 * BASE), 9);
  });

  it('waits for a base still arriving, but pulls only the rest alongside it', () => {
    const state = all(running(based), [deploy('shop', 'container', 'h1', 'first'), deploy('admin', 'container', 'h1', 'second')]);
    expect(instance(state, 'second').pulledAtS).toBeCloseTo(instance(state, 'first').pulledAtS, 9);
  });

  it('shares the base inside one VM, but a new VM of its own pulls the whole image', () => {
    let state = all(running(based), [createVm('v', 'metal', 'linux', 4096), deploy('shop', 'container', 'v', 'in1')]);
    state = ticks(state, 100);
    state = all(state, [deploy('admin', 'container', 'v', 'in2'), deploy('admin', 'vm', 'metal', 'own')]);
    expect(instance(state, 'in2').pulledAtS - 100).toBeCloseTo(pull(BASE), 9);
    expect(instance(state, 'own').pulledAtS - 100).toBeCloseTo(P.vmBootS.linux + pull(2 * BASE), 9);
  });

  it('tells a VM of its own that every new VM pulls again, and names the host as the board does', () => {
    const state = ok(running(based), deploy('shop', 'vm', 'h1', 'own'));
    const notice = cluster(state).incidents.find((i) => i.type === 'imagePull')!;
    expect(notice.message).toMatch(/into its new VM on Linux box/);
    expect(notice.message).toMatch(/Every new VM of it pulls the image again/);
    expect(notice.message).not.toMatch(/\bh1\b/);
  });

  it('refuses a base larger than the image, and one base id with two sizes', () => {
    expect(() => scenario({ hosts: [linuxHost('h')], apps: [linuxApp('a', { imageMiB: 100, baseImage: { id: 'b', miB: 200 } })] })).toThrow(/baseImage\.miB/);
    expect(() =>
      scenario({ hosts: [linuxHost('h')], apps: [linuxApp('a', { imageMiB: 300, baseImage: { id: 'b', miB: 200 } }), linuxApp('c', { imageMiB: 300, baseImage: { id: 'b', miB: 100 } })] }),
    ).toThrow(/base image "b"/);
  });
});
