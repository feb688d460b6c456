import { describe, expect, it } from 'vitest';
import { SHARED_STUDENT_FIELDS, StudentMirror, applyView, diff, roomStatic, sharedStudentView, standings, studentView, teacherView, whole } from '../../shared/views/index.ts';
import type { RoomHeader, StudentView } from '../../shared/views/index.ts';
import { createSimulation, reduce } from '../../shared/engine/index.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';

const room = (seq: number): RoomHeader => ({ code: 'ABCDEF', phase: 'running', timeS: seq, durationS: 600, speed: 1, locked: false, countdown: 0, seq });

describe('views: whole first, then changes', () => {
  it('takes a whole view as it is, merges later changes into it, and ignores changes before any whole view', () => {
    type V = { room: RoomHeader; a: number; b: string };
    expect(applyView<V>(null, { room: { timeS: 2 }, a: 2 })).toBeNull();
    const first = applyView<V>(null, whole({ room: room(1), a: 1, b: 'x' }));
    expect(first).toEqual({ room: room(1), a: 1, b: 'x' });
    expect(applyView<V>(first, diff(first, { room: room(2), a: 5, b: 'x' })!)).toEqual({ room: room(2), a: 5, b: 'x' });
    // A whole view after a reconnect replaces everything, fields that vanished included.
    expect(applyView<{ room: RoomHeader; a: number; b?: string }>({ room: room(2), a: 5, b: 'x' }, whole({ room: room(3), a: 7 }))).toEqual({ room: room(3), a: 7 });
  });

  it('splits a student view into the part the room shares and the part that is theirs, which the mirror merges back', () => {
    let state = createSimulation(getScenario('tutorial')!, 3);
    for (const id of ['a', 'b']) state = reduce(state, { type: 'addCluster', clusterId: id, name: id.toUpperCase() }).state;
    const board = standings(state);
    const view = studentView(state, { code: 'ABCDEF', seq: 4, standings: board, you: { playerId: 'a', nickname: 'A', clusterId: 'a', teamName: null }, references: null });
    const shared = sharedStudentView(state, 'ABCDEF', 4);
    expect(Object.keys(shared).sort()).toEqual([...SHARED_STUDENT_FIELDS].sort());
    const mirror = new StudentMirror();
    expect(mirror.apply('view:room', whole(shared))).toBe(false);
    const own = Object.fromEntries(Object.entries(view).filter(([k]) => !(SHARED_STUDENT_FIELDS as readonly string[]).includes(k)));
    expect(Object.keys(own)).toEqual(expect.arrayContaining(['of', 'top', 'cluster', 'score']));
    expect(mirror.apply('view:student', whole(own))).toBe(true);
    expect(mirror.view).toEqual(view);
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

describe('views: a big class', () => {
  it('gives the teacher the top 50 of the standings, with how many are ranked and ready, whatever the class’s size', () => {
    let state = createSimulation(getScenario('tutorial')!, 3);
    for (let i = 0; i < 60; i++) state = reduce(state, { type: 'addCluster', clusterId: `c${i}`, name: `C ${i}` }).state;
    for (const id of ['c3', 'c7']) state = reduce(state, { type: 'ready', clusterId: id }).state;
    const board = standings(state);
    const view = teacherView(state, { code: 'ABCDEF', seq: 1, mode: 'solo', standings: board, roster: [], teams: [], rejections: {}, banned: 0 });
    expect(view.leaderboard).toHaveLength(50);
    expect(view.leaderboard.map((r) => r.clusterId)).toEqual(board.rows.slice(0, 50).map((r) => r.clusterId));
    expect(view.ranked).toBe(60);
    expect(view.readyCount).toBe(2);
  });
});
