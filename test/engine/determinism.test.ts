import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Action, SimState } from '../../shared/engine/index.ts';
import { POLICIES, buildReport, createSimulation, policyStep, reduce, runScenario } from '../../shared/engine/index.ts';
import { SCENARIOS } from '../../shared/scenario/library/index.ts';

/** A few minutes of a busy room: two clusters, a policy each, teacher events, every second. */
function busyRoom(seed: number): { state: SimState; demand: number[][] } {
  const scenario = SCENARIOS[0]!;
  let state = createSimulation(scenario, seed);
  const log: Action[] = [{ type: 'addCluster', clusterId: 'x' }, { type: 'addCluster', clusterId: 'y' }, { type: 'start' }];
  for (const a of log) state = reduce(state, a).state;
  const demand: number[][] = [];
  for (let t = 0; t < 240; t++) {
    if (t === 30) state = reduce(state, { type: 'injectEvent', event: { type: 'kernelExploit', os: 'linux' } }).state;
    if (t === 60) state = reduce(state, { type: 'injectEvent', event: { type: 'hostFailure', hostId: scenario.hosts[0]!.id } }).state;
    if (t === 90) state = reduce(state, { type: 'injectEvent', event: { type: 'patchDay', os: 'linux' } }).state;
    // policyStep is what runScenario uses; here two policies share one room.
    state = runPolicy(state, 'x', 'greedy');
    state = runPolicy(state, 'y', 'all-container');
    state = reduce(state, { type: 'tick' }).state;
    demand.push([...state.demand]);
  }
  return { state, demand };
}

const runPolicy = (state: SimState, clusterId: string, policy: (typeof POLICIES)[number]): SimState => policyStep(state, clusterId, policy).state;

describe('determinism: same scenario, seed and actions give the same bytes', () => {
  it('gives byte-identical states for the same seed and actions', () => {
    const a = busyRoom(7);
    const b = busyRoom(7);
    expect(JSON.stringify(b.state)).toBe(JSON.stringify(a.state));
    expect(b.state).toEqual(a.state);
  });

  it('gives byte-identical reports for every built-in scenario under every policy', () => {
    for (const scenario of SCENARIOS) {
      for (const policy of POLICIES) {
        const first = runScenario(scenario, 2026, { policy });
        const second = runScenario(scenario, 2026, { policy });
        expect(JSON.stringify(second.state), `${scenario.id}/${policy}`).toBe(JSON.stringify(first.state));
        expect(JSON.stringify(buildReport(second.state, second.clusterId, second.rejections))).toBe(JSON.stringify(buildReport(first.state, first.clusterId, first.rejections)));
      }
    }
  });

  it('draws a different demand series from a different seed, and the same one from the same seed', () => {
    const one = busyRoom(1).demand;
    const two = busyRoom(2).demand;
    expect(busyRoom(1).demand).toEqual(one);
    expect(two).not.toEqual(one);
    // Every second differs, not just the first draw.
    const differing = one.filter((row, t) => row.some((d, i) => d !== two[t]![i])).length;
    expect(differing).toBe(one.length);
  });

  it('keeps demand within its jitter around the scenario’s figure', () => {
    const { state } = busyRoom(3);
    const jitter = state.physics.demandJitter;
    state.scenario.apps.forEach((app, i) => {
      const d = state.demand[i]!;
      const spikes = state.effects.filter((e) => e.type === 'trafficSpike' && e.appId === app.id).reduce((f, e) => f * e.factor, 1);
      expect(d).toBeGreaterThanOrEqual(app.demand * spikes * (1 - jitter) - 1e-9);
      expect(d).toBeLessThanOrEqual(app.demand * spikes * (1 + jitter) + 1e-9);
    });
  });
});

describe('determinism: the engine reads no clock and no ambient randomness', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  it('runs whole scenarios with Math.random, Date and crypto randomness all throwing', () => {
    // Warm up lazily initialised modules first, so only the engine's own code runs under the trap.
    const expected = SCENARIOS.map((s) => JSON.stringify(runScenario(s, 11, { policy: 'greedy' }).state));
    const expectedRoom = JSON.stringify(busyRoom(5).state);

    const trap = (what: string) => () => {
      throw new Error(`the engine called ${what}`);
    };
    const RealDate = Date;
    vi.spyOn(Math, 'random').mockImplementation(trap('Math.random'));
    vi.spyOn(RealDate, 'now').mockImplementation(trap('Date.now'));
    vi.spyOn(performance, 'now').mockImplementation(trap('performance.now'));
    vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(trap('crypto.getRandomValues'));
    vi.spyOn(globalThis.crypto, 'randomUUID').mockImplementation(trap('crypto.randomUUID'));
    vi.stubGlobal(
      'Date',
      new Proxy(RealDate, {
        construct: trap('new Date()'),
        apply: trap('Date()'),
      }),
    );

    let got: string[];
    let gotRoom: string;
    try {
      // The traps are live: anything that reads them now fails loudly.
      expect(() => Math.random()).toThrow(/Math.random/);
      expect(() => new Date()).toThrow(/new Date/);
      expect(() => Date.now()).toThrow(/Date.now/);
      got = SCENARIOS.map((s) => JSON.stringify(runScenario(s, 11, { policy: 'greedy' }).state));
      gotRoom = JSON.stringify(busyRoom(5).state);
    } finally {
      vi.restoreAllMocks();
      vi.unstubAllGlobals();
    }
    expect(got).toEqual(expected);
    expect(gotRoom).toBe(expectedRoom);
  });

  it('does not mutate the state it is given', () => {
    const { state } = busyRoom(9);
    const frozen = JSON.stringify(state);
    const deepFreeze = (o: unknown): void => {
      if (o && typeof o === 'object' && !Object.isFrozen(o)) {
        Object.freeze(o);
        for (const v of Object.values(o)) deepFreeze(v);
      }
    };
    deepFreeze(state);
    let s = reduce(state, { type: 'resume' }).state;
    s = reduce(s, { type: 'injectEvent', event: { type: 'complianceAudit' } }).state;
    for (let i = 0; i < 5; i++) s = policyStep(s, 'x', 'greedy').state;
    s = reduce(s, { type: 'tick' }).state;
    expect(s.timeS).toBe(state.timeS + 1);
    expect(JSON.stringify(state)).toBe(frozen);
  });
});
