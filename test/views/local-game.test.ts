import { describe, expect, it } from 'vitest';
import { FRAME_MS, GameClock, LocalGame, type FrameTimers, type ScheduledAction } from '../../client/src/lib/local-game.ts';
import { computeScore, runScenario, SOLO_CLUSTER, type PlanAction } from '../../shared/engine/index.ts';
import type { Action, PlayerAction, SimState } from '../../shared/engine/types.ts';
import { clusterOf, createSimulation } from '../../shared/engine/state.ts';
import { reduce } from '../../shared/engine/reducer.ts';
import type { PlayerActionInput } from '../../shared/protocol/index.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { expertPlan } from '../../shared/scenario/library/plans/index.ts';

const IDS = ['tutorial', 'flash-sale', 'host-failure', 'backups', 'noisy-neighbour', 'microvm-functions'];
const SEED = 2026;

const scenarioOf = (id: string) => getScenario(id)!;
const input = (planned: PlanAction): PlayerActionInput => {
  const { atS: _atS, ...action } = planned;
  return action as PlayerActionInput;
};

/** Plays a plan through the board's door: each action when the clock shows its second. */
function playPlan(game: LocalGame, plan: readonly PlanAction[], untilS = Infinity): void {
  // In runScenario's order: by second, then as written.
  const ordered = plan.map((a, i) => [a, i] as const).sort((a, b) => a[0].atS - b[0].atS || a[1] - b[1]);
  for (const [planned] of ordered) {
    if (planned.atS > untilS) break;
    while (!game.over && game.timeS < planned.atS) game.tick();
    game.act(input(planned));
  }
}

/** The first place two states differ ('' when they are the same): a readable failure instead of two whole states. */
function firstDifference(a: unknown, b: unknown, path = '$'): string {
  if (JSON.stringify(a) === JSON.stringify(b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
      if (d) return d;
    }
  }
  return `${path}: ${JSON.stringify(a)?.slice(0, 200)} vs ${JSON.stringify(b)?.slice(0, 200)}`;
}

const scoreOf = (state: SimState, clusterId: string) => computeScore(state, clusterOf(state, clusterId)!);

