import type { PlanActionInput } from '../../plan.ts';
import { configureHost, createVm, deploy, each, remove } from './actions.ts';

/**
 * Following the debrief: the ERP, which has no container image (Windows Server 2012 R2), is lifted
 * into a Windows VM as it is, and so is the packet filter with its own kernel module (a Linux VM).
 * The reporting service has an image, for Windows Server 2019: on the reinstalled Windows Server 2022
 * host it runs with Hyper-V isolation, a utility VM that boots in seconds, and two more start just
 * before its spike. One Windows host licensed for all its cores also covers the ERP's VM, and the
 * intranet's containers share one small Linux VM there.
 */
export const liftAndShiftPlan: readonly PlanActionInput[] = [
  configureHost(0, 'metal-1', 'windows'),
  deploy(0, 'erp-1', 'erp', 'vm', 'metal-1'),
  deploy(0, 'reporting-1', 'reporting', 'container', 'metal-1', 'hyperv'),
  deploy(0, 'reporting-2', 'reporting', 'container', 'metal-1', 'hyperv'),
  deploy(0, 'firewall-1', 'firewall', 'vm', 'metal-1'),
  deploy(0, 'firewall-2', 'firewall', 'vm', 'metal-1'),
  createVm(0, 'intranet-vm', 'metal-1', 'linux', 2, 1600),
  deploy(0, 'intranet-1', 'intranet', 'container', 'intranet-vm'),
  deploy(0, 'intranet-2', 'intranet', 'container', 'intranet-vm'),
  ...each(['reporting-3', 'reporting-4'], (id) => [deploy(890, id, 'reporting', 'container', 'metal-1', 'hyperv'), remove(1021, id)]),
];
