import { describe, expect, it } from 'vitest';
import type { SimState } from '../../shared/engine/index.ts';
import { DEFAULT_PHYSICS, POLICIES, buildReport, computeScore, runScenario } from '../../shared/engine/index.ts';
import type { PlanAction } from '../../shared/engine/index.ts';
import { SCENARIOS } from '../../shared/scenario/library/index.ts';
import { all, cluster, deploy, inject, linuxApp, linuxHost, ok, running, scenario, ticks } from './helpers.ts';

const W = DEFAULT_PHYSICS.scoreWeights;
const s = scenario({
  hosts: [linuxHost('h1'), linuxHost('h2')],
  apps: [linuxApp('web', { demand: 100, replicas: 1, imageMiB: 10 }), linuxApp('api', { demand: 50, replicas: 1, imageMiB: 10, data: 'regulated' }), linuxApp('bad', { trust: 'untrusted', imageMiB: 10 })],
});
const score = (state: SimState) => computeScore(state, cluster(state));

function expectConsistent(state: SimState): void {
  const sc = score(state);
  for (const x of [sc.total, sc.availability, sc.cost, sc.security, sc.served, sc.spend, sc.budget]) expect(Number.isFinite(x)).toBe(true);
  expect(sc.total).toBeGreaterThanOrEqual(0);
  expect(sc.total).toBeLessThanOrEqual(W.availability + W.cost + W.security);
  expect(sc.total).toBeCloseTo(sc.availability + sc.cost + sc.security, 9);
  expect(sc.apps.reduce((sum, a) => sum + a.points, 0)).toBeCloseTo(sc.availability, 9);
  for (const a of sc.apps) expect(a.availability).toBeGreaterThanOrEqual(0);
  for (const a of sc.apps) expect(a.availability).toBeLessThanOrEqual(1);
}

describe('score: availability, cost and security, per app and per incident', () => {
  it('scores zero before the clock has run', () => {
    const sc = score(running(s));
    expect(sc.total).toBe(0);
    expectConsistent(running(s));
  });

  it('scores nothing at all for placing nothing, however long it runs', () => {
    const state = ticks(running(s), 120);
    const sc = score(state);
    expect(sc).toMatchObject({ total: 0, availability: 0, cost: 0, security: 0, served: 0, spend: 0 });
    expect(sc.apps.every((a) => a.points === 0)).toBe(true);
  });

  it('counts an app without demand as available only while something of it is up', () => {
    const idle = scenario({ hosts: [linuxHost('h1')], apps: [linuxApp('standby', { demand: 0, imageMiB: 10 })] });
    expect(score(ticks(running(idle), 20)).total).toBe(0);
    const placed = ticks(ok(running(idle), deploy('standby', 'container', 'h1')), 20);
    expect(score(placed).apps[0]!.availability).toBeGreaterThan(0.9);
  });

  it('scores near full marks for serving every app from the start within budget', () => {
    const state = ticks(all(running(s), [deploy('web', 'container', 'h1'), deploy('api', 'container', 'h1'), deploy('bad', 'microvm', 'h2')]), 300);
    const sc = score(state);
    expect(sc.served).toBeGreaterThan(0.99);
    expect(sc.availability).toBeGreaterThan(0.99 * W.availability);
    expect(sc.security).toBeCloseTo(W.security * sc.served, 9);
    expectConsistent(state);
  });

  it('splits availability points per app, summing to the availability score', () => {
    const state = ticks(ok(running(s), deploy('web', 'container', 'h1')), 100);
    const sc = score(state);
    expect(sc.apps.map((a) => a.appId)).toEqual(['web', 'api', 'bad']);
    // Served from second 1 on (second 0 pulls the image), with 25 % headroom over demand.
    expect(sc.apps[0]!.availability).toBeCloseTo(99 / 100, 9);
    expect(sc.apps[0]!.points).toBeCloseTo((W.availability / 3) * (99 / 100), 6);
    expect(sc.apps[1]!.points).toBe(0);
    expectConsistent(state);
  });

  it('lists each costly incident with its negative points', () => {
    let state = ticks(all(running(s), [deploy('web', 'container', 'h1'), deploy('api', 'container', 'h1'), deploy('bad', 'container', 'h1')]), 30);
    state = ticks(ok(state, inject({ type: 'kernelExploit', os: 'linux' })), 1);
    state = ticks(ok(state, inject({ type: 'complianceAudit' })), 1);
    const sc = score(state);
    expect(sc.incidents).toHaveLength(2);
    for (const inc of sc.incidents) expect(inc.points).toBeLessThan(0);
    expect(sc.security).toBeLessThan(W.security * sc.served);
    expect(W.security * sc.served + sc.incidents.reduce((sum, i) => sum + i.points, 0)).toBeCloseTo(sc.security, 6);
    expectConsistent(state);
  });

  it('stays finite and in range for every built-in scenario under every policy', () => {
    for (const sc of SCENARIOS) {
      for (const policy of POLICIES) {
        const { state, clusterId } = runScenario(sc, 42, { policy });
        const result = computeScore(state, state.clusters[clusterId]!);
        expect(Number.isFinite(result.total), `${sc.id}/${policy}`).toBe(true);
        expect(result.total).toBeGreaterThan(0);
        expect(result.total).toBeLessThanOrEqual(W.availability + W.cost + W.security);
        expect(result.apps.reduce((sum, a) => sum + a.points, 0)).toBeCloseTo(result.availability, 6);
      }
    }
  });
});

