import type { PlanActionInput } from '../../plan.ts';
import { deploy } from './actions.ts';

/**
 * Following the debrief's rule of thumb: a VM boundary between tenants, so each customer's plug-in
 * gets a VM (a kernel) of its own; containers between your own trusted services; and no untrusted
 * container on the host kernel under billing's regulated data, which would fail the audit and, when
 * the exploit lands, reach the VMs that host kernel runs. All of it fits on Linux host A.
 */
export const untrustedTenantsPlan: readonly PlanActionInput[] = [
  deploy(0, 'plugin-acme-1', 'plugin-acme', 'vm', 'host-a'),
  deploy(0, 'plugin-globex-1', 'plugin-globex', 'vm', 'host-a'),
  deploy(0, 'plugin-initech-1', 'plugin-initech', 'vm', 'host-a'),
  deploy(0, 'billing-1', 'billing', 'container', 'host-a'),
  deploy(0, 'billing-2', 'billing', 'container', 'host-a'),
  deploy(0, 'portal-1', 'portal', 'container', 'host-a'),
  deploy(0, 'portal-2', 'portal', 'container', 'host-a'),
];
