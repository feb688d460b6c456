import type { PlanActionInput } from '../../plan.ts';
import { attachVolume, configureHost, deploy } from './actions.ts';

/**
 * Following the debrief: the stateless shop front end runs as plain containers, rebuilt from its
 * image whenever it breaks; every app that keeps data keeps it on a volume backed up off the host,
 * the Windows ledger too (a container on the reinstalled Windows host, not a VM whose snapshots
 * would sit on its own disk). When Linux host 1 dies, its work starts again on Linux host 2 and the
 * volumes, network storage, come with it.
 */
export const backupsPlan: readonly PlanActionInput[] = [
  configureHost(0, 'hv-1', 'windows'),
  deploy(0, 'ledger-1', 'ledger', 'container', 'hv-1'),
  attachVolume(0, 'ledger-1'),
  deploy(0, 'orders-1', 'orders', 'container', 'linux-2'),
  attachVolume(0, 'orders-1'),
  deploy(0, 'uploads-1', 'uploads', 'container', 'linux-1'),
  attachVolume(0, 'uploads-1'),
  deploy(0, 'uploads-2', 'uploads', 'container', 'linux-2'),
  attachVolume(0, 'uploads-2'),
  deploy(0, 'web-1', 'web', 'container', 'linux-1'),
  deploy(0, 'web-2', 'web', 'container', 'linux-2'),
  deploy(0, 'web-3', 'web', 'container', 'linux-2'),
  // Linux host 1 fails at second 960: what it ran, again on Linux host 2.
  deploy(961, 'web-4', 'web', 'container', 'linux-2'),
  deploy(961, 'uploads-3', 'uploads', 'container', 'linux-2'),
  attachVolume(961, 'uploads-3'),
];
