import { describe, expect, it } from 'vitest';
import { SCENARIO_INPUTS, SCENARIOS, getScenario } from '../../shared/scenario/library/index.ts';
import { parseScenario } from '../../shared/scenario/parse.ts';
import { POLICIES, buildReport, runScenario } from '../../shared/engine/index.ts';
import type { Scenario } from '../../shared/scenario/schema.ts';

const SEEDS = [1, 7, 2026];

function scoreOf(scenario: Scenario, seed: number, policy: (typeof POLICIES)[number]) {
  const run = runScenario(scenario, seed, { policy });
  return buildReport(run.state, run.clusterId, run.rejections);
}

describe('the built-in scenario library', () => {
  it('has at least eleven scenarios with unique ids', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(11);
    expect(new Set(SCENARIOS.map((s) => s.id)).size).toBe(SCENARIOS.length);
  });

  it.each(SCENARIO_INPUTS.map((s) => [s.id, s] as const))('%s validates as a scenario file, also after a JSON round trip', (_id, input) => {
    const parsed = parseScenario(JSON.parse(JSON.stringify(input)));
    expect(parsed.ok ? [] : parsed.errors).toEqual([]);
  });

  it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s is a lesson: a title, a summary and a debrief of several paragraphs', (_id, s) => {
    expect(s.title.length).toBeGreaterThan(5);
    expect(s.summary.length).toBeGreaterThan(40);
    expect(s.debrief.split('\n\n').length).toBeGreaterThanOrEqual(3);
  });

  it('covers the lessons the course needs', () => {
    const has = (pred: (s: Scenario) => boolean) => SCENARIOS.filter(pred).map((s) => s.id);
    const eventOf = (type: string) => (s: Scenario) => s.events.some((e) => e.type === type);
    // Tutorial on shared kernels and OS compatibility: apps of both OSes and hosts of both OSes.
    expect(has((s) => s.apps.some((a) => a.os === 'windows') && s.hosts.some((h) => h.platform === 'windows') && s.hosts.some((h) => h.platform === 'linux'))).toContain('tutorial');
    expect(has(eventOf('trafficSpike')).length).toBeGreaterThanOrEqual(1);
    expect(has((s) => eventOf('kernelExploit')(s) && s.apps.some((a) => a.trust === 'untrusted')).length).toBeGreaterThanOrEqual(2);
    expect(has((s) => s.apps.some((a) => a.needsCustomKernel) && s.apps.some((a) => a.os === 'windows'))).toContain('lift-and-shift');
    expect(has(eventOf('patchDay'))).toContain('patch-day');
    expect(has((s) => s.budget !== undefined)).toContain('density-squeeze');
    expect(has(eventOf('hostFailure'))).toContain('host-failure');
    expect(has(eventOf('noisyNeighbour'))).toContain('noisy-neighbour');
    expect(has((s) => s.allow.runtimes.includes('microvm') && s.apps.every((a) => a.os === 'linux'))).toContain('microvm-functions');
    // Lift and shift: an app too old for any Windows container, and one on .NET Framework of another build.
    expect(has((s) => s.apps.some((a) => a.os === 'windows' && (a.windowsBuild ?? 99_999) < 14393) && s.apps.some((a) => a.dotnetFramework && a.windowsBuild !== undefined))).toContain('lift-and-shift');
    // Snapshots against volumes: stateful apps and data lost to a bad update.
    expect(has((s) => eventOf('dataLoss')(s) && s.apps.some((a) => a.stateful))).toContain('backups');
    // Seed 000's picture: customers (tenants) on bare-metal hypervisors, one running untrusted code, and an audit.
    expect(
      has(
        (s) =>
          new Set(s.apps.map((a) => a.tenant).filter(Boolean)).size >= 3 &&
          s.hosts.every((h) => h.platform === 'hypervisor') &&
          s.apps.some((a) => a.trust === 'untrusted') &&
          eventOf('kernelExploit')(s) &&
          eventOf('complianceAudit')(s),
      ),
    ).toContain('cloud-tenants');
  });

  it('finds scenarios by id', () => {
    expect(getScenario('tutorial')?.id).toBe('tutorial');
    expect(getScenario('no-such-scenario')).toBeUndefined();
  });
});

describe.each(SCENARIOS.map((s) => [s.id, s] as const))('scenario %s under the reference policies', (_id, scenario) => {
  it.each(SEEDS)('runs every policy to the end with sane numbers (seed %i)', (seed) => {
    for (const policy of POLICIES) {
      const report = scoreOf(scenario, seed, policy);
      const { total, availability, cost, security } = report.score;
      for (const n of [total, availability, cost, security, report.cost.total]) expect(Number.isFinite(n)).toBe(true);
      expect(total).toBeGreaterThanOrEqual(0);
      expect(total).toBeLessThanOrEqual(1000);
      expect(total).toBeCloseTo(availability + cost + security, 0);
      for (const app of report.apps) {
        expect(app.availability).toBeGreaterThanOrEqual(0);
        expect(app.availability).toBeLessThanOrEqual(1);
      }
      expect(report.instances.length).toBeGreaterThan(0);
    }
  });

  it.each(SEEDS)('teaches a trade-off: greedy beats all-vm or all-container (seed %i)', (seed) => {
    const [vm, container, greedy] = (['all-vm', 'all-container', 'greedy'] as const).map((p) => scoreOf(scenario, seed, p).score.total);
    expect(greedy).toBeGreaterThan(Math.min(vm!, container!));
  });
});
