import { describe, expect, it } from 'vitest';
import type { SimState } from '../../../shared/engine/index.ts';
import { DEFAULT_PHYSICS, clusterLoad, hostUsage } from '../../../shared/engine/index.ts';
import { C, all, bareMetal, cluster, configureHost, createVm, deploy, instance, linuxApp, linuxHost, ok, refused, running, scenario, vm, windowsApp, windowsHost } from '../helpers.ts';

const P = DEFAULT_PHYSICS;

/** The share of its CPU need an instance gets once everything has long been up. */
function perf(state: SimState, instanceId: string): number {
  const c = cluster(state);
  return clusterLoad(state, c, 10_000).perf[c.instances.findIndex((i) => i.id === instanceId)]!;
}

describe('rule 4: type-2 VMs cost more CPU and boot slower than type-1 VMs (hypervisor-type)', () => {
  const s = scenario({
    hosts: [linuxHost('hosted'), bareMetal('metal'), windowsHost('win'), linuxHost('nokvm', { kvm: false })],
    apps: [linuxApp('app', { cpu: 2, imageMiB: 200 })],
  });

  it('boots a VM on a hosted (type-2) hypervisor slower than on a bare-metal (type-1) one', () => {
    const state = all(running(s), [createVm('t2', 'hosted', 'linux', 2048), createVm('t1', 'metal', 'linux', 2048), createVm('t2w', 'win', 'windows', 4096)]);
    expect(vm(state, 't1').upAtS).toBeCloseTo(P.vmBootS.linux, 9);
    expect(vm(state, 't2').upAtS).toBeCloseTo(P.vmBootS.linux * P.type2BootFactor, 9);
    expect(vm(state, 't2w').upAtS).toBeCloseTo(P.vmBootS.windows * P.type2BootFactor, 9);
    expect(vm(state, 't2').upAtS).toBeGreaterThan(vm(state, 't1').upAtS);
  });

  it('makes an app deployed as a VM ready later on a type-2 host', () => {
    const state = all(running(s), [deploy('app', 'vm', 'hosted', 'a2'), deploy('app', 'vm', 'metal', 'a1')]);
    const tail = 200 / P.imagePullMiBPerS + P.containerStartS.linux;
    expect(instance(state, 'a1').readyAtS).toBeCloseTo(P.vmBootS.linux + tail, 9);
    expect(instance(state, 'a2').readyAtS).toBeCloseTo(P.vmBootS.linux * P.type2BootFactor + tail, 9);
  });

  it('gives a VM on a type-2 host less of its vCPUs than one on a type-1 host', () => {
    const state = all(running(s), [deploy('app', 'vm', 'hosted', 'a2'), deploy('app', 'vm', 'metal', 'a1')]);
    expect(perf(state, 'a1')).toBeCloseTo(1 - P.cpuOverhead.vmType1, 9);
    expect(perf(state, 'a2')).toBeCloseTo(1 - P.cpuOverhead.vmType2, 9);
    expect(perf(state, 'a2')).toBeLessThan(perf(state, 'a1'));
  });

  it('keeps more memory for work on a bare-metal hypervisor than under a host OS', () => {
    const state = running(s);
    const c = cluster(state);
    const free = (id: string) => hostUsage(state.scenario, state.physics, c, c.hosts.find((h) => h.id === id)!).memoryMiB;
    expect(free('metal')).toBe(16 * 1024 - P.hostReservedMiB.hypervisor);
    expect(free('hosted')).toBe(16 * 1024 - P.hostReservedMiB.linux);
    expect(free('metal')).toBeGreaterThan(free('hosted'));
  });

  it('refuses a container straight on a bare-metal hypervisor (no host OS), and runs it in a VM there', () => {
    const state = running(s);
    const r = refused(state, deploy('app', 'container', 'metal'), 'no-host-os', 'hypervisor-type');
    expect(r.message).toMatch(/VM with a container engine/);
    const next = all(state, [createVm('v', 'metal', 'linux', 2048), deploy('app', 'container', 'v', 'box')]);
    expect(instance(next, 'box').vmId).toBe('v');
  });

  it('refuses a VM or microVM inside a VM (nested virtualisation), and takes a host instead', () => {
    const state = ok(running(s), createVm('v', 'metal', 'linux', 4096));
    refused(state, deploy('app', 'vm', 'v'), 'vm-in-vm', 'hypervisor-type');
    refused(state, deploy('app', 'microvm', 'v'), 'vm-in-vm', 'hypervisor-type');
    ok(state, deploy('app', 'vm', 'metal'));
  });

  it('refuses a microVM on a host without hardware virtualisation, and runs it on one with it', () => {
    const state = running(s);
    const r = refused(state, deploy('app', 'microvm', 'nokvm'), 'no-kvm', 'hypervisor-type');
    expect(r.message).toMatch(/hardware virtualisation \(VT-x\/AMD-V\)/);
    // Only where Firecracker runs: not the Windows host, not the refused one.
    expect(r.message).toMatch(/: hosted or metal\.$/);
    ok(state, deploy('app', 'microvm', 'metal'));
  });

  it('changes a host’s platform only while it is empty', () => {
    let state = ok(running(s), deploy('app', 'container', 'hosted', 'box'));
    const r = refused(state, configureHost('hosted', 'hypervisor'), 'host-not-empty', 'hypervisor-type');
    expect(r.message).toMatch(/Remove/);
    state = ok(state, { type: 'remove', clusterId: C, instanceId: 'box' });
    state = ok(state, configureHost('hosted', 'hypervisor'));
    expect(cluster(state).hosts.find((h) => h.id === 'hosted')!.platform).toBe('hypervisor');
  });

  it('refuses any platform change when the scenario fixes platforms', () => {
    const fixed = scenario({ hosts: [linuxHost('h')], apps: [linuxApp('a')], allow: { runtimes: ['container', 'vm'], changePlatform: false } });
    refused(running(fixed), configureHost('h', 'hypervisor'), 'platform-change-not-allowed', null);
  });
});

