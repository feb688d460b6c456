import type { Scenario, ScenarioEvent } from '../scenario/schema.ts';
import { POLICIES, type PolicyName } from './policies.ts';
import { buildReport } from './report.ts';
import { runScenario } from './run.ts';

/** One reference policy's score over the seconds a session ran, as the debrief shows it. */
export interface ReferenceScore {
  readonly policy: PolicyName;
  readonly total: number;
  readonly availability: number;
  readonly cost: number;
  readonly security: number;
}

/**
 * The scenario as a session lived it: the events its teacher sent join the scenario's own at
 * their seconds (a scenario event first when both fall on one second, as the live clock fires
 * them), so the reference plans meet what the class met. The scenario itself when none were sent.
 */
export function withInjected(scenario: Scenario, injected: readonly ScenarioEvent[]): Scenario {
  if (injected.length === 0) return scenario;
  const events = [...scenario.events, ...injected].sort((a, b) => a.atS - b.atS);
  return { ...scenario, events };
}

/**
 * The scenario as far as the class played it: its first `untilS` seconds, the events at or after
 * `untilS` dropped. The full scenario itself when nothing is cut, so a cache key can match it.
 */
export function scenarioUntil(scenario: Scenario, untilS: number): Scenario {
  if (untilS >= scenario.durationS) return scenario;
  return { ...scenario, durationS: untilS, events: scenario.events.filter((e) => e.atS < untilS) };
}

/**
 * How each reference policy does on this scenario and seed over its first `untilS` seconds: the
 * server's debrief (on its worker pool) and the replay viewer (in the browser) both call this.
 * Synchronous and unbounded: about as much work as replaying three players.
 */
export function referenceScores(scenario: Scenario, seed: number, untilS: number): ReferenceScore[] {
  const played = scenarioUntil(scenario, untilS);
  return POLICIES.map((policy) => {
    const run = runScenario(played, seed, { policy });
    const { score } = buildReport(run.state, run.clusterId, run.rejections);
    return { policy, total: score.total, availability: score.availability, cost: score.cost, security: score.security };
  });
}
