import { describe, expect, it } from 'vitest';
import type { Action, SimState } from '../../shared/engine/types.ts';
import { createSimulation, reduce } from '../../shared/engine/index.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { SpikeWatch, bannersWithImpact, projectorView, standings, studentView, teacherView } from '../../shared/views/index.ts';

function run(state: SimState, ...actions: Action[]): SimState {
  for (const action of actions) {
    const r = reduce(state, action);
    if (r.rejection) throw new Error(`${action.type} refused: ${r.rejection.message}`);
    state = r.state;
  }
  return state;
}

const ticks = (n: number): Action[] => Array.from({ length: n }, () => ({ type: 'tick' }) as const);

describe('event impact: what each event did to the class so far', () => {
  it('counts the clusters a kernel exploit breached, of those on the board', () => {
    let s = createSimulation(getScenario('untrusted-tenants')!, 1);
    s = run(
      s,
      { type: 'addCluster', clusterId: 'a', name: 'A' },
      { type: 'addCluster', clusterId: 'b', name: 'B' },
      { type: 'addCluster', clusterId: 'c', name: 'C' },
      // A shares host A's kernel between an untrusted plug-in and billing: the exploit reaches billing.
      { type: 'deploy', clusterId: 'a', appId: 'plugin-acme', runtime: 'container', target: 'host-a' },
      { type: 'deploy', clusterId: 'a', appId: 'billing', runtime: 'container', target: 'host-a' },
      // B runs only trusted code on its kernel: nothing to escape from.
      { type: 'deploy', clusterId: 'b', appId: 'billing', runtime: 'container', target: 'host-a' },
      { type: 'start' },
      ...ticks(20),
      { type: 'injectEvent', event: { type: 'kernelExploit', os: 'linux' } },
      ...ticks(1),
    );
    const board = standings(s);
    const [banner] = bannersWithImpact(s, board);
    expect(banner!.type).toBe('kernelExploit');
    expect(banner!.impact).toEqual({ affected: 1, of: 3, text: '1 of 3 clusters breached' });
    // Only the clusters on the board count: a filtered board (team mode's seated teams) is the whole class.
    const some = standings(s, (id) => id !== 'a');
    expect(bannersWithImpact(s, some)[0]!.impact).toEqual({ affected: 0, of: 2, text: '0 of 2 clusters breached' });
  });

  it('counts the clusters a traffic spike overloaded, from the seconds the room watched, and keeps the count after it', () => {
    let s = createSimulation(getScenario('tutorial')!, 3);
    const deploys: Action[] = [];
    for (let i = 0; i < 6; i++) deploys.push({ type: 'deploy', clusterId: 'ready', appId: 'web', runtime: 'container', target: i % 2 ? 'linux-1' : 'linux-2' });
    s = run(s, { type: 'addCluster', clusterId: 'ready', name: 'Ready' }, { type: 'addCluster', clusterId: 'bare', name: 'Bare' }, ...deploys, { type: 'start' }, ...ticks(30));
    s = run(s, { type: 'injectEvent', event: { type: 'trafficSpike', appId: 'web', factor: 2, durationS: 20 } });
    const watch = new SpikeWatch();
    for (let i = 0; i < 40; i++) {
      const next = run(s, { type: 'tick' });
      watch.observe(s, next);
      s = next;
    }
    expect(s.effects).toEqual([]);
    const banner = bannersWithImpact(s, standings(s), watch.seen).find((b) => b.type === 'trafficSpike' && b.source === 'teacher')!;
    expect(banner.impact).toEqual({ affected: 1, of: 2, text: '1 of 2 clusters overloaded' });
  });

  it('says "1 cluster" for a class of one, and puts the impact in teacher and projector views only', () => {
    let s = createSimulation(getScenario('tutorial')!, 3);
    s = run(s, { type: 'addCluster', clusterId: 'solo', name: 'Solo' }, { type: 'deploy', clusterId: 'solo', appId: 'web', runtime: 'container', target: 'linux-1' }, { type: 'start' }, ...ticks(10));
    s = run(s, { type: 'injectEvent', event: { type: 'hostFailure', hostId: 'linux-1' } }, ...ticks(1));
    const board = standings(s);
    const withImpact = bannersWithImpact(s, board);
    expect(withImpact[0]!.impact?.text).toBe('1 of 1 cluster lost running apps');
    const teacher = teacherView(s, { code: 'ABCDEF', seq: 1, mode: 'solo', standings: board, roster: [], teams: [], rejections: {}, banned: 0, banners: withImpact });
    expect(teacher.banners[0]!.impact?.affected).toBe(1);
    const projector = projectorView(s, { code: 'ABCDEF', seq: 1, standings: board, names: ['Solo'], banners: withImpact });
    expect(projector.banners[0]!.impact?.affected).toBe(1);
    const student = studentView(s, { code: 'ABCDEF', seq: 1, standings: board, you: { playerId: 'solo', nickname: 'Solo', clusterId: 'solo', teamName: null }, references: null });
    expect(student.banners[0]).not.toHaveProperty('impact');
  });
});

describe('projector view', () => {
  it('shows the first ten rows of any class and counts the rest', () => {
    let s = createSimulation(getScenario('tutorial')!, 3);
    for (let i = 0; i < 28; i++) s = run(s, { type: 'addCluster', clusterId: `p${i}`, name: `Player ${i}` });
    const view = projectorView(s, { code: 'ABCDEF', seq: 1, mode: 'solo', standings: standings(s), names: [] });
    expect(view.top).toHaveLength(10);
    expect(view.others).toBe(18);
    expect(view.mode).toBe('solo');
    expect(view.teams).toEqual([]);
    expect(view.mostMissed).toBeNull();
    expect(view.references).toBeNull();
  });
});
