import type { PlanActionInput } from '../../plan.ts';
import { deploy, each, remove } from './actions.ts';

/**
 * Following the debrief: what must scale fast runs as containers with small images, started a moment
 * before each wave (warm capacity costs little when the host is on anyway); card payments get VMs of
 * their own, with their extra VMs booted in advance because a VM takes most of a minute; the
 * third-party ad widgets never touch the kernel under the payment VMs (node 2, not node 1).
 */
const wave = (atS: number, untilS: number, appId: string, ids: readonly [string, string][]): PlanActionInput[] =>
  each(ids, ([id, host]) => [deploy(atS, id, appId, 'container', host), remove(untilS, id)]);

export const flashSalePlan: readonly PlanActionInput[] = [
  deploy(0, 'storefront-1', 'storefront', 'container', 'node-1'),
  deploy(0, 'storefront-2', 'storefront', 'container', 'node-2'),
  deploy(0, 'checkout-1', 'checkout', 'container', 'node-1'),
  deploy(0, 'checkout-2', 'checkout', 'container', 'node-2'),
  deploy(0, 'search-1', 'search', 'container', 'node-1'),
  deploy(0, 'payments-1', 'payments', 'vm', 'node-1'),
  deploy(0, 'payments-2', 'payments', 'vm', 'node-1'),
  deploy(0, 'ads-1', 'ads', 'container', 'node-2'),
  // First wave: storefront and checkout triple for two minutes.
  ...wave(148, 272, 'storefront', [['storefront-3', 'node-2'], ['storefront-4', 'node-1'], ['storefront-5', 'node-2'], ['storefront-6', 'node-1']]),
  ...wave(158, 272, 'checkout', [['checkout-3', 'node-2'], ['checkout-4', 'node-1'], ['checkout-5', 'node-2'], ['checkout-6', 'node-1']]),
  // Search quadruples: its 1.8 GB image is already on node 1.
  ...wave(418, 512, 'search', [['search-2', 'node-1'], ['search-3', 'node-1'], ['search-4', 'node-1']]),
  // The big wave. Payment VMs boot a minute ahead; containers start seconds ahead.
  deploy(550, 'payments-3', 'payments', 'vm', 'node-1'),
  deploy(550, 'payments-4', 'payments', 'vm', 'node-1'),
  remove(702, 'payments-3'),
  remove(702, 'payments-4'),
  ...wave(598, 692, 'storefront', [
    ['storefront-7', 'node-2'],
    ['storefront-8', 'node-2'],
    ['storefront-9', 'node-2'],
    ['storefront-10', 'node-2'],
    ['storefront-11', 'node-1'],
    ['storefront-12', 'node-1'],
    ['storefront-13', 'node-2'],
  ]),
  ...wave(603, 697, 'checkout', [
    ['checkout-7', 'node-2'],
    ['checkout-8', 'node-2'],
    ['checkout-9', 'node-1'],
    ['checkout-10', 'node-2'],
    ['checkout-11', 'node-1'],
  ]),
];
