import { describe, expect, it } from 'vitest';
import type { SimState } from '../../../shared/engine/index.ts';
import { DEFAULT_PHYSICS, hostUsage, reduce } from '../../../shared/engine/index.ts';
import { C, all, bareMetal, cluster, createVm, deploy, linuxApp, linuxHost, ok, refused, running, scenario } from '../helpers.ts';

const P = DEFAULT_PHYSICS;
const usage = (state: SimState, hostId: string) => {
  const c = cluster(state);
  return hostUsage(state.scenario, state.physics, c, c.hosts.find((h) => h.id === hostId)!);
};

/** Deploys the app onto the host until the first refusal; returns how many fitted. */
function fill(state: SimState, runtime: 'container' | 'vm', appId: string, target: string): { count: number; last: SimState } {
  let s = state;
  for (let n = 0; n < 1000; n++) {
    const r = reduce(s, deploy(appId, runtime, target));
    if (r.rejection) return { count: n, last: s };
    s = r.state;
  }
  throw new Error('never filled');
}

describe('rule 3: a VM reserves its memory and pays its guest OS (guest-os-overhead, capacity, density)', () => {
  const s = scenario({
    hosts: [linuxHost('lin', { cpu: 64, memoryGiB: 16 }), bareMetal('metal', { cpu: 64, memoryGiB: 16 })],
    apps: [linuxApp('small', { memoryMiB: 256 }), linuxApp('huge', { memoryMiB: 20_000 })],
  });

  it('reserves a VM’s memory in full on its host, even with nothing running inside', () => {
    const before = usage(running(s), 'metal');
    const state = ok(running(s), createVm('v', 'metal', 'linux', 4096));
    expect(usage(state, 'metal').usedMiB - before.usedMiB).toBe(4096);
    expect(usage(state, 'metal').reservedCpu).toBe(2);
  });

  it('gives a dedicated VM its app’s memory plus a whole guest OS', () => {
    const state = ok(running(s), deploy('small', 'vm', 'metal', 'a'));
    expect(cluster(state).vms[0]!.memoryMiB).toBe(256 + P.guestOsMiB.linux);
    expect(usage(state, 'metal').usedMiB).toBe(256 + P.guestOsMiB.linux);
  });

  it('charges a container only its app memory and a small runtime overhead, no guest OS', () => {
    const state = ok(running(s), deploy('small', 'container', 'lin'));
    expect(usage(state, 'lin').usedMiB).toBe(256 + P.containerOverheadMiB);
  });

  it('refuses a VM smaller than its guest OS needs, and says how much it needs', () => {
    const min = P.guestOsMiB.linux + P.containerEngineMiB + P.vmMinFreeMiB;
    const state = running(s);
    const r = refused(state, createVm('v', 'metal', 'linux', min - 1), 'vm-too-small', 'guest-os-overhead');
    expect(r.message).toContain(`${min} MiB`);
    ok(state, createVm('v', 'metal', 'linux', min));
    const minWindows = P.guestOsMiB.windows + P.vmMinFreeMiB;
    refused(state, createVm('w', 'metal', 'windows', minWindows - 1, 2, false), 'vm-too-small', 'guest-os-overhead');
    ok(state, createVm('w', 'metal', 'windows', minWindows, 2, false));
  });

  it('refuses a VM that would fit only without its guest OS (guest-os-overhead), while the container fits', () => {
    // Leave room for the app as a container but not for app + guest OS.
    const free = 16 * 1024 - P.hostReservedMiB.linux;
    const filler = free - (256 + P.containerOverheadMiB) - 10;
    const state = ok(running(s), createVm('filler', 'lin', 'linux', filler, 1, false));
    const r = refused(state, deploy('small', 'vm', 'lin'), 'insufficient-memory', 'guest-os-overhead');
    expect(r.message).toMatch(/as a container/i);
    ok(state, deploy('small', 'container', 'lin'));
  });

  it('refuses what does not fit at all for lack of capacity, as a VM and as a container', () => {
    const state = running(s);
    refused(state, deploy('huge', 'vm', 'metal'), 'insufficient-memory', 'capacity');
    const r = refused(state, deploy('huge', 'container', 'lin'), 'insufficient-memory', 'capacity');
    // No host here could ever hold it: "pick another host" would send the student nowhere.
    expect(r.message).toMatch(/more than lin holds even when empty: no host here has that much free/);
    refused(state, createVm('big', 'metal', 'linux', 17 * 1024), 'insufficient-memory', 'capacity');
  });

  it('refuses a VM only past the hypervisor’s vCPU overcommit, not past the cores (capacity)', () => {
    // 64 cores: VMs may hold vcpuOvercommit.vm vCPUs per core between them.
    const allowed = 64 * P.vcpuOvercommit.vm;
    const big = Array.from({ length: allowed / 64 - 1 }, (_, k) => createVm(`big${k}`, 'metal', 'linux', 1024, 64));
    const state = all(running(s), [...big, createVm('v1', 'metal', 'linux', 1024, 48)]);
    const r = refused(state, createVm('v2', 'metal', 'linux', 1024, 17), 'insufficient-cpu', 'capacity');
    expect(r.message).toMatch(/another host/);
    expect(r.message).toMatch(/per core/);
    ok(state, createVm('v2', 'metal', 'linux', 1024, 16));
  });

  it('refuses a VM with more vCPUs than its host has cores (capacity)', () => {
    refused(running(s), createVm('v', 'metal', 'linux', 1024, 65), 'insufficient-cpu', 'capacity');
    ok(running(s), createVm('v', 'metal', 'linux', 1024, 64));
  });

  it('points at a host with room when the one chosen is full', () => {
    const state = ok(running(s), createVm('filler', 'lin', 'windows', 16 * 1024 - P.hostReservedMiB.linux - 200, 1, false));
    const r = refused(state, deploy('small', 'container', 'lin'), 'insufficient-memory', 'capacity');
    expect(r.message).toMatch(/pick another host with room \(metal\)/);
  });

  it('fits more containers than VMs on the same host (density)', () => {
    const state = running(s);
    const free = 16 * 1024 - P.hostReservedMiB.linux;
    const containers = fill(state, 'container', 'small', 'lin');
    const vms = fill(state, 'vm', 'small', 'lin');
    expect(containers.count).toBe(Math.floor(free / (256 + P.containerOverheadMiB)));
    expect(vms.count).toBe(Math.floor(free / (256 + P.guestOsMiB.linux)));
    expect(containers.count).toBeGreaterThan(2 * vms.count);
    // The refusal once full is about capacity.
    refused(containers.last, deploy('small', 'container', 'lin'), 'insufficient-memory', 'capacity');
  });

  it('names density when a host is full of VMs whose guest OSes take the room a container needs', () => {
    const vms = fill(running(s), 'vm', 'small', 'lin');
    const full = fill(vms.last, 'container', 'small', 'lin').last;
    const r = refused(full, deploy('small', 'container', 'lin'), 'insufficient-memory', 'density');
    expect(r.message).toMatch(/guest OSes/);
  });

  it('fits more containers inside one VM than VMs of the same total size', () => {
    const vmMiB = 8192;
    const state = ok(running(s), createVm('shared', 'metal', 'linux', vmMiB, 8));
    const inside = fill(state, 'container', 'small', 'shared').count;
    expect(inside).toBe(Math.floor((vmMiB - P.guestOsMiB.linux - P.containerEngineMiB) / (256 + P.containerOverheadMiB)));
    expect(inside).toBeGreaterThan(Math.floor(vmMiB / (256 + P.guestOsMiB.linux)));
    const r = refused(fill(state, 'container', 'small', 'shared').last, deploy('small', 'container', 'shared'), 'insufficient-memory', 'capacity');
    expect(r.message).toMatch(/bigger VM|another target/);
  });

  it('frees the reservation when the VM is deleted', () => {
    let state = all(running(s), [createVm('v', 'metal', 'linux', 8192), deploy('small', 'container', 'v')]);
    state = ok(state, { type: 'deleteVm', clusterId: C, vmId: 'v' });
    expect(usage(state, 'metal').usedMiB).toBe(0);
    expect(cluster(state).instances).toHaveLength(0);
    expect(cluster(state).retired).toHaveLength(1);
  });
});

