import { describe, expect, it } from 'vitest';
import { runScenario, SOLO_CLUSTER, type PlanAction } from '../../shared/engine/run.ts';
import { clusterOf } from '../../shared/engine/state.ts';
import { computeScore } from '../../shared/engine/score.ts';
import type { SimState } from '../../shared/engine/types.ts';
import { replaySimulation } from '../../shared/replay/log.ts';
import { SCENARIOS, getScenario } from '../../shared/scenario/library/index.ts';
import { expertPlan } from '../../shared/scenario/library/plans/index.ts';
import { attemptLog, scoreAttempt } from '../../server/assignments/simulate.ts';

/** A plan with refusals in it: the expert's, with nonsense every few actions and a late action. */
function mixedPlan(id: string): PlanAction[] {
  const plan = [...expertPlan(id)!];
  const out: PlanAction[] = [];
  plan.forEach((a, i) => {
    out.push(a);
    if (i % 3 === 0) out.push({ atS: a.atS, type: 'deleteVm', vmId: 'no-such-vm' });
  });
  out.push({ atS: getScenario(id)!.durationS, type: 'remove', instanceId: 'nothing' });
  return out;
}

/** The cluster's name is the nickname in a synthesized log and "plan" in runScenario: nothing scored depends on it. */
const named = (state: SimState, name: string): SimState => ({ ...state, clusters: { ...state.clusters, [SOLO_CLUSTER]: { ...clusterOf(state, SOLO_CLUSTER)!, name } } });

describe('re-simulating an attempt', () => {
  it.each(SCENARIOS.map((s) => s.id))('%s: the synthesized log replays to runScenario’s state and score', (id) => {
    const scenario = getScenario(id)!;
    const plan = mixedPlan(id);
    const run = runScenario(scenario, 77, { plan });
    const { log, state } = attemptLog({ scenario, seed: 77, nickname: 'Ada', plan, answers: [], startedAtMs: 1000, finished: true });
    const replayed = replaySimulation(scenario, 77, log);
    expect(JSON.stringify(named(replayed, 'plan'))).toEqual(JSON.stringify(run.state));
    expect(JSON.stringify(state)).toEqual(JSON.stringify(replayed));
    expect(computeScore(replayed, clusterOf(replayed, SOLO_CLUSTER)!)).toEqual(computeScore(run.state, clusterOf(run.state, SOLO_CLUSTER)!));
    // Each refusal is in the log once, with its reason and concept.
    const refused = log.flatMap((e) => (e.action.type === 'room:refused' ? [e.action] : []));
    expect(refused.map((r) => [r.atS, r.code, r.concept])).toEqual(run.rejections.map((r) => [r.atS, r.code, r.concept]));
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    expect(log.slice(0, 3).map((e) => e.action.type)).toEqual(['room:seat', 'addCluster', 'start']);
  });

  it('scores with runScenario and counts refusals and the concepts missed', () => {
    const scenario = getScenario('tutorial')!;
    const plan = mixedPlan('tutorial');
    const run = runScenario(scenario, 5, { plan });
    const score = computeScore(run.state, clusterOf(run.state, SOLO_CLUSTER)!);
    const result = scoreAttempt(scenario, 5, plan);
    expect(result).toMatchObject({ total: score.total, availability: score.availability, cost: score.cost, security: score.security, spend: score.spend, budget: score.budget, rejections: run.rejections.length });
    expect(result.rejections).toBeGreaterThan(0);
    const refusedConcepts = run.rejections.filter((r) => r.concept).length;
    expect(result.concepts.reduce((n, c) => n + c.count, 0)).toBeGreaterThanOrEqual(refusedConcepts);
  });

  it('stops an unfinished attempt at its last action’s second', () => {
    const scenario = getScenario('tutorial')!;
    const plan = expertPlan('tutorial')!.filter((a) => a.atS <= 40);
    const { state, log } = attemptLog({ scenario, seed: 5, nickname: 'Ada', plan, answers: [], startedAtMs: 0, finished: false });
    expect(state.timeS).toBe(Math.floor(plan.at(-1)!.atS));
    expect(log.filter((e) => e.action.type === 'room:act').length).toBe(plan.length);
  });

  it('puts the checks’ answers before the start and after the end', () => {
    const scenario = getScenario('tutorial')!;
    const answer = (stage: 'before' | 'after', atMs: number) => ({ stage, concept: 'isolation' as const, atMs, result: { questionId: `isolation-${atMs}`, choice: 1, correct: true, answer: 1, explanation: 'x' } });
    const { log } = attemptLog({ scenario, seed: 5, nickname: 'Ada', plan: [], answers: [answer('after', 900), answer('before', 500)], startedAtMs: 100, finished: true });
    const types = log.map((e) => e.action.type);
    expect(types.slice(0, 4)).toEqual(['room:seat', 'addCluster', 'room:answer', 'start']);
    expect(types.at(-1)).toBe('room:answer');
    expect(log.at(-1)!.action).toMatchObject({ stage: 'after', playerId: SOLO_CLUSTER });
  });
});
