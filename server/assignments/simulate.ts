/**
 * Re-simulating an attempt from its kept actions: its score (what the client claims is never
 * used) and its room log, the shape a live solo room would have written, for replays and reports.
 */
import type { Concept } from '../../shared/engine/concepts.ts';
import type { PlayerAction, SimState } from '../../shared/engine/types.ts';
import { runScenario, SOLO_CLUSTER, type PlanAction, type RecordedRejection } from '../../shared/engine/run.ts';
import { createSimulation } from '../../shared/engine/state.ts';
import { reduce } from '../../shared/engine/reducer.ts';
import { clusterOf } from '../../shared/engine/state.ts';
import { computeScore } from '../../shared/engine/score.ts';
import type { Scenario } from '../../shared/scenario/schema.ts';
import type { Logged, RoomLogEntry } from '../../shared/replay/log.ts';
import type { AttemptResult, ConceptCount, KeptCheckAnswer } from './types.ts';

/** The server's score of an attempt: runScenario over its kept actions, and nothing else. */
export function scoreAttempt(scenario: Scenario, seed: number, plan: readonly PlanAction[]): AttemptResult {
  const run = runScenario(scenario, seed, { plan });
  return resultOf(run.state, run.rejections);
}

function resultOf(state: SimState, rejections: readonly RecordedRejection[]): AttemptResult {
  const cluster = clusterOf(state, SOLO_CLUSTER)!;
  const score = computeScore(state, cluster);
  return {
    total: score.total,
    availability: score.availability,
    cost: score.cost,
    security: score.security,
    spend: score.spend,
    budget: score.budget,
    rejections: rejections.length,
    concepts: missedConcepts(
      rejections.map((r) => r.concept),
      cluster.incidents,
    ),
  };
}

/**
 * The concepts a run missed: each refusal that teaches one, and each incident that hurt (one that
 * hit nothing, such as a contained exploit or a passed audit, is no miss), as the class report
 * counts them.
 */
export function missedConcepts(refused: readonly (Concept | null)[], incidents: SimState['clusters'][string]['incidents']): ConceptCount[] {
  const counts = new Map<Concept, number>();
  const bump = (concept: Concept) => counts.set(concept, (counts.get(concept) ?? 0) + 1);
  for (const concept of refused) if (concept) bump(concept);
  for (const i of incidents) if (i.appIds.length > 0 || i.securityPenalty > 0 || i.type === 'overBudget') bump(i.concept);
  return [...counts].map(([concept, count]) => ({ concept, count })).sort((a, b) => b.count - a.count || a.concept.localeCompare(b.concept));
}

export interface AttemptLogInput {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly nickname: string;
  readonly plan: readonly PlanAction[];
  readonly answers: readonly KeptCheckAnswer[];
  readonly startedAtMs: number;
  /**
   * A finished attempt plays to the end, as runScenario does. An unfinished one stops at its last
   * action's second: where the student had got to, as far as the server knows.
   */
  readonly finished: boolean;
}

export interface AttemptLog {
  readonly log: RoomLogEntry[];
  readonly state: SimState;
}

/**
 * The room log a live solo room would have kept for this attempt: the seat, its cluster, the check
 * before, the start, then runScenario's own sequence (each due action accepted as `room:act` or
 * refused as `room:refused`, then the second's tick), then the check after. Replaying it gives
 * runScenario's state; only the cluster's name differs (the nickname rather than "plan"), which
 * no score depends on.
 */
export function attemptLog(input: AttemptLogInput): AttemptLog {
  const { scenario, nickname } = input;
  const clusterId = SOLO_CLUSTER;
  const log: RoomLogEntry[] = [];
  let atMs = input.startedAtMs;
  const push = (action: Logged, when = atMs) => log.push({ seq: log.length + 1, atMs: when, action });
  const answer = (a: KeptCheckAnswer) =>
    push({ type: 'room:answer', playerId: clusterId, stage: a.stage, questionId: a.result.questionId, concept: a.concept, choice: a.result.choice, correct: a.result.correct }, Math.max(atMs, a.atMs));

  let state = createSimulation(scenario, input.seed);
  const apply = (action: Parameters<typeof reduce>[1]) => {
    const r = reduce(state, action);
    state = r.state;
    return r;
  };
  push({ type: 'room:seat', playerId: clusterId, nickname, key: '', resumeToken: '', deviceId: null });
  const addCluster = { type: 'addCluster', clusterId, name: nickname } as const;
  apply(addCluster);
  push(addCluster);
  const byTime = (a: KeptCheckAnswer, b: KeptCheckAnswer) => a.atMs - b.atMs;
  for (const a of input.answers.filter((x) => x.stage === 'before').sort(byTime)) {
    answer(a);
    atMs = Math.max(atMs, a.atMs);
  }
  apply({ type: 'start' });
  push({ type: 'start' });

  // As runScenario orders them: by atS, in kept order within a second.
  const plan = [...input.plan].map((a, i) => [a, i] as const).sort((a, b) => a[0].atS - b[0].atS || a[1] - b[1]).map(([a]) => a);
  let next = 0;
  const applyDue = (limit: number) => {
    while (next < plan.length && plan[next]!.atS <= limit) {
      const planned = plan[next++]!;
      const { atS, ...rest } = planned;
      const action = { ...rest, clusterId } as PlayerAction;
      const r = apply(action);
      if (r.rejection) push({ type: 'room:refused', playerId: clusterId, atS, action, code: r.rejection.code, concept: r.rejection.concept, message: r.rejection.message });
      else push({ type: 'room:act', playerId: clusterId, action });
    }
  };
  const lastAtS = plan.at(-1)?.atS ?? 0;
  const seconds = input.finished ? scenario.durationS : Math.min(scenario.durationS, Math.floor(lastAtS));
  for (let t = 0; t < seconds; t++) {
    applyDue(t);
    apply({ type: 'tick' });
    push({ type: 'tick' });
  }
  applyDue(Infinity);
  for (const a of input.answers.filter((x) => x.stage === 'after').sort(byTime)) answer(a);
  return { log, state };
}
