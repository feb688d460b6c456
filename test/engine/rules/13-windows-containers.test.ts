import { describe, expect, it } from 'vitest';
import type { Action } from '../../../shared/engine/index.ts';
import { DEFAULT_PHYSICS, hostUsage, kernelOf } from '../../../shared/engine/index.ts';
import { C, all, bareMetal, cluster, createVm, deploy, inject, instance, ok, refused, running, scenario, ticks, windowsApp, windowsHost } from '../helpers.ts';

const P = DEFAULT_PHYSICS;
const pull = (mib: number) => mib / P.imagePullMiBPerS;

// Windows Server 2022 hosts (the default build), one without VT-x/AMD-V, one still on 2019.
const s = scenario({
  hosts: [windowsHost('win'), windowsHost('old-cpu', { kvm: false }), windowsHost('win2019', { windowsBuild: 17763 }), bareMetal('metal', { memoryGiB: 32 })],
  apps: [
    windowsApp('modern', { imageMiB: 200 }),
    windowsApp('reports', { imageMiB: 1000, windowsBuild: 17763, dotnetFramework: true }),
    windowsApp('billing', { imageMiB: 300, windowsBuild: 17763, dotnetFramework: true }),
    windowsApp('legacy', { imageMiB: 2000, windowsBuild: 9600 }),
    windowsApp('next', { imageMiB: 200, windowsBuild: 26100 }),
    windowsApp('mods', { imageMiB: 200, trust: 'untrusted' }),
  ],
});
const isolated = (appId: string, target: string, isolation: 'process' | 'hyperv', id?: string): Action => ({ ...deploy(appId, 'container', target, id), isolation }) as Action;

describe('rule 1, Windows: a Windows container image is made for one Windows build (os-compatibility)', () => {
  it('runs an image rebuilt for the host in process isolation, on the host kernel', () => {
    const state = ok(running(s), deploy('modern', 'container', 'win', 'm'));
    expect(instance(state, 'm').isolation).toBeUndefined();
    expect(kernelOf(cluster(state), instance(state, 'm'))).toMatchObject({ kind: 'host', os: 'windows' });
  });

  it('refuses process isolation across builds, and names both builds and what would work', () => {
    const r = refused(running(s), isolated('reports', 'win', 'process'), 'windows-build-mismatch', 'os-compatibility');
    expect(r.message).toMatch(/Windows Server 2019 \(build 17763\)/);
    expect(r.message).toMatch(/Windows Server 2022 \(build 20348\)/);
    expect(r.message).toMatch(/Hyper-V isolation/);
  });

  it('runs the same image in process isolation on a host of its own build', () => {
    const state = ok(running(s), isolated('reports', 'win2019', 'process', 'r'));
    expect(instance(state, 'r').isolation).toBeUndefined();
  });

  it('runs it in process isolation in a Windows VM of its build with a container engine', () => {
    const vm2019: Action = { ...createVm('w19', 'metal', 'windows', 8192), windowsBuild: 17763 } as Action;
    const state = all(running(s), [vm2019, deploy('reports', 'container', 'w19', 'r')]);
    expect(kernelOf(cluster(state), instance(state, 'r'))).toMatchObject({ kind: 'vm', os: 'windows' });
    // A Windows VM gets the default build unless told otherwise: there the image does not run.
    const other = ok(running(s), createVm('w22', 'metal', 'windows', 8192));
    refused(other, deploy('reports', 'container', 'w22'), 'windows-build-mismatch', 'os-compatibility');
  });

  it('refuses an app older than Windows containers in any isolation, and points at a VM, where it runs', () => {
    const state = running(s);
    const r = refused(state, deploy('legacy', 'container', 'win'), 'no-windows-container-image', 'os-compatibility');
    expect(r.message).toMatch(/Windows Server 2012 R2 \(build 9600\)/);
    expect(r.message).toMatch(/began with Windows Server 2016 \(build 14393\)/);
    expect(r.message).toMatch(/Windows VM of its own/);
    refused(state, isolated('legacy', 'win', 'hyperv'), 'no-windows-container-image', 'os-compatibility');
    const lifted = ok(state, deploy('legacy', 'vm', 'metal', 'l'));
    expect(cluster(lifted).vms.find((v) => v.id === instance(lifted, 'l').vmId)?.windowsBuild).toBe(9600);
  });

  it('does not recommend, for a Linux host, a Windows host that could not run the image either', () => {
    const linuxOnly = scenario({ hosts: [windowsHost('win'), { id: 'lin', cpu: 8, memoryGiB: 16, platform: 'linux' }], apps: [windowsApp('legacy', { windowsBuild: 9600 }), windowsApp('modern')] });
    const r = refused(running(linuxOnly), deploy('legacy', 'container', 'lin'), 'no-windows-container-image', 'os-compatibility');
    expect(r.message).not.toMatch(/as a container on win/);
    expect(refused(running(linuxOnly), deploy('modern', 'container', 'lin'), 'foreign-kernel', 'shared-kernel').message).toMatch(/container on win/);
  });
});

