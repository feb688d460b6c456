import { describe, expect, it } from 'vitest';
import { kernelOf } from '../../../shared/engine/index.ts';
import { all, bareMetal, cluster, createVm, deploy, instance, linuxApp, linuxHost, ok, refused, running, scenario } from '../helpers.ts';

const s = scenario({
  hosts: [linuxHost('lin'), bareMetal('metal')],
  apps: [linuxApp('driver', { needsCustomKernel: true }), linuxApp('web')],
});

describe('rule 2: an app that needs its own kernel cannot be a container (custom-kernel)', () => {
  it('refuses it as a container on a host and names the VM and microVM alternatives', () => {
    const state = running(s);
    const r = refused(state, deploy('driver', 'container', 'lin'), 'needs-own-kernel', 'custom-kernel');
    expect(r.message).toMatch(/VM/);
    expect(r.message).toMatch(/microVM/);
  });

  it('refuses it as a container inside a VM as well: the VM kernel is shared by its containers', () => {
    const state = ok(running(s), createVm('v', 'metal', 'linux', 4096));
    refused(state, deploy('driver', 'container', 'v'), 'needs-own-kernel', 'custom-kernel');
  });

  it('runs it as a VM, on its own kernel', () => {
    const state = ok(running(s), deploy('driver', 'vm', 'metal', 'd1'));
    const inst = instance(state, 'd1');
    expect(kernelOf(cluster(state), inst)).toMatchObject({ kind: 'vm', os: 'linux' });
    expect(cluster(state).instances.filter((i) => kernelOf(cluster(state), i).id === kernelOf(cluster(state), inst).id)).toHaveLength(1);
  });

  it('runs it as a microVM, on its own minimal kernel', () => {
    const state = ok(running(s), deploy('driver', 'microvm', 'lin', 'd1'));
    expect(kernelOf(cluster(state), instance(state, 'd1'))).toMatchObject({ kind: 'microvm', id: 'microvm:d1' });
  });

  it('still lets an ordinary app be a container beside it', () => {
    const state = all(running(s), [deploy('driver', 'microvm', 'lin'), deploy('web', 'container', 'lin', 'w1')]);
    expect(instance(state, 'w1').runtime).toBe('container');
  });
});