describe('rule 3: the guest-OS hint recommends a container only where one would work (guest-os-overhead)', () => {
  const s = scenario({
    hosts: [linuxHost('lin', { cpu: 64, memoryGiB: 16, name: 'Linux box' }), bareMetal('metal', { cpu: 64, memoryGiB: 16 })],
    apps: [
      { id: 'erp', name: 'ERP', os: 'windows', cpu: 1, memoryMiB: 256, imageMiB: 100 },
      linuxApp('driver', { memoryMiB: 256, needsCustomKernel: true }),
      linuxApp('small', { memoryMiB: 256 }),
    ],
  });
  const free = 16 * 1024 - P.hostReservedMiB.linux;
  /** A Linux host with room for a 256 MiB container but not for a VM of it. */
  const tight = () => ok(running(s), createVm('filler', 'lin', 'windows', free - (256 + P.containerOverheadMiB) - 10, 1, false));

  it('never suggests a container for a Windows app refused as a VM on a Linux host', () => {
    const r = refused(tight(), deploy('erp', 'vm', 'lin'), 'insufficient-memory', 'capacity');
    expect(r.message).not.toMatch(/container/i);
    expect(r.message).toMatch(/^Linux box has/);
  });

  it('never suggests a container for an app that needs its own kernel', () => {
    const r = refused(tight(), deploy('driver', 'vm', 'lin'), 'insufficient-memory', 'capacity');
    expect(r.message).not.toMatch(/container/i);
  });

  it('still names the guest OS when a container would fit there', () => {
    const r = refused(tight(), deploy('small', 'vm', 'lin'), 'insufficient-memory', 'guest-os-overhead');
    expect(r.message).toMatch(/As a container here/);
  });

  it('blames density only on guest OSes whose apps could be containers on that kernel', () => {
    // The Windows filler VM's guest OS could not be saved by containers on a Linux kernel.
    const full = ok(running(s), createVm('filler', 'lin', 'windows', free - 200, 1, false));
    const r = refused(full, deploy('small', 'container', 'lin'), 'insufficient-memory', 'capacity');
    expect(r.message).not.toMatch(/guest OSes/);
  });
});
