import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PolicyName, RecordedRejection, SimState } from '../../shared/engine/index.ts';
import type { Scenario, ScenarioInput } from '../../shared/scenario/schema.ts';
import { POLICIES, SOLO_CLUSTER, clusterOf, createSimulation, policyStep, reduce, runScenario } from '../../shared/engine/index.ts';
import { parseScenario } from '../../shared/scenario/parse.ts';
import { SCENARIOS } from '../../shared/scenario/library/index.ts';

/**
 * runScenario's loop, except that the cluster's instances array is copied every second: the
 * strategies' memory of failed placements (kept per array) never finds anything, so every
 * placement is tried afresh. It must come to exactly the same run.
 */
function withoutMemory(scenario: Scenario, seed: number, policy: PolicyName): { state: SimState; rejections: RecordedRejection[] } {
  let state = createSimulation(scenario, seed);
  state = reduce(state, { type: 'addCluster', clusterId: SOLO_CLUSTER, name: 'plan' }).state;
  state = reduce(state, { type: 'start' }).state;
  const rejections: RecordedRejection[] = [];
  const seen = new Set<string>();
  for (let t = 0; t < scenario.durationS; t++) {
    const c = clusterOf(state, SOLO_CLUSTER)!;
    state = { ...state, clusters: { ...state.clusters, [SOLO_CLUSTER]: { ...c, instances: [...c.instances] } } };
    const step = policyStep(state, SOLO_CLUSTER, policy);
    state = step.state;
    for (const { rejection, appId, action } of step.unplaced) {
      const key = `${appId}:${rejection.code}`;
      if (seen.has(key)) continue;
      seen.add(key);
      rejections.push({ atS: t, action, ...rejection });
    }
    state = reduce(state, { type: 'tick' }).state;
  }
  return { state, rejections };
}

/** Clusters where placements fail and things change: apps too big for any host, failures, patch days, spikes. */
const crowded = fc
  .record({
    hosts: fc.integer({ min: 1, max: 5 }),
    platforms: fc.array(fc.constantFrom('linux' as const, 'windows' as const, 'hypervisor' as const), { minLength: 5, maxLength: 5 }),
    apps: fc.array(
      fc.record({
        os: fc.constantFrom('linux' as const, 'windows' as const),
        memoryMiB: fc.constantFrom(256, 2048, 20_000, 70_000),
        replicas: fc.integer({ min: 1, max: 8 }),
        trust: fc.constantFrom('trusted' as const, 'untrusted' as const),
        data: fc.constantFrom('public' as const, 'regulated' as const),
        needsCustomKernel: fc.boolean(),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    events: fc.array(fc.record({ at: fc.integer({ min: 0, max: 179 }), kind: fc.constantFrom('hostFailure', 'patchDay', 'trafficSpike'), pick: fc.nat() }), { maxLength: 8 }),
    changePlatform: fc.boolean(),
    swing: fc.boolean(),
  })
  .map(({ hosts, platforms, apps, events, changePlatform, swing }): Scenario => {
    const input: ScenarioInput = {
      schemaVersion: 1,
      id: 'crowded',
      title: 'Crowded',
      summary: 'Placements that fail, in a cluster that changes.',
      debrief: 'None.',
      durationS: 180,
      hosts: Array.from({ length: hosts }, (_, i) => ({ id: `h${i}`, cpu: 8, memoryGiB: 64, platform: platforms[i]!, kvm: i % 2 === 0, costPerHour: 10 })),
      apps: apps.map((a, i) => ({ id: `a${i}`, name: `App ${i}`, cpu: 1, imageMiB: 100, demand: 100, ...a, ...(swing ? { capacityPerReplica: 100 / (a.replicas + 0.5) } : {}) })),
      events: events.map((e) =>
        e.kind === 'hostFailure'
          ? { atS: e.at, type: 'hostFailure' as const, hostId: `h${e.pick % hosts}` }
          : e.kind === 'patchDay'
            ? { atS: e.at, type: 'patchDay' as const, os: 'linux' as const }
            : { atS: e.at, type: 'trafficSpike' as const, appId: `a${e.pick % apps.length}`, factor: 3, durationS: 40 },
      ),
      allow: { runtimes: ['container', 'vm', 'microvm'], changePlatform },
      physics: { hostRepairS: 60, ...(swing ? { demandJitter: 0.5 } : {}) },
    };
    const parsed = parseScenario(input);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    return parsed.value;
  });

describe('the strategies remember failed placements, and it changes nothing', () => {
  it('plays every built-in scenario exactly as when every placement is tried afresh', () => {
    for (const scenario of SCENARIOS) {
      for (const policy of POLICIES) {
        const remembered = runScenario(scenario, 3, { policy });
        const fresh = withoutMemory(scenario, 3, policy);
        expect(JSON.stringify(fresh.state), `${scenario.id}/${policy}`).toBe(JSON.stringify(remembered.state));
        expect(fresh.rejections, `${scenario.id}/${policy}`).toEqual(remembered.rejections);
      }
    }
  });

  it('plays crowded, changing clusters exactly as when every placement is tried afresh (seeded fast-check)', () => {
    fc.assert(
      fc.property(crowded, fc.constantFrom(...POLICIES), fc.integer(), (scenario, policy, seed) => {
        const remembered = runScenario(scenario, seed, { policy });
        const fresh = withoutMemory(scenario, seed, policy);
        expect(JSON.stringify(fresh.state)).toBe(JSON.stringify(remembered.state));
        expect(fresh.rejections).toEqual(remembered.rejections);
      }),
      { seed: 20_261_203, numRuns: 60 },
    );
  });
});
