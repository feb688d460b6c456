import { describe, expect, it } from 'vitest';
import { Branch, actionSeconds, branchPlan, compareBranch, describeChange } from '../../client/src/lib/branch.ts';
import { ReplayTimeline, type ReplayMeta } from '../../client/src/lib/replay.ts';
import { computeScore } from '../../shared/engine/score.ts';
import { clusterOf, createSimulation } from '../../shared/engine/state.ts';
import { reduce } from '../../shared/engine/reducer.ts';
import type { Action, PlayerAction, SimState } from '../../shared/engine/types.ts';
import type { RoomLogEntry } from '../../shared/replay/log.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';

const SEED = 99;
const scenario = getScenario('untrusted-tenants')!;
const EXPLOIT_S = scenario.events.find((e) => e.type === 'kernelExploit')!.atS;
const INJECTED_S = 600;
const LATER_MOVE_S = 300;

type Move = Omit<Extract<PlayerAction, { type: 'deploy' }>, 'clusterId'>;
const deploy = (id: string, appId: string, runtime: Move['runtime'], target: string): Move => ({ type: 'deploy', id, appId, runtime, target });

/** Everything on Linux host A as containers: the exploit at 7:30 reaches Billing and the portal through the shared kernel. */
const ANA_START: readonly Move[] = [
  deploy('plugin-acme-1', 'plugin-acme', 'container', 'host-a'),
  deploy('plugin-globex-1', 'plugin-globex', 'container', 'host-a'),
  deploy('plugin-initech-1', 'plugin-initech', 'container', 'host-a'),
  deploy('billing-1', 'billing', 'container', 'host-a'),
  deploy('billing-2', 'billing', 'container', 'host-a'),
  deploy('portal-1', 'portal', 'container', 'host-a'),
  deploy('portal-2', 'portal', 'container', 'host-a'),
];

/**
 * A played session, logged as a room logs one (accepted actions only): Ana and Ben join, Ben plays
 * the plug-ins in VMs, Ana everything as containers and later removes the Acme plug-in; the
 * teacher pauses and resumes at 3:20, speeds up, and injects a second kernel exploit at 10:00.
 */
function session(): ReplayTimeline {
  const log: RoomLogEntry[] = [];
  let state = createSimulation(scenario, SEED);
  const put = (action: Action) => {
    const r = reduce(state, action);
    expect(r.rejection, `${action.type} at ${state.timeS}`).toBeNull();
    state = r.state;
    const logged = 'clusterId' in action && action.type !== 'kick' && action.type !== 'addCluster' ? { type: 'room:act' as const, playerId: action.clusterId, action: action as PlayerAction } : action;
    log.push({ seq: log.length + 1, atMs: 0, action: logged });
  };
  put({ type: 'addCluster', clusterId: 'ana', name: 'Ana' });
  put({ type: 'addCluster', clusterId: 'ben', name: 'Ben' });
  for (const m of ANA_START) put({ ...m, clusterId: 'ana' });
  put({ type: 'start' });
  while (state.phase === 'running') {
    const t = state.timeS;
    if (t === 5) {
      for (const app of ['plugin-acme', 'plugin-globex', 'plugin-initech']) put({ type: 'deploy', clusterId: 'ben', id: `${app}-1`, appId: app, runtime: 'vm', target: 'host-c' });
      for (const id of ['billing-1', 'billing-2']) put({ type: 'deploy', clusterId: 'ben', id, appId: 'billing', runtime: 'container', target: 'host-b' });
    }
    if (t === 200) {
      put({ type: 'pause' });
      put({ type: 'setSpeed', speed: 4 });
      put({ type: 'resume' });
    }
    if (t === LATER_MOVE_S) put({ type: 'remove', clusterId: 'ana', instanceId: 'plugin-acme-1' });
    if (t === INJECTED_S) put({ type: 'injectEvent', event: { type: 'kernelExploit', os: 'linux' } });
    put({ type: 'tick' });
  }
  const meta: ReplayMeta = { code: 'ABC123', mode: 'solo', seed: SEED, scenario, createdAtMs: 0, replayId: 'r1' };
  return new ReplayTimeline(meta, log);
}

