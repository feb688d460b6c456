import type { PlanActionInput } from '../../plan.ts';
import { deploy, each } from './actions.ts';

/**
 * Following the debrief: no guest OS for anyone who can share a kernel, so every trusted service and
 * its replicas are containers packed onto one host, within the budget; the customer webhooks run
 * other people's code, so they get a kernel of their own, a microVM on the same host.
 */
const SERVICES: readonly [string, number][] = [
  ['auth', 2],
  ['users', 2],
  ['catalog', 2],
  ['cart', 2],
  ['orders', 2],
  ['email', 1],
  ['search', 2],
  ['images', 1],
  ['reviews', 1],
  ['stock', 2],
  ['pricing', 1],
];

export const densitySqueezePlan: readonly PlanActionInput[] = [
  ...each(SERVICES, ([app, replicas]) => Array.from({ length: replicas }, (_, i) => deploy(0, `${app}-${i + 1}`, app, 'container', 'host-1'))),
  deploy(0, 'webhooks-1', 'webhooks', 'microvm', 'host-1'),
];
