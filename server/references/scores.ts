import type { PolicyName } from '../../shared/engine/index.ts';
import { POLICIES, buildReport, runScenario } from '../../shared/engine/index.ts';
import type { Scenario } from '../../shared/scenario/schema.ts';
import type { StudentView } from '../../shared/views/index.ts';

/** One reference policy's score, as the debrief shows it (an entry of `StudentView['references']`). */
export type ReferenceScore = NonNullable<StudentView['references']>[number] & { readonly policy: PolicyName };

/**
 * The scenario as far as the class played it: its first `untilS` seconds, the events at or after
 * `untilS` dropped. The full scenario itself when nothing is cut, so a cache key can match it.
 */
export function scenarioUntil(scenario: Scenario, untilS: number): Scenario {
  if (untilS >= scenario.durationS) return scenario;
  return { ...scenario, durationS: untilS, events: scenario.events.filter((e) => e.atS < untilS) };
}

/** How each reference policy does on this scenario and seed over its first `untilS` seconds. Synchronous and unbounded: run it off the main thread. */
export function referenceScores(scenario: Scenario, seed: number, untilS: number): ReferenceScore[] {
  const played = scenarioUntil(scenario, untilS);
  return POLICIES.map((policy) => {
    const run = runScenario(played, seed, { policy });
    const { score } = buildReport(run.state, run.clusterId, run.rejections);
    return { policy, total: score.total, availability: score.availability, cost: score.cost, security: score.security };
  });
}
