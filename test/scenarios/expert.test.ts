import { describe, expect, it } from 'vitest';
import { POLICIES, buildReport, runScenario } from '../../shared/engine/index.ts';
import type { PlanAction } from '../../shared/engine/index.ts';
import type { Scenario } from '../../shared/scenario/schema.ts';
import { SCENARIOS } from '../../shared/scenario/library/index.ts';
import { EXPERT_PLANS, expertPlan } from '../../shared/scenario/library/plans/index.ts';

// The plan each debrief recommends must be the plan that scores best: a lesson whose own advice
// loses to a reference strategy teaches something false.
const SEEDS = [1, 7, 2026, 42];

const report = (scenario: Scenario, seed: number, source: Parameters<typeof runScenario>[2]) => {
  const run = runScenario(scenario, seed, source);
  return buildReport(run.state, run.clusterId, run.rejections);
};

describe('expert plans', () => {
  it('ships one for every built-in scenario, and for nothing else', () => {
    expect([...EXPERT_PLANS.keys()].sort()).toEqual(SCENARIOS.map((s) => s.id).sort());
    expect(expertPlan('no-such-scenario')).toBeUndefined();
  });

  describe.each(SCENARIOS.map((s) => [s.id, s] as const))('%s', (id, scenario) => {
    const plan: readonly PlanAction[] = expertPlan(id)!;

    it('is a plan the engine accepts in full: no action refused', () => {
      expect(report(scenario, 1, { plan }).rejections.map((r) => `${r.atS}: ${r.code}`)).toEqual([]);
    });

    it.each(SEEDS)('scores at least as well as every reference policy, and better than one (seed %i)', (seed) => {
      const expert = report(scenario, seed, { plan }).score.total;
      const references = POLICIES.map((policy) => [policy, report(scenario, seed, { policy }).score.total] as const);
      for (const [policy, total] of references) expect(expert, `${policy} scored ${total}`).toBeGreaterThanOrEqual(total);
      expect(references.some(([, total]) => expert > total)).toBe(true);
    });
  });
});
