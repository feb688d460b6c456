import type { PlanActionInput } from '../../plan.ts';
import { configureHost, deploy, remove } from './actions.ts';

/**
 * Following the debrief: every app as a container on a kernel of its own OS. The Linux apps share
 * Linux host 1; the Windows app needs a Windows kernel, and the empty Linux host 2, reinstalled as
 * Windows, is the cheaper one to give it. Two more shop containers start a second before the spike.
 */
export const tutorialPlan: readonly PlanActionInput[] = [
  deploy(0, 'web-1', 'web', 'container', 'linux-1'),
  deploy(0, 'web-2', 'web', 'container', 'linux-1'),
  deploy(0, 'api-1', 'api', 'container', 'linux-1'),
  deploy(0, 'api-2', 'api', 'container', 'linux-1'),
  configureHost(0, 'linux-2', 'windows'),
  deploy(0, 'reports-1', 'reports', 'container', 'linux-2'),
  deploy(299, 'web-3', 'web', 'container', 'linux-1'),
  deploy(299, 'web-4', 'web', 'container', 'linux-1'),
  remove(391, 'web-3'),
  remove(391, 'web-4'),
];
