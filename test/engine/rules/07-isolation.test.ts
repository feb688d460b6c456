import { describe, expect, it } from 'vitest';
import type { SimState } from '../../../shared/engine/index.ts';
import { DEFAULT_PHYSICS, computeScore } from '../../../shared/engine/index.ts';
import { all, bareMetal, cluster, createVm, deploy, inject, instance, linuxApp, linuxHost, ok, refused, running, scenario, ticks, windowsApp, windowsHost } from '../helpers.ts';

const P = DEFAULT_PHYSICS;
const s = scenario({
  hosts: [linuxHost('h1'), linuxHost('h2'), bareMetal('metal'), bareMetal('metal2'), windowsHost('win')],
  apps: [
    linuxApp('sandbox', { trust: 'untrusted', imageMiB: 10 }),
    linuxApp('ledger', { data: 'regulated', imageMiB: 10 }),
    linuxApp('blog', { data: 'public', imageMiB: 10 }),
    windowsApp('erp', { data: 'confidential', imageMiB: 10 }),
    linuxApp('other', { trust: 'untrusted', imageMiB: 10 }),
  ],
});

const exploit = (state: SimState, os: 'linux' | 'windows' = 'linux'): SimState => ticks(ok(state, inject({ type: 'kernelExploit', os })), 1);
const escape = (state: SimState, hostId: string): SimState => ticks(ok(state, inject({ type: 'hypervisorEscape', hostId })), 1);
const breached = (state: SimState, id: string): boolean => instance(state, id).breached;