describe('rule 6 and 7, Windows: Hyper-V isolation is a utility VM per container (isolation, guest-os-overhead)', () => {
  it('chooses Hyper-V isolation by itself when the builds differ, and says what that costs', () => {
    const state = ok(running(s), deploy('reports', 'container', 'win', 'r'));
    const inst = instance(state, 'r');
    expect(inst.isolation).toBe('hyperv');
    const notice = cluster(state).incidents.find((i) => i.type === 'hypervIsolation')!;
    expect(notice.concept).toBe('os-compatibility');
    expect(notice.message).toMatch(/utility VM/);
    expect(notice.message).toMatch(/512 MiB/);
    // Told once per app and host, not for every replica.
    const again = ok(state, deploy('reports', 'container', 'win', 'r2'));
    expect(cluster(again).incidents.filter((i) => i.type === 'hypervIsolation')).toHaveLength(1);
  });

  it('reserves the utility VM in full, counts its vCPUs as a VM’s and boots it before the container starts', () => {
    const base = running(s);
    const state = ok(base, isolated('reports', 'win', 'hyperv', 'r'));
    const host = cluster(state).hosts.find((h) => h.id === 'win')!;
    const before = hostUsage(base.scenario, base.physics, cluster(base), host);
    const after = hostUsage(state.scenario, state.physics, cluster(state), host);
    expect(after.usedMiB - before.usedMiB).toBe(1024 + P.containerOverheadMiB + P.hypervIsolation.memoryMiB);
    expect(after.vmVcpus).toBe(1);
    const image = 1000 + P.serverCoreImageMiB;
    expect(instance(state, 'r').readyAtS).toBeCloseTo(pull(image) + P.hypervIsolation.bootS + P.containerStartS.windows, 9);
    expect(kernelOf(cluster(state), instance(state, 'r'))).toMatchObject({ kind: 'utility-vm', os: 'windows' });
  });

  it('needs hardware virtualisation on the host itself, and a host at least as new as the image', () => {
    refused(running(s), deploy('reports', 'container', 'old-cpu'), 'no-kvm', 'hypervisor-type');
    const vm = ok(running(s), createVm('w22', 'metal', 'windows', 8192));
    refused(vm, isolated('reports', 'w22', 'hyperv'), 'vm-in-vm', 'hypervisor-type');
    const r = refused(running(s), deploy('next', 'container', 'win'), 'windows-build-mismatch', 'os-compatibility');
    expect(r.message).toMatch(/newer than/);
  });

  it('keeps a kernel exploit inside the utility VM of untrusted code', () => {
    let state = all(running(s), [isolated('mods', 'win', 'hyperv', 'bad'), deploy('modern', 'container', 'win', 'good')]);
    state = ticks(ok(ticks(state, 10), inject({ type: 'kernelExploit', os: 'windows' })), 1);
    expect(instance(state, 'good').breached).toBe(false);
    const shared = ticks(ok(ticks(all(running(s), [deploy('mods', 'container', 'win', 'bad'), deploy('modern', 'container', 'win', 'good')]), 10), inject({ type: 'kernelExploit', os: 'windows' })), 1);
    expect(instance(shared, 'good').breached).toBe(true);
  });

  it('is a choice for Windows containers only', () => {
    const linux = scenario({ hosts: [{ id: 'lin', cpu: 8, memoryGiB: 16, platform: 'linux' }], apps: [{ id: 'web', name: 'Web', cpu: 1, memoryMiB: 256 }] });
    refused(running(linux), isolated('web', 'lin', 'hyperv'), 'not-a-windows-container', 'os-compatibility');
    refused(running(s), { ...deploy('modern', 'vm', 'metal'), isolation: 'hyperv' } as Action, 'bad-value', null);
    refused(running(s), { ...createVm('x', 'metal', 'linux', 2048), windowsBuild: 17763 } as Action, 'bad-value', null);
  });
});

describe('rule 5, Windows: .NET Framework apps are built on the multi-GB Server Core image (image-size)', () => {
  it('pulls Server Core beneath the app, says why, and shares it only with apps of the same build', () => {
    const state = all(running(s), [isolated('reports', 'win2019', 'process', 'r'), isolated('billing', 'win2019', 'process', 'b')]);
    expect(instance(state, 'r').pulledAtS).toBeCloseTo(pull(1000 + P.serverCoreImageMiB), 9);
    // The second .NET Framework app of build 17763 pulls only its own layers.
    expect(instance(state, 'b').pulledAtS).toBeCloseTo(Math.max(pull(300), pull(1000 + P.serverCoreImageMiB)), 9);
    const notice = cluster(state).incidents.find((i) => i.type === 'imagePull' && i.instanceIds.includes('r'))!;
    expect(notice.message).toMatch(/\.NET Framework/);
    expect(notice.message).toMatch(/Windows Server Core base/);
    expect(notice.message).not.toMatch(/microVMs/);
  });

  it('needs only its own files in a VM, whose Windows already has the .NET Framework', () => {
    const state = ok(running(s), deploy('reports', 'vm', 'metal', 'v'));
    expect(instance(state, 'v').readyAtS).toBeCloseTo(P.vmBootS.windows + pull(1000) + P.containerStartS.windows, 9);
  });
});

describe('patch day, Windows: a drained container keeps its isolation', () => {
  it('moves a Hyper-V isolated container only to a host that can give it a utility VM', () => {
    const two = scenario({
      hosts: [windowsHost('a'), windowsHost('b', { kvm: false }), windowsHost('c')],
      apps: [windowsApp('reports', { imageMiB: 100, windowsBuild: 17763 })],
      events: [{ atS: 60, type: 'patchDay', os: 'windows' }],
    });
    const state = ticks(ok(running(two), deploy('reports', 'container', 'a', 'r')), 62);
    expect(instance(state, 'r').hostId).toBe('c');
    expect(cluster(state, C).counts.containersMoved).toBe(1);
  });
});
