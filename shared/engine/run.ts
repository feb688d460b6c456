import type { DistributiveOmit, PlayerAction, Rejection, SimState } from './types.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { PolicyName } from './policies.ts';
import { policyStep } from './policies.ts';
import { reduce } from './reducer.ts';
import { createSimulation } from './state.ts';

/** A player action in a plan file: timed, and without a cluster (the plan is for one). */
export type PlanAction = DistributiveOmit<PlayerAction, 'clusterId'> & { atS: number };

export interface RecordedRejection extends Rejection {
  readonly atS: number;
  readonly action: PlanAction | PlayerAction;
}

export interface RunResult {
  readonly state: SimState;
  readonly clusterId: string;
  readonly rejections: readonly RecordedRejection[];
}

export const SOLO_CLUSTER = 'player';

/**
 * Runs one cluster through a whole scenario, second by second: plan actions fall due at their
 * atS (in file order within a second), a policy acts every second, then the clock ticks.
 */
export function runScenario(scenario: Scenario, seed: number, source: { plan: readonly PlanAction[] } | { policy: PolicyName }): RunResult {
  const clusterId = SOLO_CLUSTER;
  let state = createSimulation(scenario, seed);
  state = reduce(state, { type: 'addCluster', clusterId, name: 'plan' }).state;
  state = reduce(state, { type: 'start' }).state;
  const rejections: RecordedRejection[] = [];
  const plan = 'plan' in source ? [...source.plan].map((a, i) => [a, i] as const).sort((a, b) => a[0].atS - b[0].atS || a[1] - b[1]).map(([a]) => a) : [];
  const seen = new Set<string>();
  let next = 0;

  const applyDue = (limit: number) => {
    while (next < plan.length && plan[next]!.atS <= limit) {
      const planned = plan[next++]!;
      const { atS: _atS, ...rest } = planned;
      const r = reduce(state, { ...rest, clusterId } as PlayerAction);
      if (r.rejection) rejections.push({ atS: planned.atS, action: planned, ...r.rejection });
      state = r.state;
    }
  };

  for (let t = 0; t < scenario.durationS; t++) {
    applyDue(t);
    if ('policy' in source) {
      const step = policyStep(state, clusterId, source.policy);
      state = step.state;
      for (const { rejection, appId, action } of step.unplaced) {
        // A policy retries every second; report each reason it could not place an app once.
        const key = `${appId}:${rejection.code}`;
        if (seen.has(key)) continue;
        seen.add(key);
        rejections.push({ atS: t, action, ...rejection });
      }
    }
    state = reduce(state, { type: 'tick' }).state;
  }
  applyDue(Infinity);
  return { state, clusterId, rejections };
}
