import { describe, expect, it } from 'vitest';
import { DEFAULT_PHYSICS, computeScore, createSimulation } from '../../../shared/engine/index.ts';
import { C, all, bareMetal, cluster, createVm, deploy, linuxApp, linuxHost, ok, running, scenario, ticks, windowsApp, windowsHost } from '../helpers.ts';

const P = DEFAULT_PHYSICS;
const LIN_COST = 36;
const WIN_COST = 72;
const s = scenario({
  hosts: [linuxHost('h1', { costPerHour: LIN_COST }), linuxHost('h2', { costPerHour: LIN_COST }), windowsHost('win', { costPerHour: WIN_COST, cpu: 8 }), bareMetal('metal', { costPerHour: LIN_COST })],
  apps: [linuxApp('web', { imageMiB: 10 }), windowsApp('erp', { imageMiB: 10 })],
  durationS: 3600,
});
const perSecond = (perHour: number) => perHour / 3600;

describe('rule 10: each running host costs money every tick; Windows carries a licence (cost)', () => {
  it('costs nothing while nothing is placed: empty hosts are off', () => {
    const state = ticks(running(s), 100);
    expect(cluster(state).tally.spend).toEqual({ hosts: 0, licences: 0, patching: 0 });
  });

  it('charges a powered host every tick and leaves the empty ones free', () => {
    const state = ticks(ok(running(s), deploy('web', 'container', 'h1')), 100);
    expect(cluster(state).tally.spend.hosts).toBeCloseTo(100 * perSecond(LIN_COST), 9);
    expect(cluster(state).tally.spend.licences).toBe(0);
  });

  it('charges a host that holds only an idle VM: the reservation keeps it on', () => {
    const state = ticks(ok(running(s), createVm('idle', 'metal', 'linux', 2048)), 10);
    expect(cluster(state).tally.spend.hosts).toBeCloseTo(10 * perSecond(LIN_COST), 9);
  });

  it('charges two hosts twice as much as one', () => {
    const one = ticks(all(running(s), [deploy('web', 'container', 'h1'), deploy('web', 'container', 'h1')]), 50);
    const two = ticks(all(running(s), [deploy('web', 'container', 'h1'), deploy('web', 'container', 'h2')]), 50);
    expect(cluster(two).tally.spend.hosts).toBeCloseTo(2 * cluster(one).tally.spend.hosts, 9);
  });

  it('charges a Windows host licence per core', () => {
    const state = ticks(ok(running(s), deploy('erp', 'container', 'win')), 10);
    expect(cluster(state).tally.spend.hosts).toBeCloseTo(10 * perSecond(WIN_COST), 9);
    expect(cluster(state).tally.spend.licences).toBeCloseTo(10 * 8 * perSecond(P.windowsLicencePerCoreHour), 9);
  });

  it('covers Windows guests with the licence of a Windows host, which pays for all its cores', () => {
    const state = ticks(ok(running(s), createVm('w', 'win', 'windows', 4096, 4)), 10);
    expect(cluster(state).tally.spend.licences).toBeCloseTo(10 * 8 * perSecond(P.windowsLicencePerCoreHour), 9);
  });

  it('tells the player once, with concept cost, when spending runs well over budget', () => {
    // Every host switched on, against a budget meant for a fraction of them.
    const all4 = all(running(s), [deploy('web', 'container', 'h1'), deploy('web', 'container', 'h2'), deploy('erp', 'container', 'win'), deploy('web', 'vm', 'metal')]);
    const state = ticks(all4, 300);
    const warnings = cluster(state).incidents.filter((i) => i.type === 'overBudget');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.concept).toBe('cost');
    expect(warnings[0]!.atS).toBeGreaterThanOrEqual(59);
    expect(warnings[0]!.message).toMatch(/budget.*4 hosts/);
    const frugal = ticks(ok(running(s), deploy('web', 'container', 'h1')), 300);
    expect(cluster(frugal).incidents.some((i) => i.type === 'overBudget')).toBe(false);
  });

  it('charges a Windows guest licence per vCPU, on any host that is not itself licensed for Windows', () => {
    const state = ticks(ok(running(s), createVm('w', 'metal', 'windows', 4096, 4)), 10);
    expect(cluster(state).tally.spend.licences).toBeCloseTo(10 * 4 * perSecond(P.windowsLicencePerCoreHour), 9);
    const linux = ticks(ok(running(s), createVm('l', 'metal', 'linux', 4096, 4)), 10);
    expect(cluster(linux).tally.spend.licences).toBe(0);
  });

  it('stops charging once the host is emptied', () => {
    let state = ticks(ok(running(s), deploy('web', 'container', 'h1', 'only')), 10);
    state = ticks(ok(state, { type: 'remove', clusterId: C, instanceId: 'only' }), 10);
    expect(cluster(state).tally.spend.hosts).toBeCloseTo(10 * perSecond(LIN_COST), 9);
  });

  it('sets a default budget as a share of running every host for the whole scenario', () => {
    const state = createSimulation(s, 1);
    const all4 = 3 * LIN_COST + WIN_COST;
    expect(state.budget).toBeCloseTo(all4 * (3600 / 3600) * P.defaultBudgetShare, 9);
    const explicit = scenario({ hosts: [linuxHost('h')], apps: [linuxApp('a')], budget: 5 });
    expect(createSimulation(explicit, 1).budget).toBe(5);
  });

  it('scores full cost points within budget and fewer beyond it', () => {
    const cheap = ticks(ok(running(s), deploy('web', 'container', 'h1')), 60);
    const dear = ticks(
      all(running(s), [deploy('web', 'container', 'h1'), deploy('web', 'container', 'h2'), deploy('erp', 'container', 'win'), createVm('w', 'metal', 'windows', 8192, 8)]),
      60,
    );
    const a = computeScore(cheap, cluster(cheap));
    const b = computeScore(dear, cluster(dear));
    expect(a.spend).toBeLessThanOrEqual(a.budget);
    expect(a.cost).toBeCloseTo(P.scoreWeights.cost * a.served, 9);
    expect(b.spend).toBeGreaterThan(b.budget);
    expect(b.cost).toBeLessThan(P.scoreWeights.cost * b.served);
  });
});
