import { describe, expect, it } from 'vitest';
import type { Action, SimState } from '../../../shared/engine/index.ts';
import { DEFAULT_PHYSICS, buildReport, clusterLoad } from '../../../shared/engine/index.ts';
import { C, all, bareMetal, cluster, createVm, deploy, instance, linuxApp, linuxHost, ok, refused, running, scenario, ticks, vm, windowsApp } from '../helpers.ts';

const P = DEFAULT_PHYSICS;
const s = scenario({
  hosts: [
    bareMetal('metal', { name: 'Rack A' }),
    bareMetal('metal2', { name: 'Rack B' }),
    bareMetal('small', { name: 'Small rack', cpu: 2, memoryGiB: 2 }),
    bareMetal('old', { name: 'Old server', kvm: false }),
    linuxHost('lin', { name: 'Linux box' }),
  ],
  apps: [linuxApp('web', { imageMiB: 10 }), windowsApp('erp', { imageMiB: 10 }), linuxApp('db', { imageMiB: 10, stateful: true })],
  durationS: 3600,
});

const migrate = (vmId: string, hostId: string): Action => ({ type: 'migrateVm', clusterId: C, vmId, hostId });
const T = 400;
const up = (state: SimState, id: string, t = state.timeS): boolean => {
  const c = cluster(state);
  return clusterLoad(state, c, t).perf[c.instances.findIndex((i) => i.id === id)]! > 0;
};
const placed = () =>
  ticks(
    all(running(s), [
      createVm('pool', 'metal', 'linux', 4096),
      deploy('web', 'container', 'pool', 'inPool'),
      deploy('web', 'container', 'pool', 'inPool2'),
      deploy('erp', 'vm', 'metal', 'erp1'),
      deploy('web', 'vm', 'lin', 'hosted'),
      deploy('web', 'container', 'lin', 'box'),
    ]),
    T,
  );

describe('rule 9: VMs live-migrate between bare-metal hypervisor hosts; containers are recreated elsewhere (migrateVm)', () => {
  it('migrateVm moves a VM and the containers in it to another hypervisor host with room, with no downtime', () => {
    const before = placed();
    const state = ok(before, migrate('pool', 'metal2'));
    expect(vm(state, 'pool').hostId).toBe('metal2');
    for (const id of ['inPool', 'inPool2']) {
      expect(instance(state, id).hostId).toBe('metal2');
      expect(instance(state, id).upAtS).toBe(instance(before, id).upAtS);
    }
    // The final pause is well under the one-second tick: it serves this second and the next.
    expect(P.liveMigrationPauseS).toBeLessThan(1);
    expect(up(state, 'inPool')).toBe(true);
    expect(up(ticks(state, 1), 'inPool')).toBe(true);
    // Its images stay on its own disk, which moved with it: no pull at the new host.
    expect(cluster(state).images['vm:pool']).toEqual(cluster(before).images['vm:pool']);
  });

  it('moves a dedicated `deploy {runtime: vm}` VM with its instance, named by the VM or by the instance', () => {
    const byVm = ok(placed(), migrate('erp1-vm', 'metal2'));
    expect(vm(byVm, 'erp1-vm').hostId).toBe('metal2');
    expect(instance(byVm, 'erp1').hostId).toBe('metal2');
    const byInstance = ok(placed(), migrate('erp1', 'metal2'));
    expect(vm(byInstance, 'erp1-vm').hostId).toBe('metal2');
    expect(up(byInstance, 'erp1')).toBe(true);
  });

  it('moves the VM’s snapshots with it: they are part of its disk chain', () => {
    const state = ok(ok(placed(), { type: 'snapshotVm', clusterId: C, vmId: 'pool' }), migrate('pool', 'metal2'));
    expect(cluster(state).snapshots.map((sn) => sn.hostId)).toEqual(['metal2']);
  });

  it('refuses a host without room, naming it as the board does', () => {
    const r = refused(placed(), migrate('pool', 'small'), 'insufficient-memory', 'capacity');
    expect(r.message).toMatch(/Small rack/);
    expect(r.message).not.toMatch(/\bsmall\b/);
  });

  it('refuses a host without hardware virtualisation', () => {
    const r = refused(placed(), migrate('pool', 'old'), 'no-kvm', 'hypervisor-type');
    expect(r.message).toMatch(/Old server has no hardware virtualisation \(VT-x\/AMD-V\)/);
    expect(r.message).toMatch(/Rack B/);
  });

  it('refuses a move to or from a hosted (type-2) hypervisor: no live migration there in practice', () => {
    const to = refused(placed(), migrate('pool', 'lin'), 'no-live-migration', 'hypervisor-type');
    expect(to.message).toMatch(/Linux box runs a Linux host OS/);
    const from = refused(placed(), migrate('hosted-vm', 'metal2'), 'no-live-migration', 'hypervisor-type');
    expect(from.message).toMatch(/VirtualBox/);
  });

  it('refuses a VM that is not running yet: live migration copies a running VM', () => {
    const booting = all(running(s), [createVm('fresh', 'metal', 'linux', 2048)]);
    refused(booting, migrate('fresh', 'metal2'), 'vm-not-running', 'boot-time');
  });

  it('refuses containers and microVMs: they are recreated elsewhere instead', () => {
    const r = refused(placed(), migrate('box', 'metal2'), 'not-a-vm', 'boot-time');
    expect(r.message).toMatch(/recreated elsewhere/);
  });

  it('refuses the host it is already on, and unknown VMs and hosts', () => {
    refused(placed(), migrate('pool', 'metal'), 'bad-value', null);
    refused(placed(), migrate('nope', 'metal2'), 'unknown-vm', null);
    refused(placed(), migrate('pool', 'nope'), 'unknown-host', null);
  });

  it('counts migrations in the report', () => {
    const state = all(placed(), [migrate('pool', 'metal2'), migrate('pool', 'metal')]);
    const report = buildReport(state, C, []);
    expect(report.migrations).toEqual({ total: 2, patchDay: 0, containersMoved: 0 });
  });
});