describe('score: an outage costs more than the host that would have prevented it', () => {
  // Two replicas of one app and a budget for about one host. Host h1 fails a minute before the end:
  // stacked on h1, the app is down for that minute; spread over h1 and h2, one replica serves on,
  // but the second host nearly doubles the bill (1.75 times the budget).
  const example = (physics?: Parameters<typeof scenario>[0]['physics']) =>
    scenario({
      hosts: [linuxHost('h1'), linuxHost('h2')],
      apps: [linuxApp('web', { replicas: 2, demand: 100 })],
      events: [{ atS: 540, type: 'hostFailure', hostId: 'h1' }],
      budget: 6.5,
      ...(physics ? { physics } : {}),
    });
  const on = (hosts: [string, string]): PlanAction[] => hosts.map((target) => ({ atS: 0, type: 'deploy', appId: 'web', runtime: 'container', target }));
  const report = (s: ReturnType<typeof example>, plan: PlanAction[]) => {
    const run = runScenario(s, 1, { plan });
    return buildReport(run.state, run.clusterId, run.rejections);
  };

  it('ranks the spread plan (availability 0.96) above everything stacked on one host (0.90)', () => {
    const spread = report(example(), on(['h1', 'h2']));
    const stacked = report(example(), on(['h1', 'h1']));
    expect(spread.apps[0]!.availability).toBeGreaterThan(0.95);
    expect(stacked.apps[0]!.availability).toBeLessThan(0.9);
    expect(spread.cost.total / spread.cost.budget).toBeGreaterThan(1.7);
    expect(stacked.cost.total).toBeLessThan(stacked.cost.budget);
    // 905 against 897 with the default weights (600/150/250, cost points gone at 3× the budget).
    expect(spread.score.total).toBeGreaterThan(stacked.score.total);
  });

  it('ranked them the other way round with the old weights (500/200/300, nothing left at 2× the budget): 814 against 897', () => {
    const old = example({ scoreWeights: { availability: 500, cost: 200, security: 300 }, costZeroAtBudgets: 2 });
    const spread = report(old, on(['h1', 'h2'])).score.total;
    const stacked = report(old, on(['h1', 'h1'])).score.total;
    expect(spread).toBeCloseTo(814.4, 0);
    expect(stacked).toBeCloseTo(896.7, 0);
  });

  it('keeps cost points full within budget, falling in a straight line to none at costZeroAtBudgets times it', () => {
    const s = example();
    const state = running(s);
    const c = cluster(state);
    const at = (spend: number) => {
      const ticked = { ...c, tally: { ...c.tally, ticks: s.durationS, served: [s.durationS], spend: { hosts: spend, licences: 0, patching: 0 } } };
      return computeScore(state, ticked).cost;
    };
    const budget = s.budget!;
    expect(at(budget)).toBeCloseTo(W.cost, 9);
    expect(at(2 * budget)).toBeCloseTo(W.cost / 2, 9);
    expect(at(DEFAULT_PHYSICS.costZeroAtBudgets * budget)).toBe(0);
  });
});
