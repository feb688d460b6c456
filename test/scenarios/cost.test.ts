import { describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../shared/scenario/schema.ts';
import { SCENARIO_COST_LIMIT, scenarioCost } from '../../shared/scenario/cost.ts';
import { parseScenario } from '../../shared/scenario/parse.ts';
import { scenarioSchema } from '../../shared/scenario/schema.ts';
import { SCENARIOS } from '../../shared/scenario/library/index.ts';

/** The upload: valid field by field, and about 10 s of CPU for the debrief's references. */
function big(parts: { hosts?: number; apps?: number; replicas?: number; durationS?: number } = {}): ScenarioInput {
  const { hosts = 32, apps = 24, replicas = 50, durationS = 600 } = parts;
  return {
    schemaVersion: 1,
    id: 'huge',
    title: 'Huge',
    summary: 'As big as every field allows.',
    debrief: 'None.',
    durationS,
    hosts: Array.from({ length: hosts }, (_, i) => ({ id: `h${i}`, cpu: 256, memoryGiB: 4096 })),
    apps: Array.from({ length: apps }, (_, i) => ({ id: `app${i}`, name: `App ${i}`, cpu: 1, memoryMiB: 512, replicas })),
  };
}

const unitsOf = (input: ScenarioInput) => scenarioCost(scenarioSchema.parse(input)).units;

describe('scenario size: what the debrief can simulate live', () => {
  it("refuses the issue's example, saying what makes it big and what to cut", () => {
    const parsed = parseScenario(big());
    expect(parsed.ok).toBe(false);
    const errors = parsed.ok ? [] : parsed.errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^scenario: too big to simulate live: /);
    expect(errors[0]).toContain('600 s');
    expect(errors[0]).toContain('32 hosts');
    expect(errors[0]).toContain('24 apps');
    expect(errors[0]).toContain('1,200 replicas');
    expect(errors[0]).toContain(`the limit is ${SCENARIO_COST_LIMIT.toLocaleString('en-GB')}`);
    expect(errors[0]).toMatch(/use fewer hosts, apps, replicas, events or seconds$/);
    // The figure in the message is the one the limit is checked against.
    expect(errors[0]).toContain(`= ${unitsOf(big()).toLocaleString('en-GB')};`);
  });

  it('accepts a scenario just under the limit and refuses one just over it', () => {
    // The longest run of this size that fits (a binary search over the seconds), and one second more.
    const fits = (durationS: number) => unitsOf(big({ hosts: 8, apps: 12, replicas: 10, durationS })) <= SCENARIO_COST_LIMIT;
    let [durationS, over] = [30, 7200];
    expect(fits(durationS) && !fits(over)).toBe(true);
    while (over - durationS > 1) {
      const mid = Math.floor((durationS + over) / 2);
      if (fits(mid)) durationS = mid;
      else over = mid;
    }
    const under = big({ hosts: 8, apps: 12, replicas: 10, durationS });
    expect(unitsOf(under)).toBeGreaterThan(0.99 * SCENARIO_COST_LIMIT);
    const parsed = parseScenario(under);
    expect(parsed.ok ? [] : parsed.errors).toEqual([]);
    expect(parseScenario(big({ hosts: 8, apps: 12, replicas: 10, durationS: durationS + 1 })).ok).toBe(false);
  });

  it('keeps every built-in scenario well below the limit, the biggest at a fifth of it', () => {
    for (const s of SCENARIOS) expect(scenarioCost(s).units, s.id).toBeLessThan(SCENARIO_COST_LIMIT / 5);
    expect(scenarioCost(SCENARIOS.find((s) => s.id === 'tutorial')!).units).toBeLessThan(SCENARIO_COST_LIMIT / 15);
  });

  it('still takes a two-hour lesson of the tutorial size', () => {
    const tutorial = SCENARIOS.find((s) => s.id === 'tutorial')!;
    expect(parseScenario({ ...tutorial, durationS: 7200 }).ok).toBe(true);
  });

  it('counts what makes a run expensive, and only that', () => {
    const base = unitsOf(big({ hosts: 4, apps: 6, replicas: 2, durationS: 300 }));
    for (const more of [{ hosts: 8 }, { apps: 12 }, { replicas: 4 }, { durationS: 600 }]) expect(unitsOf(big({ hosts: 4, apps: 6, replicas: 2, durationS: 300, ...more })), JSON.stringify(more)).toBeGreaterThan(base);
    // Past what one cluster may hold, more replicas change nothing: the strategies stop there.
    expect(unitsOf(big({ replicas: 50 }))).toBe(unitsOf(big({ replicas: 25 })));
    // Host sizes, costs and names do not enter it.
    const small = big({ hosts: 4, apps: 6, replicas: 2, durationS: 300 });
    expect(unitsOf({ ...small, hosts: small.hosts.map((h) => ({ ...h, cpu: 8, memoryGiB: 16, costPerHour: 99 })) })).toBe(base);
  });

  it('counts the instances a traffic spike makes the strategies scale out to', () => {
    const calm = big({ hosts: 4, apps: 2, replicas: 2, durationS: 300 });
    const spiky: ScenarioInput = { ...calm, events: [{ atS: 10, type: 'trafficSpike', appId: 'app0', factor: 10, durationS: 60 }] };
    const calmCost = scenarioCost(scenarioSchema.parse(calm));
    const spikyCost = scenarioCost(scenarioSchema.parse(spiky));
    expect(calmCost.instances).toBe(4);
    // app0 scales to 10 × its demand (plus jitter) over what 2 replicas serve with 25 % headroom.
    expect(spikyCost.instances).toBe(Math.ceil((10 * 1.05 * 2) / 1.25) + 2);
    expect(spikyCost.explanation).toContain('scaled out for peak demand');
    // Spikes that do not overlap do not multiply.
    const apart: ScenarioInput = { ...calm, events: [{ atS: 10, type: 'trafficSpike', appId: 'app0', factor: 10, durationS: 20 }, { atS: 100, type: 'trafficSpike', appId: 'app0', factor: 10, durationS: 20 }] };
    expect(scenarioCost(scenarioSchema.parse(apart)).instances).toBe(spikyCost.instances);
  });
});
