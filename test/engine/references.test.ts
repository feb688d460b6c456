import { describe, expect, it } from 'vitest';
import { referenceScores, withInjected } from '../../shared/engine/references.ts';
import type { ScenarioEvent } from '../../shared/scenario/schema.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';

const scenario = getScenario('untrusted-tenants')!;
const exploit = { type: 'kernelExploit', os: 'linux', atS: 60 } as ScenarioEvent;

describe('reference plans meet what the class met', () => {
  it('adds the events a teacher sent at their seconds, a scenario event first on a shared second', () => {
    expect(withInjected(scenario, [])).toBe(scenario);
    const tie = { ...exploit, atS: scenario.events[0]!.atS };
    const events = withInjected(scenario, [exploit, tie]).events;
    expect(events).toHaveLength(scenario.events.length + 2);
    expect(events.map((e) => e.atS)).toEqual([...events.map((e) => e.atS)].sort((a, b) => a - b));
    expect(events.indexOf(tie)).toBeGreaterThan(events.indexOf(scenario.events[0]!));
    expect(scenario.events).not.toContain(exploit);
  });

  it('scores the plans with the teacher’s kernel exploit: the plan that shares kernels pays for it', () => {
    const plain = referenceScores(scenario, 7, 300);
    const exploited = referenceScores(withInjected(scenario, [exploit]), 7, 300);
    const security = (rows: typeof plain, policy: string) => rows.find((r) => r.policy === policy)!.security;
    expect(security(exploited, 'all-container')).toBeLessThan(security(plain, 'all-container'));
    // Every VM has its own kernel: nothing of the exploit reaches a neighbour.
    expect(security(exploited, 'all-vm')).toBe(security(plain, 'all-vm'));
  });
});