describe('rule 7: a kernel exploit crosses a shared kernel, not a VM or microVM boundary (isolation)', () => {
  it('compromises every container sharing the host kernel with untrusted code, but not the attacker itself', () => {
    const state = exploit(all(running(s), [deploy('sandbox', 'container', 'h1', 'bad'), deploy('ledger', 'container', 'h1', 'l'), deploy('blog', 'container', 'h1', 'b')]));
    expect(breached(state, 'l')).toBe(true);
    expect(breached(state, 'b')).toBe(true);
    expect(breached(state, 'bad')).toBe(false);
    const incident = cluster(state).incidents.find((i) => i.type === 'kernelExploit')!;
    expect(incident.concept).toBe('isolation');
    expect(incident.appIds).toEqual(['ledger', 'blog']);
    expect(incident.securityPenalty).toBe(P.breachPenalty.regulated + P.breachPenalty.public);
    expect(incident.message).toMatch(/VM or microVM/);
    expect(cluster(state).tally.securityPenalty).toBe(incident.securityPenalty);
  });

  it('leaves containers on another host alone', () => {
    const state = exploit(all(running(s), [deploy('sandbox', 'container', 'h1'), deploy('ledger', 'container', 'h2', 'l')]));
    expect(breached(state, 'l')).toBe(false);
  });

  it('compromises a second untrusted tenant on the same kernel too', () => {
    const state = exploit(all(running(s), [deploy('sandbox', 'container', 'h1', 'a'), deploy('other', 'container', 'h1', 'b')]));
    expect(breached(state, 'a')).toBe(true);
    expect(breached(state, 'b')).toBe(true);
  });

  it('is contained when the untrusted code runs in a microVM of its own', () => {
    const state = exploit(all(running(s), [deploy('sandbox', 'microvm', 'h1', 'bad'), deploy('ledger', 'container', 'h1', 'l')]));
    expect(breached(state, 'l')).toBe(false);
    const incident = cluster(state).incidents.find((i) => i.type === 'kernelExploit')!;
    expect(incident).toMatchObject({ concept: 'isolation', securityPenalty: 0, appIds: [] });
  });

  it('is contained when the untrusted code runs in a VM of its own', () => {
    const state = exploit(all(running(s), [deploy('sandbox', 'vm', 'h1', 'bad'), deploy('ledger', 'container', 'h1', 'l'), deploy('blog', 'vm', 'h1', 'b')]));
    expect(breached(state, 'l')).toBe(false);
    expect(breached(state, 'b')).toBe(false);
  });

  it('protects VM- and microVM-isolated tenants from untrusted containers inside a VM', () => {
    const state = exploit(
      all(running(s), [
        createVm('shared', 'metal', 'linux', 4096),
        deploy('sandbox', 'container', 'shared', 'bad'),
        deploy('blog', 'container', 'shared', 'sameVm'),
        deploy('ledger', 'vm', 'metal', 'ownVm'),
        deploy('ledger', 'microvm', 'metal', 'ownMicro'),
      ]),
    );
    expect(breached(state, 'sameVm')).toBe(true);
    expect(breached(state, 'ownVm')).toBe(false);
    expect(breached(state, 'ownMicro')).toBe(false);
  });

  it('reaches the VMs and microVMs of a hosted (type-2) host whose own kernel is compromised', () => {
    const state = exploit(all(running(s), [deploy('sandbox', 'container', 'h1', 'bad'), deploy('ledger', 'vm', 'h1', 'vmOnHost'), deploy('blog', 'microvm', 'h1', 'microOnHost'), deploy('ledger', 'vm', 'h2', 'vmElsewhere')]));
    expect(breached(state, 'vmOnHost')).toBe(true);
    expect(breached(state, 'microOnHost')).toBe(true);
    expect(breached(state, 'vmElsewhere')).toBe(false);
    const incident = cluster(state).incidents.find((i) => i.type === 'kernelExploit')!;
    // Not "a VM gives each tenant its own kernel": these VMs had their own kernels and still fell.
    expect(incident.message).toMatch(/on a hosted hypervisor the host kernel runs the VMs too/);
    expect(incident.message).not.toMatch(/gives each tenant its own kernel/);
  });

  it('leaves the attacker’s own VMs on that host to it: an app is not its own victim', () => {
    const state = exploit(all(running(s), [deploy('sandbox', 'container', 'h1', 'bad'), deploy('sandbox', 'vm', 'h1', 'badVm')]));
    expect(breached(state, 'badVm')).toBe(false);
  });

  it('does nothing to kernels of the other OS', () => {
    const state = exploit(all(running(s), [deploy('sandbox', 'container', 'h1', 'bad'), deploy('blog', 'container', 'h1', 'b'), deploy('erp', 'container', 'win', 'e')]), 'windows');
    expect(breached(state, 'b')).toBe(false);
    expect(breached(state, 'e')).toBe(false);
  });

  it('keeps a Windows VM guest out of a Linux exploit on its type-1 host', () => {
    const state = exploit(all(running(s), [createVm('w', 'metal', 'windows', 4096), deploy('erp', 'container', 'w', 'e'), deploy('sandbox', 'vm', 'metal')]));
    expect(breached(state, 'e')).toBe(false);
  });

  it('records no incident where no untrusted code runs', () => {
    const state = exploit(all(running(s), [deploy('ledger', 'container', 'h1'), deploy('blog', 'container', 'h1')]));
    expect(cluster(state).incidents).toEqual([]);
    expect(cluster(state).instances.every((i) => !i.breached)).toBe(true);
  });

  it('costs security points, shown per incident', () => {
    const safe = ticks(all(running(s), [deploy('sandbox', 'microvm', 'h1'), deploy('ledger', 'container', 'h1')]), 10);
    const shared = ticks(all(running(s), [deploy('sandbox', 'container', 'h1'), deploy('ledger', 'container', 'h1')]), 10);
    const a = computeScore(exploit(safe), cluster(exploit(safe)));
    const b = computeScore(exploit(shared), cluster(exploit(shared)));
    expect(b.security).toBeLessThan(a.security);
    expect(b.incidents).toHaveLength(1);
    expect(b.incidents[0]!.points).toBeLessThan(0);
    expect(a.incidents).toHaveLength(0);
  });
});

