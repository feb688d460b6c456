import { describe, expect, it } from 'vitest';
import { kernelOf } from '../../../shared/engine/index.ts';
import { C, all, bareMetal, cluster, createVm, deploy, instance, linuxApp, linuxHost, ok, refused, running, scenario, windowsApp, windowsHost } from '../helpers.ts';

const s = scenario({
  hosts: [linuxHost('lin'), windowsHost('win'), bareMetal('metal')],
  apps: [linuxApp('web'), windowsApp('dotnet')],
});

describe('rule 1: a container runs only on a kernel of its own OS (shared-kernel, os-compatibility)', () => {
  it('refuses a Windows app as a container on a Linux host, because it would share a Linux kernel', () => {
    const state = running(s);
    const r = refused(state, deploy('dotnet', 'container', 'lin'), 'foreign-kernel', 'shared-kernel');
    expect(r.message).toMatch(/Windows (host|VM)/);
  });

  it('refuses a Windows app as a container inside a Linux VM too: the VM kernel is still Linux', () => {
    const state = ok(running(s), createVm('lvm', 'metal', 'linux', 2048));
    refused(state, deploy('dotnet', 'container', 'lvm'), 'foreign-kernel', 'shared-kernel');
  });

  it('runs the Windows app as a container on the Windows host, on the Windows kernel', () => {
    const state = ok(running(s), deploy('dotnet', 'container', 'win', 'd1'));
    const inst = instance(state, 'd1');
    expect(kernelOf(cluster(state), inst)).toMatchObject({ os: 'windows', kind: 'host', hostId: 'win' });
  });

  it('runs the Windows app on a Linux host as a VM of its own, which brings its own kernel', () => {
    const state = ok(running(s), deploy('dotnet', 'vm', 'lin', 'd1'));
    expect(kernelOf(cluster(state), instance(state, 'd1'))).toMatchObject({ os: 'windows', kind: 'vm' });
  });

  it('refuses a Linux container on a Windows host and says a Linux VM with an engine is the way', () => {
    const state = running(s);
    const r = refused(state, deploy('web', 'container', 'win'), 'needs-linux-kernel', 'os-compatibility');
    expect(r.message).toMatch(/Linux VM with a container engine/);
  });

  it('runs the Linux container on that Windows host inside a Linux VM with a container engine', () => {
    const state = all(running(s), [createVm('wsl', 'win', 'linux', 2048), deploy('web', 'container', 'wsl', 'w1')]);
    const inst = instance(state, 'w1');
    expect(inst).toMatchObject({ runtime: 'container', hostId: 'win', vmId: 'wsl' });
    expect(kernelOf(cluster(state), inst)).toMatchObject({ os: 'linux', kind: 'vm', id: 'vm:wsl' });
  });

  it('refuses a Linux container inside a Windows VM', () => {
    const state = ok(running(s), createVm('wvm', 'metal', 'windows', 4096));
    refused(state, deploy('web', 'container', 'wvm'), 'needs-linux-kernel', 'os-compatibility');
  });

  it('refuses a container inside a VM that has no container engine, pointing at one that has', () => {
    const state = ok(running(s), createVm('plain', 'metal', 'linux', 2048, 2, false));
    const r = refused(state, deploy('web', 'container', 'plain'), 'no-container-engine', 'os-compatibility');
    expect(r.message).toMatch(/^VM plain has no container engine/);
    expect(r.message).toMatch(/VM with a container engine/);
  });

  it('refuses a Windows app as a microVM: microVMs boot a Linux kernel', () => {
    const state = running(s);
    const r = refused(state, deploy('dotnet', 'microvm', 'metal'), 'microvm-linux-only', 'os-compatibility');
    expect(r.message).toMatch(/Windows VM/);
  });

  it('refuses a microVM on a Windows host, and runs it on the Linux host with KVM', () => {
    const state = running(s);
    const r = refused(state, deploy('web', 'microvm', 'win'), 'microvm-needs-linux-host', 'os-compatibility');
    // Only hosts where Firecracker truly runs: Linux or bare metal, with VT-x/AMD-V.
    expect(r.message).toMatch(/: lin or metal\.$/);
    const next = ok(state, deploy('web', 'microvm', 'lin', 'm1'));
    expect(kernelOf(cluster(next), instance(next, 'm1'))).toMatchObject({ os: 'linux', kind: 'microvm' });
  });

  it('keeps every accepted container on a kernel of its own OS', () => {
    const state = all(running(s), [
      createVm('wsl', 'win', 'linux', 4096),
      createVm('wvm', 'metal', 'windows', 8192),
      deploy('web', 'container', 'lin'),
      deploy('web', 'container', 'wsl'),
      deploy('dotnet', 'container', 'win'),
      deploy('dotnet', 'container', 'wvm'),
    ]);
    const c = state.clusters[C]!;
    expect(c.instances).toHaveLength(4);
    for (const inst of c.instances) {
      const app = state.scenario.apps.find((a) => a.id === inst.appId)!;
      expect(kernelOf(c, inst).os).toBe(app.os);
    }
  });
});
