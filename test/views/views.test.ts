import { describe, expect, it } from 'vitest';
import { applyView, roomStatic, standings, studentView } from '../../shared/views/index.ts';
import type { RoomHeader, StudentView } from '../../shared/views/index.ts';
import { createSimulation, reduce } from '../../shared/engine/index.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';

const room = (seq: number): RoomHeader => ({ code: 'ABCDEF', phase: 'running', timeS: seq, durationS: 600, speed: 1, locked: false, countdown: 0, seq });

describe('views: whole first, then changes', () => {
  it('takes a whole view as it is, merges later changes into it, and ignores changes before any whole view', () => {
    type V = { room: RoomHeader; a: number; b: string };
    expect(applyView<V>(null, { room: room(1), a: 2 })).toBeNull();
    const whole = applyView<V>(null, { room: room(1), a: 1, b: 'x', whole: true });
    expect(whole).toEqual({ room: room(1), a: 1, b: 'x' });
    expect(applyView<V>(whole, { room: room(2), a: 5 })).toEqual({ room: room(2), a: 5, b: 'x' });
    // A whole view after a reconnect replaces everything, fields that vanished included.
    expect(applyView<V>({ room: room(2), a: 5, b: 'x' }, { room: room(3), a: 7, b: 'y', whole: true })).toEqual({ room: room(3), a: 7, b: 'y' });
  });

  it('builds a student view from the simulation alone: own cluster, not anyone else’s', () => {
    let state = createSimulation(getScenario('tutorial')!, 3);
    for (const id of ['a', 'b']) state = reduce(state, { type: 'addCluster', clusterId: id, name: id.toUpperCase() }).state;
    state = reduce(state, { type: 'deploy', clusterId: 'a', appId: 'web', runtime: 'container', target: 'linux-1' }).state;
    const view: StudentView = studentView(state, { code: 'ABCDEF', seq: 1, standings: standings(state), you: { playerId: 'b', nickname: 'B', clusterId: 'b', teamName: null }, references: null });
    expect(view.cluster.id).toBe('b');
    expect(view.cluster.instances).toEqual([]);
    expect(view.top.map((r) => r.clusterId).sort()).toEqual(['a', 'b']);
    expect(roomStatic('ABCDEF', 'solo', state).scenario.apps.map((a) => a.id)).toEqual(['web', 'api', 'reports']);
  });
});