describe('rule 7: a hypervisor escape crosses VMs on that host only (isolation)', () => {
  const placed = () =>
    all(running(s), [deploy('sandbox', 'vm', 'metal', 'bad'), deploy('ledger', 'vm', 'metal', 'neighbour'), deploy('blog', 'microvm', 'metal', 'micro'), deploy('ledger', 'vm', 'metal2', 'away')]);

  it('lets untrusted code in a VM reach the other guests on its host', () => {
    const state = escape(placed(), 'metal');
    expect(breached(state, 'neighbour')).toBe(true);
    expect(breached(state, 'micro')).toBe(true);
    expect(breached(state, 'bad')).toBe(false);
    const incident = cluster(state).incidents.find((i) => i.type === 'hypervisorEscape')!;
    expect(incident.concept).toBe('isolation');
    expect(incident.message).toMatch(/separate hosts/);
  });

  it('does not cross to another host', () => {
    expect(breached(escape(placed(), 'metal'), 'away')).toBe(false);
  });

  it('needs the attacker inside a guest: untrusted containers on a host OS are a kernel exploit’s business', () => {
    const state = escape(all(running(s), [deploy('sandbox', 'container', 'h1', 'bad'), deploy('ledger', 'vm', 'h1', 'guest')]), 'h1');
    expect(breached(state, 'guest')).toBe(false);
    expect(cluster(state).incidents).toEqual([]);
  });

  it('does nothing on a host without untrusted code', () => {
    const state = escape(placed(), 'metal2');
    expect(breached(state, 'away')).toBe(false);
    expect(cluster(state).incidents).toEqual([]);
  });

  it('is refused for a host the scenario does not have', () => {
    refused(placed(), inject({ type: 'hypervisorEscape', hostId: 'nowhere' }), 'unknown-host', null);
  });
});

describe('rule 7: a compliance audit checks that regulated data keeps away from untrusted kernels (isolation)', () => {
  const audit = (state: SimState) => ticks(ok(state, inject({ type: 'complianceAudit' })), 1);

  it('fails regulated data that shares a kernel with untrusted code', () => {
    const state = audit(all(running(s), [deploy('sandbox', 'container', 'h1'), deploy('ledger', 'container', 'h1')]));
    const incident = cluster(state).incidents.find((i) => i.type === 'complianceAudit')!;
    expect(incident).toMatchObject({ concept: 'isolation', appIds: ['ledger'], securityPenalty: P.auditPenalty });
  });

  it('passes regulated data on a kernel of its own that no untrusted kernel can reach', () => {
    const state = audit(all(running(s), [deploy('sandbox', 'container', 'h1'), deploy('ledger', 'microvm', 'h2'), deploy('ledger', 'vm', 'metal')]));
    const incident = cluster(state).incidents.find((i) => i.type === 'complianceAudit')!;
    expect(incident).toMatchObject({ securityPenalty: 0, appIds: [] });
  });

  it('fails a regulated app in a VM on a hosted hypervisor whose host kernel runs untrusted containers, and passes it on a bare-metal hypervisor', () => {
    const hosted = audit(all(running(s), [deploy('sandbox', 'container', 'h1'), deploy('ledger', 'vm', 'h1', 'guest')]));
    const failed = cluster(hosted).incidents.find((i) => i.type === 'complianceAudit')!;
    expect(failed).toMatchObject({ concept: 'isolation', appIds: ['ledger'], instanceIds: ['guest'], securityPenalty: P.auditPenalty });
    expect(failed.message).toMatch(/on a hosted hypervisor the host kernel runs the VMs too/);
    // Untrusted code in VMs of its own on the same bare-metal host: no host kernel reaches the ledger.
    const metal = audit(all(running(s), [deploy('sandbox', 'vm', 'metal'), deploy('other', 'vm', 'metal'), deploy('ledger', 'vm', 'metal')]));
    expect(cluster(metal).incidents.find((i) => i.type === 'complianceAudit')).toMatchObject({ securityPenalty: 0, appIds: [] });
  });

  it('fails exactly what a kernel exploit breaches: audit and exploit agree', () => {
    const layouts = [
      [deploy('sandbox', 'container', 'h1'), deploy('ledger', 'vm', 'h1'), deploy('ledger', 'microvm', 'h1'), deploy('ledger', 'container', 'h2')],
      [createVm('shared', 'metal', 'linux', 4096), deploy('sandbox', 'container', 'shared'), deploy('ledger', 'container', 'shared'), deploy('ledger', 'vm', 'metal')],
      [deploy('sandbox', 'vm', 'h1'), deploy('ledger', 'container', 'h1'), deploy('ledger', 'microvm', 'h1')],
    ];
    for (const actions of layouts) {
      const placed = all(running(s), actions);
      const failed = cluster(audit(placed)).incidents.find((i) => i.type === 'complianceAudit')!.instanceIds;
      const hit = cluster(exploit(placed)).instances.filter((i) => i.breached && i.appId === 'ledger').map((i) => i.id);
      expect([...failed].sort()).toEqual(hit.sort());
    }
  });
});
