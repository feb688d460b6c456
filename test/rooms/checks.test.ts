import { describe, expect, it } from 'vitest';
import type { Ack } from '../../shared/protocol/index.ts';
import type { Mode, ProjectorView, StudentView, TeacherView } from '../../shared/views/index.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { Room } from '../../server/rooms/room.ts';
import { InMemoryRoomStore } from '../../server/storage/store.ts';
import { InlineReferenceRunner } from '../../server/references/index.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { MemoryTransport } from '../support/memory-transport.ts';
import { conceptGains, pickCheck, type CheckStage, type Question } from '../../shared/learning/index.ts';
import { answersInLog } from '../../shared/learning/from-log.ts';

const references = new InlineReferenceRunner();
const HOST = 'host-token-0123456789';
const CODE = 'CHECKS';
const SEED = 7;
const scenario = getScenario('tutorial')!;

async function makeRoom(options: { checks?: boolean; mode?: Mode } = {}) {
  const clock = new FakeClock();
  const transport = new MemoryTransport();
  const store = new InMemoryRoomStore();
  const deps = { clock, transport, store, references, countdownS: 0 };
  const room = await Room.open({ code: CODE, hostToken: HOST, mode: options.mode ?? 'solo', seed: SEED, scenario, createdAtMs: clock.now(), replayId: 'replay-abc', ...(options.checks === false ? {} : { checks: true }) }, deps);
  expectOk(await room.attachHost('teacher', 'teacher', HOST));
  const join = async (conn: string, nickname: string) => expectOk(await room.join(conn, { nickname }));
  const flush = async () => {
    await room.settled();
    await clock.advance(1100);
  };
  return {
    room,
    clock,
    store,
    deps,
    join,
    flush,
    student: (conn: string) => transport.last(conn, 'view:student') as StudentView,
    teacherView: () => transport.last('teacher', 'view:teacher') as TeacherView,
    projectorView: (conn = 'wall') => transport.last(conn, 'view:projector') as ProjectorView,
    transport,
  };
}

function expectOk<T extends object>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`expected ok, got ${ack.error.code}: ${ack.error.message}`);
  return ack;
}
function codeOf(ack: Ack<object>): string {
  return ack.ok ? 'ok' : ack.error.code;
}

const check = (stage: CheckStage): Question[] => pickCheck(scenario, SEED, stage);
/** A choice that is wrong for a question. */
const wrong = (q: Question) => (q.answer + 1) % q.choices.length;

/** Answers every question of a stage: right for the first `right` of them, wrong for the rest. */
async function answerAll(room: Room, conn: string, stage: CheckStage, right: number) {
  const results = [];
  for (const [i, q] of check(stage).entries()) results.push(expectOk(await room.answer(conn, { stage, questionId: q.id, choice: i < right ? q.answer : wrong(q) })).result);
  return results;
}

