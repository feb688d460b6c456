import type { PlanActionInput } from '../../plan.ts';
import { configureHost, deploy, remove } from './actions.ts';

/**
 * Following the debrief: few kernels, and every service spread over two of them. The Linux services
 * are containers on both Linux hosts, so on Linux patch day each host is drained onto the other and
 * nothing goes down. The CRM is a Windows container; a Windows host reboot would take it down with
 * nowhere to go, so before Windows patch day the empty second hypervisor host is made a Windows host
 * with room for it, and let go again once the window has passed.
 */
export const patchDayPlan: readonly PlanActionInput[] = [
  deploy(0, 'web-1', 'web', 'container', 'linux-1'),
  deploy(0, 'web-2', 'web', 'container', 'linux-2'),
  deploy(0, 'web-3', 'web', 'container', 'linux-1'),
  deploy(0, 'api-1', 'api', 'container', 'linux-2'),
  deploy(0, 'api-2', 'api', 'container', 'linux-1'),
  deploy(0, 'api-3', 'api', 'container', 'linux-2'),
  deploy(0, 'worker-1', 'worker', 'container', 'linux-1'),
  deploy(0, 'worker-2', 'worker', 'container', 'linux-2'),
  deploy(0, 'cache-1', 'cache', 'container', 'linux-1'),
  deploy(0, 'cache-2', 'cache', 'container', 'linux-2'),
  deploy(0, 'crm-1', 'crm', 'container', 'win-1'),
  deploy(0, 'crm-2', 'crm', 'container', 'win-1'),
  configureHost(850, 'hv-2', 'windows'),
  deploy(850, 'crm-3', 'crm', 'container', 'hv-2'),
  remove(1100, 'crm-3'),
];
