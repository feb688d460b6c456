import type { PlanActionInput } from '../../plan.ts';
import { deploy, setLimits } from './actions.ts';

/**
 * Following the debrief: containers on one kernel, each with a CPU limit (cpu.max) at what it should
 * need, so a runaway cannot fill the CPU and nobody waits for it; the checkout API, what matters
 * most, also gets a higher weight (cpu.weight). Everything fits on one host.
 */
const limited = (id: string, appId: string, host: string, cpu: number, weight?: number): PlanActionInput[] => [
  deploy(0, id, appId, 'container', host),
  setLimits(0, id, weight ? { cpu, weight } : { cpu }),
];

export const noisyNeighbourPlan: readonly PlanActionInput[] = [
  ...limited('checkout-1', 'checkout', 'node-1', 1, 400),
  ...limited('checkout-2', 'checkout', 'node-1', 1, 400),
  ...limited('checkout-3', 'checkout', 'node-1', 1, 400),
  ...limited('web-1', 'web', 'node-1', 1),
  ...limited('web-2', 'web', 'node-1', 1),
  ...limited('analytics-1', 'analytics', 'node-1', 2),
  ...limited('metrics-1', 'metrics', 'node-1', 0.5),
];
