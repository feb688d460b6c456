import type { PlanActionInput } from '../../plan.ts';
import { createVm, deploy, each, remove } from './actions.ts';

/**
 * Following the debrief, seed 000's picture: on each of two bare-metal hosts, every customer gets a
 * VM of its own with a container engine, and its services run as containers inside. The players'
 * mods run in the game club's own VMs, so their exploit reaches no other customer; one guest OS per
 * customer and host leaves the third host switched off; the bakery's extra shop containers start
 * inside its VMs in a second when its cake goes viral.
 */
const BAKERY = ['bakery-shop', 'bakery-orders', 'bakery-stock', 'bakery-mail'] as const;
const SCHOOL = ['school-portal', 'school-grades', 'school-chat', 'school-library'] as const;

export const cloudTenantsPlan: readonly PlanActionInput[] = [
  ...each([1, 2], (n) => [
    createVm(0, `bakery-${n}`, `metal-${n}`, 'linux', 3, 2600),
    createVm(0, `school-${n}`, `metal-${n}`, 'linux', 2, 1850),
    createVm(0, `games-${n}`, `metal-${n}`, 'linux', 2, 1300),
    ...BAKERY.map((app) => deploy(0, `${app}-${n}`, app, 'container', `bakery-${n}`)),
    ...SCHOOL.map((app) => deploy(0, `${app}-${n}`, app, 'container', `school-${n}`)),
    deploy(0, `game-mods-${n}`, 'game-mods', 'container', `games-${n}`),
  ]),
  ...each(
    [
      ['bakery-shop-3', 'bakery-1'],
      ['bakery-shop-4', 'bakery-2'],
      ['bakery-shop-5', 'bakery-1'],
    ] as const,
    ([id, vm]) => [deploy(699, id, 'bakery-shop', 'container', vm), remove(821, id)],
  ),
];