describe('room: concept checks', () => {
  it('marks an answer, says why, keeps the first one and gives it back on a repeat', async () => {
    const { room, join, store } = await makeRoom();
    await join('s1', 'Ada');
    const q = check('before')[0]!;
    const first = expectOk(await room.answer('s1', { stage: 'before', questionId: q.id, choice: wrong(q) })).result;
    expect(first).toEqual({ questionId: q.id, choice: wrong(q), correct: false, answer: q.answer, explanation: q.explanation });
    // Changing one's mind is not allowed: the first answer stands.
    const again = expectOk(await room.answer('s1', { stage: 'before', questionId: q.id, choice: q.answer })).result;
    expect(again).toEqual(first);
    const logged = (await store.readLog(CODE)).map((e) => e.action).filter((a) => a.type === 'room:answer');
    expect(logged).toEqual([{ type: 'room:answer', playerId: expect.any(String), stage: 'before', questionId: q.id, concept: q.concept, choice: wrong(q), correct: false }]);
  });

  it('refuses with a code: checks off, the wrong stage, a question not in the check, a choice that is not one, and non-students', async () => {
    const off = await makeRoom({ checks: false });
    await off.join('s1', 'Ada');
    expect(codeOf(await off.room.answer('s1', { stage: 'before', questionId: check('before')[0]!.id, choice: 0 }))).toBe('checks-off');

    const { room, join, store } = await makeRoom();
    await join('s1', 'Ada');
    const before = check('before');
    const after = check('after');
    expect(codeOf(await room.answer('s1', { stage: 'after', questionId: after[0]!.id, choice: 0 }))).toBe('wrong-stage');
    // A question of the other check, one from the bank the room never asks, one that does not exist.
    expect(codeOf(await room.answer('s1', { stage: 'before', questionId: after[0]!.id, choice: 0 }))).toBe('bad-request');
    expect(codeOf(await room.answer('s1', { stage: 'before', questionId: 'no-such-question', choice: 0 }))).toBe('bad-request');
    expect(codeOf(await room.answer('s1', { stage: 'before', questionId: 'constructor', choice: 0 }))).toBe('bad-request');
    expect(codeOf(await room.answer('s1', { stage: 'before', questionId: before[0]!.id, choice: before[0]!.choices.length }))).toBe('bad-request');
    expect(codeOf(await room.answer('teacher', { stage: 'before', questionId: before[0]!.id, choice: 0 }))).toBe('forbidden');
    expectOk(await room.attachHost('wall', 'projector', HOST));
    expect(codeOf(await room.answer('wall', { stage: 'before', questionId: before[0]!.id, choice: 0 }))).toBe('forbidden');
    expect(codeOf(await room.answer('stranger', { stage: 'before', questionId: before[0]!.id, choice: 0 }))).toBe('not-joined');
    // None of these changed anything.
    expect((await store.readLog(CODE)).some((e) => e.action.type === 'room:answer')).toBe(false);

    // During the run neither check is open; at the debrief only the second.
    expectOk(await room.command('teacher', { type: 'start' }));
    expect(codeOf(await room.answer('s1', { stage: 'before', questionId: before[0]!.id, choice: 0 }))).toBe('wrong-stage');
    expect(codeOf(await room.answer('s1', { stage: 'after', questionId: after[0]!.id, choice: 0 }))).toBe('wrong-stage');
    expectOk(await room.command('teacher', { type: 'nextPhase' }));
    expect(codeOf(await room.answer('s1', { stage: 'before', questionId: before[0]!.id, choice: 0 }))).toBe('wrong-stage');
    expectOk(await room.answer('s1', { stage: 'after', questionId: after[0]!.id, choice: 0 }));
  });

  it('refuses a student the teacher removed', async () => {
    const { room, join, teacherView, flush } = await makeRoom();
    await join('s1', 'Ada');
    await flush();
    await answerAll(room, 's1', 'before', 2);
    const playerId = teacherView().roster[0]!.playerId;
    expectOk(await room.kick('teacher', playerId));
    expect(codeOf(await room.answer('s1', { stage: 'before', questionId: check('before')[0]!.id, choice: 0 }))).toBe('not-joined');
    // Their answers leave the class's figures.
    await flush();
    expect(teacherView().checks!.before).toEqual({ answered: 0, started: 0, of: 0 });
    expect(teacherView().checks!.concepts.every((c) => c.before.of === 0)).toBe(true);
  });

  it('shows a student the open check with their own results, and none during the run', async () => {
    const { room, join, student, flush } = await makeRoom();
    await join('s1', 'Ada');
    await flush();
    const before = check('before');
    expect(student('s1').check).toEqual({ stage: 'before', questions: before.map(({ id, concept, kind, prompt, choices }) => ({ id, concept, kind, prompt, choices })), results: [] });
    // The prompts carry neither the answer nor the explanation.
    expect(JSON.stringify(student('s1').check)).not.toContain(before[0]!.explanation);
    await room.answer('s1', { stage: 'before', questionId: before[1]!.id, choice: before[1]!.answer });
    await flush();
    expect(student('s1').check!.results).toEqual([{ questionId: before[1]!.id, choice: before[1]!.answer, correct: true, answer: before[1]!.answer, explanation: before[1]!.explanation }]);
    expectOk(await room.command('teacher', { type: 'start' }));
    await flush();
    expect(student('s1').check).toBeNull();
    expectOk(await room.command('teacher', { type: 'nextPhase' }));
    await flush();
    expect(student('s1').check).toMatchObject({ stage: 'after', results: [] });
    expect(student('s1').check!.questions.map((q) => q.id)).toEqual(check('after').map((q) => q.id));
  });

  it('gives a room without checks no check in any view', async () => {
    const { room, join, student, teacherView, projectorView, flush } = await makeRoom({ checks: false });
    expectOk(await room.attachHost('wall', 'projector', HOST));
    await join('s1', 'Ada');
    await flush();
    expect(student('s1').check).toBeNull();
    expect(teacherView().checks).toBeNull();
    expect(projectorView().checks).toBeNull();
  });

  it('gives the teacher progress and the class’s gain by concept, the same as pooling every answer', async () => {
    const { room, join, teacherView, projectorView, flush, store } = await makeRoom();
    expectOk(await room.attachHost('wall', 'projector', HOST));
    await join('s1', 'Ada');
    await join('s2', 'Grace');
    await join('s3', 'Linus');
    await answerAll(room, 's1', 'before', 5);
    await answerAll(room, 's2', 'before', 1);
    const q = check('before')[0]!;
    await room.answer('s3', { stage: 'before', questionId: q.id, choice: q.answer });
    await flush();
    expect(teacherView().checks!.before).toEqual({ answered: 2, started: 3, of: 3 });
    expect(teacherView().checks!.after).toEqual({ answered: 0, started: 0, of: 3 });
    // The projector shows the class's progress, no names, and no results before the debrief.
    expect(projectorView().checks).toEqual({ stage: 'before', answered: 2, of: 3, concepts: [] });

    expectOk(await room.command('teacher', { type: 'start' }));
    await flush();
    expect(projectorView().checks).toMatchObject({ stage: null });
    expectOk(await room.command('teacher', { type: 'nextPhase' }));
    await answerAll(room, 's1', 'after', 5);
    await answerAll(room, 's2', 'after', 4);
    await flush();
    const checks = teacherView().checks!;
    expect(checks.after).toEqual({ answered: 2, started: 2, of: 3 });
    const pooled = conceptGains(answersInLog(await store.readLog(CODE)), checks.concepts.map((c) => c.concept));
    expect(checks.concepts).toEqual(pooled);
    const totals = (stage: 'before' | 'after') => checks.concepts.reduce((n, c) => ({ correct: n.correct + c[stage].correct, of: n.of + c[stage].of }), { correct: 0, of: 0 });
    expect(totals('before')).toEqual({ correct: 7, of: 11 });
    expect(totals('after')).toEqual({ correct: 9, of: 10 });
    const wall = projectorView().checks!;
    expect(wall).toEqual({ stage: 'after', answered: 2, of: 3, concepts: checks.concepts });
    expect(JSON.stringify(wall)).not.toMatch(/Ada|Grace|Linus/);
  });

  it('keeps the answers through a restore from the log: the student gets their results back, a repeat the first answer', async () => {
    const { room, join, store, deps } = await makeRoom();
    const { resumeToken } = await join('s1', 'Ada');
    const [first] = await answerAll(room, 's1', 'before', 0);
    await room.suspend();
    const transport = new MemoryTransport();
    const restored = Room.restore((await store.getRoom(CODE))!, await store.readLog(CODE), { ...deps, transport });
    expectOk(await restored.join('s1b', { nickname: 'Ada', resumeToken }));
    await restored.settled();
    await deps.clock.advance(1100);
    expect((transport.last('s1b', 'view:student') as StudentView).check!.results).toHaveLength(5);
    const q = check('before')[0]!;
    expect(expectOk(await restored.answer('s1b', { stage: 'before', questionId: q.id, choice: q.answer })).result).toEqual(first);
    expect((await store.readLog(CODE)).filter((e) => e.action.type === 'room:answer')).toHaveLength(5);
    restored.dispose();
  });

  it('keeps the answers in snapshots: a restore from one taken during the run still has the lobby’s answers', async () => {
    const { room, join, store, deps, clock } = await makeRoom();
    await join('s1', 'Ada');
    await answerAll(room, 's1', 'before', 3);
    expectOk(await room.command('teacher', { type: 'setSpeed', speed: 20 }));
    expectOk(await room.command('teacher', { type: 'start' }));
    // Past the first snapshot (every 60 simulated seconds).
    await clock.advance(1000);
    await room.suspend();
    const snapshot = (await store.latestSnapshot(CODE))!;
    expect(snapshot).not.toBeNull();
    const after = (await store.readLog(CODE)).filter((e) => e.seq > snapshot.seq);
    expect(after.some((e) => e.action.type === 'room:answer')).toBe(false);
    const transport = new MemoryTransport();
    const restored = Room.restore((await store.getRoom(CODE))!, after, { ...deps, transport }, snapshot);
    expectOk(await restored.attachHost('t2', 'teacher', HOST));
    await restored.settled();
    await deps.clock.advance(1100);
    const view = transport.last('t2', 'view:teacher') as TeacherView;
    expect(view.checks!.before).toEqual({ answered: 1, started: 1, of: 1 });
    expect(view.checks!.concepts.reduce((n, c) => n + c.before.correct, 0)).toBe(3);
    restored.dispose();
  });

  it('gives the student the replay id with their seat', async () => {
    const { join } = await makeRoom();
    expect((await join('s1', 'Ada')).replayId).toBe('replay-abc');
  });
});
