import type { Scenario } from '../../shared/scenario/schema.ts';
import { scenarioSchema } from '../../shared/scenario/schema.ts';
import type { ReferenceScore } from '../../server/references/index.ts';
import { referenceScores } from '../../server/references/index.ts';

/**
 * A scenario at the schema's field limits: big hosts, many apps of many replicas, so each policy
 * places and serves hundreds of instances every second. The reported defect used 32 hosts, 24
 * apps of 50 replicas and 600 s. Uploads this big are now refused by the cost bound
 * (shared/scenario/cost.ts); it is checked against the field schema only, on purpose: the runner
 * must stay harmless whatever it is given.
 */
export function heavyScenario({ hosts = 32, apps = 24, replicas = 50, durationS = 600 } = {}): Scenario {
  const parsed = scenarioSchema.safeParse({
    schemaVersion: 1,
    id: 'heavy',
    title: 'Heavy',
    summary: 'Every host and app at the upload limits.',
    debrief: 'None.',
    durationS,
    hosts: Array.from({ length: hosts }, (_, i) => ({ id: `h${i}`, cpu: 256, memoryGiB: 4096 })),
    apps: Array.from({ length: apps }, (_, i) => ({ id: `a${i}`, name: `App ${i}`, cpu: 1, memoryMiB: 512, replicas, demand: 1000 })),
  });
  if (!parsed.success) throw new Error(parsed.error.message);
  return parsed.data;
}

/** The heaviest scenario the field schema allows: 7200 s at the limits. */
export const heaviestScenario = (): Scenario => heavyScenario({ durationS: 7200 });

/**
 * The first of ever longer heavy scenarios whose references take over `ms` in-process here, with
 * those references. Measured, not fixed: the engine gets faster as it is optimised.
 */
export function scenarioTakingOver(ms: number, seed: number): { scenario: Scenario; references: ReferenceScore[]; inProcessMs: number } {
  for (const durationS of [150, 300, 600, 1200, 2400, 4800, 7200]) {
    const scenario = heavyScenario({ durationS });
    const started = performance.now();
    const references = referenceScores(scenario, seed, durationS);
    const inProcessMs = performance.now() - started;
    if (inProcessMs > ms) return { scenario, references, inProcessMs };
  }
  throw new Error(`even the heaviest valid scenario computes in under ${ms} ms here`);
}

/** Samples a 10 ms interval until stopped: how often it fired and the longest wait between firings. */
export function watchEventLoop(): { stop(): { firings: number; maxGapMs: number } } {
  let firings = 0;
  let last = performance.now();
  let maxGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    firings++;
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      maxGapMs = Math.max(maxGapMs, performance.now() - last);
      return { firings, maxGapMs };
    },
  };
}