describe('rule 4: every VM and microVM needs hardware virtualisation, VT-x/AMD-V (hypervisor-type)', () => {
  const s = scenario({
    hosts: [windowsHost('oldwin', { kvm: false, name: 'Old Windows box' }), linuxHost('oldlin', { kvm: false, name: 'Old Linux box' }), bareMetal('metal', { name: 'Rack server' })],
    apps: [windowsApp('erp'), linuxApp('web')],
  });

  it('refuses a Windows VM on a host without hardware virtualisation (hypervisor-type), and runs it on one with it', () => {
    const state = running(s);
    const r = refused(state, deploy('erp', 'vm', 'oldwin'), 'no-kvm', 'hypervisor-type');
    expect(r.message).toMatch(/^Old Windows box has no hardware virtualisation \(VT-x\/AMD-V\)/);
    expect(r.message).toMatch(/Rack server/);
    // A Windows app can be a container on the Windows host's own kernel, with no hypervisor.
    expect(r.message).toMatch(/App erp as a container here/);
    refused(state, createVm('w', 'oldwin', 'windows', 4096), 'no-kvm', 'hypervisor-type');
    ok(state, deploy('erp', 'vm', 'metal'));
    ok(state, createVm('w', 'metal', 'windows', 4096));
  });

  it('refuses a Linux VM with a container engine (the WSL2 way) on a Windows host without it', () => {
    refused(running(s), createVm('wsl', 'oldwin', 'linux', 2048), 'no-kvm', 'hypervisor-type');
  });

  it('never suggests a container on a kernel the app cannot use when refusing its VM', () => {
    const r = refused(running(s), deploy('erp', 'vm', 'oldlin'), 'no-kvm', 'hypervisor-type');
    expect(r.message).not.toMatch(/container/);
    expect(r.message).toMatch(/Rack server/);
  });

  it('refuses to make a host without it a bare-metal hypervisor: it could run no VM', () => {
    const r = refused(running(s), configureHost('oldlin', 'hypervisor'), 'no-kvm', 'hypervisor-type');
    expect(r.message).toMatch(/containers/);
  });

  it('says so when no host that is up has it', () => {
    const bare = scenario({ hosts: [linuxHost('a', { kvm: false }), linuxHost('b', { kvm: false })], apps: [linuxApp('web')] });
    const r = refused(running(bare), deploy('web', 'vm', 'a'), 'no-kvm', 'hypervisor-type');
    expect(r.message).not.toMatch(/a host that has it/);
    expect(r.message).toMatch(/as a container here/);
    const micro = refused(running(bare), deploy('web', 'microvm', 'a'), 'no-kvm', 'hypervisor-type');
    expect(micro.message).toMatch(/No host here can run microVMs/);
  });
});
