import { describe, expect, it } from 'vitest';
import type { Action } from '../../shared/engine/index.ts';
import { reduce } from '../../shared/engine/index.ts';
import { C, bareMetal, cluster, createVm, deploy, linuxApp, linuxHost, running, scenario, windowsApp } from './helpers.ts';

const s = scenario({ hosts: [linuxHost('h'), bareMetal('metal')], apps: [linuxApp('web'), windowsApp('erp')], allow: { runtimes: ['container', 'vm', 'microvm'], changePlatform: true } });

describe('a step says what it created', () => {
  it('names the instance a deploy made, with the id given or the one made up', () => {
    const state = running(s);
    expect(reduce(state, deploy('web', 'container', 'h', 'w1')).created).toEqual({ kind: 'instance', id: 'w1' });
    const made = reduce(state, deploy('web', 'microvm', 'metal'));
    expect(made.created).toEqual({ kind: 'instance', id: 'web-1' });
    expect(cluster(made.state).instances.map((i) => i.id)).toEqual(['web-1']);
  });

  it('names the instance, not its VM, for a deploy as a VM of its own', () => {
    const r = reduce(running(s), deploy('erp', 'vm', 'metal', 'e1'));
    expect(r.created).toEqual({ kind: 'instance', id: 'e1' });
    // The dedicated VM exists too, and goes with the instance.
    expect(cluster(r.state).vms.map((v) => [v.id, v.dedicatedTo])).toEqual([['e1-vm', 'e1']]);
  });

  it('names the VM a createVm made', () => {
    const state = running(s);
    expect(reduce(state, createVm('v1', 'metal', 'linux', 4096)).created).toEqual({ kind: 'vm', id: 'v1' });
    const unnamed: Action = { type: 'createVm', clusterId: C, hostId: 'metal', guestOs: 'linux', vcpu: 2, memoryMiB: 4096, containerEngine: true };
    const r = reduce(state, unnamed);
    expect(r.created).toEqual({ kind: 'vm', id: cluster(r.state).vms[0]!.id });
    // A container placed into it afterwards is the instance, not the VM.
    expect(reduce(r.state, deploy('web', 'container', cluster(r.state).vms[0]!.id, 'inside')).created).toEqual({ kind: 'instance', id: 'inside' });
  });

  it('is null for a refusal and for every action that creates nothing', () => {
    let state = running(s);
    expect(reduce(state, deploy('erp', 'container', 'h')).created).toBeNull();
    expect(reduce(state, createVm('tiny', 'metal', 'windows', 256)).created).toBeNull();
    state = reduce(state, deploy('web', 'container', 'h', 'w1')).state;
    state = reduce(state, createVm('v1', 'metal', 'linux', 4096)).state;
    const nothing: Action[] = [
      { type: 'setLimits', clusterId: C, instanceId: 'w1', cpu: 0.5 },
      { type: 'configureHost', clusterId: C, hostId: 'h', platform: 'linux' },
      { type: 'ready', clusterId: C },
      { type: 'tick' },
      { type: 'pause' },
      { type: 'addCluster', clusterId: 'other' },
      { type: 'remove', clusterId: C, instanceId: 'w1' },
      { type: 'deleteVm', clusterId: C, vmId: 'v1' },
      { type: 'injectEvent', event: { type: 'complianceAudit' } },
    ];
    for (const action of nothing) {
      const r = reduce(state, action);
      expect(r.rejection, action.type).toBeNull();
      expect(r.created, action.type).toBeNull();
    }
  });
});
