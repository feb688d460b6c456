import type { Plan, PlanActionInput } from '../../plan.ts';
import { parsePlan } from '../../parse.ts';
import { backupsPlan } from './backups.ts';
import { cloudTenantsPlan } from './cloud-tenants.ts';
import { densitySqueezePlan } from './density-squeeze.ts';
import { flashSalePlan } from './flash-sale.ts';
import { hostFailurePlan } from './host-failure.ts';
import { liftAndShiftPlan } from './lift-and-shift.ts';
import { microvmFunctionsPlan } from './microvm-functions.ts';
import { noisyNeighbourPlan } from './noisy-neighbour.ts';
import { patchDayPlan } from './patch-day.ts';
import { tutorialPlan } from './tutorial.ts';
import { untrustedTenantsPlan } from './untrusted-tenants.ts';

/**
 * Each built-in scenario's expert plan: what its debrief recommends, written as a plan file. The
 * library tests check that it scores at least as well as every reference policy.
 */
const INPUTS: Readonly<Record<string, readonly PlanActionInput[]>> = {
  tutorial: tutorialPlan,
  'flash-sale': flashSalePlan,
  'untrusted-tenants': untrustedTenantsPlan,
  'cloud-tenants': cloudTenantsPlan,
  'lift-and-shift': liftAndShiftPlan,
  'patch-day': patchDayPlan,
  'density-squeeze': densitySqueezePlan,
  'host-failure': hostFailurePlan,
  backups: backupsPlan,
  'noisy-neighbour': noisyNeighbourPlan,
  'microvm-functions': microvmFunctionsPlan,
};

/** The expert plans by scenario id, validated as plan files. */
export const EXPERT_PLANS: ReadonlyMap<string, Plan['actions']> = new Map(
  Object.entries(INPUTS).map(([id, actions]) => {
    const parsed = parsePlan({ actions });
    // A broken built-in plan is a programming error, caught by the library's tests.
    if (!parsed.ok) throw new Error(`expert plan for ${id} is invalid:\n${parsed.errors.join('\n')}`);
    return [id, parsed.value.actions] as const;
  }),
);

export const expertPlan = (scenarioId: string): Plan['actions'] | undefined => EXPERT_PLANS.get(scenarioId);
