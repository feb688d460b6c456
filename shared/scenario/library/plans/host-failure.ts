import type { PlanActionInput } from '../../plan.ts';
import { deploy, each, remove } from './actions.ts';

/**
 * Following the debrief: every replicated service spread over both Linux hosts, with headroom on
 * each, so the dead host is an incident and not an outage; what it took is started again on the
 * other host a second later, as an orchestrator would (containers, so in about a second: the images
 * are already there). The Windows app can only be a Windows VM here; a hosted one on Linux host
 * rack-3 keeps the bare-metal host switched off. Three more front ends start just before the spike.
 */
export const hostFailurePlan: readonly PlanActionInput[] = [
  deploy(0, 'frontend-1', 'frontend', 'container', 'rack-2'),
  deploy(0, 'frontend-2', 'frontend', 'container', 'rack-3'),
  deploy(0, 'frontend-3', 'frontend', 'container', 'rack-2'),
  deploy(0, 'api-1', 'api', 'container', 'rack-3'),
  deploy(0, 'api-2', 'api', 'container', 'rack-2'),
  deploy(0, 'api-3', 'api', 'container', 'rack-3'),
  deploy(0, 'sessions-1', 'sessions', 'container', 'rack-2'),
  deploy(0, 'sessions-2', 'sessions', 'container', 'rack-3'),
  deploy(0, 'jobs-1', 'jobs', 'container', 'rack-3'),
  deploy(0, 'timesheets-1', 'timesheets', 'vm', 'rack-3'),
  // rack-2 fails at second 420: its replicas again, on rack-3.
  deploy(421, 'frontend-4', 'frontend', 'container', 'rack-3'),
  deploy(421, 'frontend-5', 'frontend', 'container', 'rack-3'),
  deploy(421, 'api-4', 'api', 'container', 'rack-3'),
  deploy(421, 'sessions-3', 'sessions', 'container', 'rack-3'),
  ...each(['frontend-6', 'frontend-7', 'frontend-8'], (id) => [deploy(699, id, 'frontend', 'container', 'rack-3'), remove(761, id)]),
];
