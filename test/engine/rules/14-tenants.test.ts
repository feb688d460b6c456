import { describe, expect, it } from 'vitest';
import { all, bareMetal, cluster, createVm, deploy, inject, linuxApp, linuxHost, ok, running, scenario, ticks } from '../helpers.ts';

// Two customers of a cloud: each trusts its own services, and neither trusts the other's.
const s = scenario({
  hosts: [linuxHost('lin', { memoryGiB: 32 }), bareMetal('metal', { memoryGiB: 32 })],
  apps: [
    linuxApp('shop', { tenant: 'bakery', imageMiB: 10 }),
    linuxApp('orders', { tenant: 'bakery', data: 'confidential', imageMiB: 10 }),
    linuxApp('grades', { tenant: 'school', data: 'confidential', imageMiB: 10 }),
  ],
});
const audit = (actions: Parameters<typeof all>[1]) => {
  const state = ticks(ok(ticks(all(running(s), actions), 60), inject({ type: 'complianceAudit' })), 1);
  return cluster(state).incidents.find((i) => i.type === 'complianceAudit')!;
};

describe('rule 7, tenants: no customer’s data shares a kernel with another customer’s code (isolation)', () => {
  it('fails a customer’s confidential data on a host kernel shared with another customer', () => {
    const inc = audit([deploy('shop', 'container', 'lin'), deploy('orders', 'container', 'lin'), deploy('grades', 'container', 'lin')]);
    expect(inc.concept).toBe('isolation');
    expect(inc.securityPenalty).toBe(2 * 20);
    expect(inc.message).toMatch(/another customer's code/);
    expect(inc.message).toMatch(/of its own and run its services as containers inside/);
  });

  it('passes each customer in a VM of its own with its services as containers inside', () => {
    const inc = audit([
      createVm('bakery', 'metal', 'linux', 3000),
      createVm('school', 'metal', 'linux', 3000),
      deploy('shop', 'container', 'bakery'),
      deploy('orders', 'container', 'bakery'),
      deploy('grades', 'container', 'school'),
    ]);
    expect(inc.securityPenalty).toBe(0);
    expect(inc.message).toMatch(/passed/);
  });

  it('fails a customer VM on a host OS whose kernel runs another customer’s containers: that kernel runs the VM', () => {
    const inc = audit([deploy('grades', 'vm', 'lin'), deploy('shop', 'container', 'lin'), deploy('orders', 'container', 'lin')]);
    expect(inc.appIds).toContain('grades');
  });

  it('changes nothing in a scenario without tenants', () => {
    const plain = scenario({ hosts: [linuxHost('lin')], apps: [linuxApp('a', { data: 'confidential', imageMiB: 10 }), linuxApp('b', { imageMiB: 10 })] });
    const state = ticks(ok(ticks(all(running(plain), [deploy('a', 'container', 'lin'), deploy('b', 'container', 'lin')]), 10), inject({ type: 'complianceAudit' })), 1);
    expect(cluster(state).incidents.find((i) => i.type === 'complianceAudit')!.message).toBe('Compliance audit passed: no kernel that runs untrusted code can reach your sensitive data.');
  });
});