/** Freezes a state all the way down: the engine writing into the timeline's state would throw. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const scoreOf = (state: SimState, id: string) => computeScore(state, clusterOf(state, id)!);

describe('branchPlan', () => {
  it('gives each logged action the second it was applied at', () => {
    const actions: Action[] = [{ type: 'start' }, { type: 'tick' }, { type: 'injectEvent', event: { type: 'complianceAudit' } }, { type: 'tick' }, { type: 'tick' }, { type: 'end' }];
    expect(actionSeconds(actions, 3)).toEqual([0, 0, 1, 1, 2, 3]);
    // A log that starts from a snapshot at second 100.
    expect(actionSeconds(actions, 103)).toEqual([100, 100, 101, 101, 102, 103]);
  });

  it('schedules the later teacher actions and moves, never ticks, pauses or what is already in the state', () => {
    const timeline = session();
    const keep = branchPlan(timeline.stateAt(100), 'ana', timeline, true);
    expect(keep.fromS).toBe(100);
    expect(keep.endS).toBe(scenario.durationS);
    expect(keep.steps.every((s) => s.atS > 100)).toBe(true);
    expect(keep.steps.map((s) => s.action.type)).toEqual(['setSpeed', 'remove', 'injectEvent']);
    expect(keep.steps.find((s) => s.action.type === 'remove')).toMatchObject({ atS: LATER_MOVE_S, own: true });
    expect(keep.steps.find((s) => s.action.type === 'injectEvent')).toMatchObject({ atS: INJECTED_S, own: false });

    const drop = branchPlan(timeline.stateAt(100), 'ana', timeline, false);
    expect(drop.steps.map((s) => s.action.type)).toEqual(['setSpeed', 'injectEvent']);
    // Ben's moves at 0:05 are in the state at 0:10 already, not scheduled again.
    expect(branchPlan(timeline.stateAt(10), 'ben', timeline, true).steps.map((s) => s.action.type)).toEqual(['setSpeed', 'remove', 'injectEvent']);
    expect(branchPlan(timeline.stateAt(4), 'ben', timeline, true).steps.filter((s) => s.own)).toHaveLength(5);
  });

  it('ends a branch where an original that never ended stopped', () => {
    const timeline = session();
    const cut = { actions: timeline.actions.slice(0, timeline.actions.findIndex((a, i) => a.type === 'tick' && actionSeconds(timeline.actions, timeline.durationS)[i] === 500)), final: timeline.stateAt(500) };
    expect(cut.final.phase).toBe('running');
    const branch = new Branch(branchPlan(timeline.stateAt(100), 'ana', cut, true));
    branch.runToEnd();
    expect(branch.over).toBe(true);
    expect(branch.timeS).toBe(500);
    expect(clusterOf(branch.state, 'ana')).toEqual(clusterOf(timeline.stateAt(500), 'ana'));
  });
});

describe('Branch', () => {
  it('with no changes and the later moves kept, ends exactly where the original did', () => {
    const timeline = session();
    for (const from of [0, 100, 450, 899]) {
      const start = deepFreeze(timeline.stateAt(from));
      const before = JSON.stringify(start);
      const branch = new Branch(branchPlan(start, 'ana', timeline, true));
      branch.runToEnd();
      expect(branch.over).toBe(true);
      expect(branch.refused).toEqual([]);
      // The whole room, not only Ana's cluster: the class's moves and the teacher's were replayed too.
      expect(JSON.stringify(branch.state), `from ${from}`).toBe(JSON.stringify(timeline.final));
      expect(scoreOf(branch.state, 'ana')).toEqual(scoreOf(timeline.final, 'ana'));
      expect(JSON.stringify(start)).toBe(before);
      const same = compareBranch('ana', from, timeline.final, branch.state);
      expect(same.delta).toEqual({ total: 0, availability: 0, cost: 0, security: 0 });
      expect(same.incidents).toEqual([]);
    }
  });

  it('plug-ins moved into VMs before the exploit: it no longer breaches Billing, security and the total go up, the kept move that no longer fits is listed', () => {
    const timeline = session();
    const original = clusterOf(timeline.final, 'ana')!;
    expect(original.incidents.some((i) => i.type === 'kernelExploit' && i.atS === EXPLOIT_S && i.appIds.includes('billing')), 'the original was breached').toBe(true);

    const branch = new Branch(branchPlan(deepFreeze(timeline.stateAt(120)), 'ana', timeline, true));
    for (const id of ['plugin-acme-1', 'plugin-globex-1', 'plugin-initech-1']) expect(branch.act({ type: 'remove', instanceId: id })).toEqual({ ok: true });
    for (const app of ['plugin-acme', 'plugin-globex', 'plugin-initech']) expect(branch.act({ type: 'deploy', id: `${app}-vm`, appId: app, runtime: 'vm', target: 'host-c' })).toMatchObject({ ok: true });
    expect(branch.changes).toHaveLength(6);
    branch.runToEnd();

    // Ana's own "remove plugin-acme-1" at 5:00 finds nothing to remove now: listed, and the branch went on.
    expect(branch.refused).toHaveLength(1);
    expect(branch.refused[0]).toMatchObject({ atS: LATER_MOVE_S, action: { type: 'remove', instanceId: 'plugin-acme-1' } });
    expect(branch.timeS).toBe(scenario.durationS);

    const c = compareBranch('ana', 120, timeline.final, branch.state);
    expect(c.branch).toEqual(scoreOf(branch.state, 'ana'));
    expect(c.original).toEqual(scoreOf(timeline.final, 'ana'));
    expect(c.delta.security).toBeGreaterThan(0);
    expect(c.delta.total).toBeGreaterThan(0);
    expect(c.delta.total).toBeCloseTo(c.branch.total - c.original.total, 9);
    const exploit = c.incidents.find((i) => i.type === 'kernelExploit' && i.atS === EXPLOIT_S)!;
    expect(exploit).toBeDefined();
    expect(exploit.original.flatMap((s) => s.incident.appIds)).toContain('billing');
    expect(exploit.original.reduce((sum, s) => sum + s.points, 0)).toBeLessThan(0);
    expect(exploit.branch.flatMap((s) => s.incident.appIds)).toEqual([]);
    const names = new Map(scenario.apps.map((a) => [a.id, a.name]));
    expect(describeChange(exploit, 'Kernel exploit', '7:30', (id) => names.get(id) ?? id)).toMatch(/^Kernel exploit at 7:30 no longer breached .*Billing/);
    // Ben's cluster was not touched by Ana's what-if.
    expect(clusterOf(branch.state, 'ben')).toEqual(clusterOf(timeline.final, 'ben'));
  });

  it('the teacher’s injected event after the branch second still happens, with the later moves dropped too', () => {
    const timeline = session();
    const branch = new Branch(branchPlan(timeline.stateAt(250), 'ana', timeline, false));
    branch.runToEnd();
    const injected = branch.state.fired.filter((f) => f.source === 'teacher');
    expect(injected).toHaveLength(1);
    expect(injected[0]).toMatchObject({ atS: INJECTED_S, event: { type: 'kernelExploit' } });
    // Ana's cluster was all breached at 7:30 already; Ben's VMs hold it off again, as in the original.
    const held = (s: SimState) => clusterOf(s, 'ben')!.incidents.filter((i) => i.type === 'kernelExploit' && i.atS === INJECTED_S);
    expect(held(branch.state)).toHaveLength(1);
    expect(held(branch.state)).toEqual(held(timeline.final));
    // Dropped: Ana's removal at 5:00 did not happen, so the Acme plug-in is still there.
    expect(clusterOf(branch.state, 'ana')!.instances.some((i) => i.id === 'plugin-acme-1')).toBe(true);
    expect(clusterOf(timeline.final, 'ana')!.instances.some((i) => i.id === 'plugin-acme-1')).toBe(false);
    expect(branch.refused).toEqual([]);
    // The teacher's pace change came too.
    expect(branch.state.speed).toBe(4);
  });
});
