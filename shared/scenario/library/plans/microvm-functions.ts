import type { PlanActionInput } from '../../plan.ts';
import { deploy, each, remove } from './actions.ts';

/**
 * Following the debrief: customers' functions run other people's code, so each runs in a microVM,
 * a kernel of its own that is ready about as fast as a container; extra microVMs start a moment
 * before each burst and go once it is over. The platform's own trusted services share KVM host 2's
 * kernel as containers: no untrusted code runs on it, only the microVMs' own kernels. The older
 * host has no VT-x/AMD-V and stays off; the bare-metal hypervisor is not needed.
 */
const burst = (atS: number, untilS: number, appId: string, count: number): PlanActionInput[] =>
  each(
    Array.from({ length: count }, (_, i) => `${appId}-${atS}-${i + 1}`),
    (id) => [deploy(atS, id, appId, 'microvm', 'kvm-2'), remove(untilS, id)],
  );

export const microvmFunctionsPlan: readonly PlanActionInput[] = [
  deploy(0, 'fn-thumbnails-1', 'fn-thumbnails', 'microvm', 'kvm-2'),
  deploy(0, 'fn-pdf-1', 'fn-pdf', 'microvm', 'kvm-2'),
  deploy(0, 'fn-webhook-1', 'fn-webhook', 'microvm', 'kvm-2'),
  deploy(0, 'gateway-1', 'gateway', 'container', 'kvm-2'),
  deploy(0, 'gateway-2', 'gateway', 'container', 'kvm-2'),
  deploy(0, 'accounts-1', 'accounts', 'container', 'kvm-2'),
  deploy(0, 'accounts-2', 'accounts', 'container', 'kvm-2'),
  ...burst(119, 181, 'fn-thumbnails', 4),
  ...burst(239, 286, 'fn-webhook', 5),
  ...burst(399, 461, 'fn-pdf', 3),
  ...burst(639, 701, 'fn-thumbnails', 5),
];