describe('LocalGame.solo', () => {
  it.each(IDS)('%s: playing the expert plan, then running to the end, is the server’s re-simulation of its log', (id) => {
    const scenario = scenarioOf(id);
    const plan = expertPlan(id)!;
    const game = LocalGame.solo(scenario, SEED);
    playPlan(game, plan);
    game.runToEnd();
    expect(game.over).toBe(true);
    expect(game.timeS).toBe(scenario.durationS);
    expect(game.log).toHaveLength(plan.length);

    const server = runScenario(scenario, SEED, { plan: game.log });
    expect(firstDifference(game.state, server.state)).toBe('');
    expect(scoreOf(game.state, game.clusterId)).toEqual(scoreOf(server.state, server.clusterId));
    // And the same as the plan file itself.
    expect(firstDifference(runScenario(scenario, SEED, { plan }).state, game.state)).toBe('');
  });

  it('keeps refusals out of the log, each with its code and concept, and changes nothing', () => {
    const game = LocalGame.solo(scenarioOf('tutorial'), SEED);
    const before = JSON.stringify(game.state);
    // A Windows app on a Linux kernel: the lesson of the tutorial.
    const reply = game.act({ type: 'deploy', appId: 'reports', runtime: 'container', target: 'linux-1' });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBeTruthy();
    expect(reply.error.concept).toBe('shared-kernel');
    expect(JSON.stringify(game.state)).toBe(before);
    expect(game.log).toEqual([]);
    expect(game.rejections).toHaveLength(1);
    expect(game.rejections[0]).toMatchObject({ atS: 0, code: reply.error.code, concept: 'shared-kernel' });
  });

  it('refuses a move the server’s plan schema would not keep, before the engine sees it', () => {
    const game = LocalGame.solo(scenarioOf('tutorial'), SEED);
    const reply = game.act({ type: 'createVm', hostId: 'linux-1', guestOs: 'linux', vcpu: 100_000, memoryMiB: 1024 } as PlayerActionInput);
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(game.log).toEqual([]);
  });

  it('logs an accepted move at the second it was made, with the id the engine gave it', () => {
    const game = LocalGame.solo(scenarioOf('tutorial'), SEED);
    for (let i = 0; i < 7; i++) game.tick();
    const reply = game.act({ type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1' });
    expect(reply.ok).toBe(true);
    expect(reply.ok && reply.id).toBeTruthy();
    expect(game.log).toEqual([{ type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1', atS: 7 }]);
  });

  it('refuses moves once the scenario is over, and never runs past its end', () => {
    const scenario = scenarioOf('tutorial');
    const game = LocalGame.solo(scenario, SEED);
    game.runToEnd();
    game.tick();
    expect(game.timeS).toBe(scenario.durationS);
    const reply = game.act({ type: 'ready' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'not-running' } });
  });

  it('shows the board its view', () => {
    const game = LocalGame.solo(scenarioOf('tutorial'), SEED);
    const view = game.view({ playerId: SOLO_CLUSTER, nickname: 'Ada', clusterId: SOLO_CLUSTER, teamName: null }, null);
    expect(view.room).toMatchObject({ phase: 'running', timeS: 0, durationS: 600 });
    expect(view.rank).toBe(1);
    expect(view.cluster.hosts.length).toBeGreaterThan(0);
  });
});

describe('LocalGame.resume', () => {
  it.each(['tutorial', 'backups', 'host-failure'])('%s: rebuilds the same state and log from a kept plan, mid-run and at the end', (id) => {
    const scenario = scenarioOf(id);
    const plan = expertPlan(id)!;
    const midS = Math.floor(scenario.durationS / 2);
    const game = LocalGame.solo(scenario, SEED);
    playPlan(game, plan, midS);
    while (game.timeS < midS) game.tick();

    const resumed = LocalGame.resume(scenario, SEED, game.log, game.timeS);
    expect(resumed.timeS).toBe(midS);
    expect(firstDifference(resumed.state, game.state)).toBe('');
    expect(resumed.log).toEqual(game.log);

    playPlan(game, plan.filter((a) => a.atS > midS));
    game.runToEnd();
    playPlan(resumed, plan.filter((a) => a.atS > midS));
    resumed.runToEnd();
    expect(firstDifference(resumed.state, game.state)).toBe('');
  });
});

describe('LocalGame.from', () => {
  it.each(['flash-sale', 'noisy-neighbour'])('%s: a branch from a solo run’s second with the rest of its plan scheduled ends where the run ends', (id) => {
    const scenario = scenarioOf(id);
    const plan = expertPlan(id)!;
    const atS = 200;
    const head = LocalGame.solo(scenario, SEED);
    playPlan(head, plan, atS - 1);
    while (head.timeS < atS) head.tick();
    const rest: ScheduledAction[] = plan.filter((a) => a.atS >= atS).map((a) => ({ atS: a.atS, action: { ...input(a), clusterId: SOLO_CLUSTER } as PlayerAction }));

    const branch = LocalGame.from(head.state, SOLO_CLUSTER, rest);
    branch.runToEnd();
    const original = runScenario(scenario, SEED, { plan });
    expect(firstDifference(branch.state, original.state)).toBe('');
  });

  it('a branch of a class session with the teacher’s later events (an injected spike, a pause) re-runs the original', () => {
    const scenario = scenarioOf('flash-sale');
    const timeline: ScheduledAction[] = [
      { atS: 0, action: { type: 'deploy', clusterId: 'a', appId: 'storefront', runtime: 'container', target: scenario.hosts[0]!.id } },
      { atS: 40, action: { type: 'injectEvent', event: { type: 'trafficSpike', appId: 'storefront', factor: 3, durationS: 60 } } },
      { atS: 50, action: { type: 'deploy', clusterId: 'b', appId: 'checkout', runtime: 'container', target: scenario.hosts[0]!.id } },
      { atS: 80, action: { type: 'pause' } },
      { atS: 80, action: { type: 'deploy', clusterId: 'a', appId: 'checkout', runtime: 'container', target: scenario.hosts[0]!.id } },
      { atS: 80, action: { type: 'resume' } },
      { atS: 120, action: { type: 'setSpeed', speed: 2 } },
    ];
    // The original: a room with two clusters, its actions between ticks, as the room logs them.
    let state = createSimulation(scenario, SEED);
    for (const clusterId of ['a', 'b']) state = reduce(state, { type: 'addCluster', clusterId }).state;
    state = reduce(state, { type: 'start' }).state;
    let at30: SimState | null = null;
    const apply = (a: Action) => (state = reduce(state, a).state);
    for (let t = 0; t < scenario.durationS; t++) {
      if (t === 30) at30 = state;
      for (const s of timeline) if (s.atS === t) apply(s.action);
      apply({ type: 'tick' });
    }
    const branch = LocalGame.from(at30!, 'a', timeline.filter((s) => s.atS >= 30));
    expect(branch.timeS).toBe(30);
    branch.runToEnd();
    expect(firstDifference(branch.state, state)).toBe('');
    expect(branch.over).toBe(true);
  });

  it('plays on by itself from a paused second, and acts for its own cluster', () => {
    const scenario = scenarioOf('tutorial');
    let state = createSimulation(scenario, SEED);
    state = reduce(state, { type: 'addCluster', clusterId: 'a' }).state;
    state = reduce(state, { type: 'start' }).state;
    state = reduce(state, { type: 'pause' }).state;
    const branch = LocalGame.from(state, 'a');
    expect(branch.act({ type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1' }).ok).toBe(true);
    expect(branch.log).toHaveLength(1);
    branch.runToEnd();
    expect(branch.timeS).toBe(scenario.durationS);
    expect(() => LocalGame.from(state, 'constructor')).toThrow();
  });
});

/** Hand-driven timers: a frame runs when the test says so. */
function fakeTimers() {
  let now = 0;
  let fn: (() => void) | null = null;
  const timers: FrameTimers = {
    now: () => now,
    setInterval: (f) => ((fn = f), 1),
    clearInterval: () => (fn = null),
  };
  const advance = (ms: number) => {
    for (let t = 0; t < ms; t += FRAME_MS) {
      now += FRAME_MS;
      fn?.();
    }
  };
  return { timers, advance, active: () => fn !== null };
}

describe('GameClock', () => {
  it('runs `speed` simulated seconds a real second, stands while paused, and stops at the end', () => {
    const { timers, advance, active } = fakeTimers();
    const game = LocalGame.solo(scenarioOf('tutorial'), SEED);
    let changes = 0;
    const clock = new GameClock(game, () => changes++, { speed: 2, timers });
    clock.start();
    advance(1_000);
    expect(game.timeS).toBe(2);
    clock.speed = 10;
    advance(1_000);
    expect(game.timeS).toBe(12);
    clock.pause();
    expect(clock.running).toBe(false);
    advance(5_000);
    expect(game.timeS).toBe(12);
    clock.start();
    advance(100_000);
    expect(game.timeS).toBe(600);
    expect(active()).toBe(false);
    expect(changes).toBeGreaterThan(3);
    clock.start();
    expect(clock.running).toBe(false);
  });

  it('skips to the end at once, and does nothing once disposed', () => {
    const { timers, advance } = fakeTimers();
    const game = LocalGame.solo(scenarioOf('tutorial'), SEED);
    const clock = new GameClock(game, () => {}, { timers });
    clock.start();
    advance(3_000);
    clock.skipToEnd();
    expect(game.over).toBe(true);
    const other = LocalGame.solo(scenarioOf('tutorial'), SEED);
    const disposed = new GameClock(other, () => {}, { timers });
    disposed.dispose();
    disposed.start();
    advance(2_000);
    expect(other.timeS).toBe(0);
  });
});
