import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.ts';
import type { ProjectorView, StudentView, TeacherView } from '../../shared/views/index.ts';
import type { RoomStore } from '../../server/storage/store.ts';
import { RedisRoomStore } from '../../server/storage/redis-store.ts';
import { questionById, type AnswerResult } from '../../shared/learning/index.ts';
import { startRedisServer, type TestRedis } from '../support/redis-server.ts';
import { browserStudent, connect, createRoom, eventually, startTestServer, until, type Client } from './helpers.ts';

const P = PROTOCOL_VERSION;

/** The answer a student gives: right or wrong, by the bank's answer. */
const choiceFor = (questionId: string, right: boolean) => {
  const q = questionById(questionId)!;
  return right ? q.answer : (q.answer + 1) % q.choices.length;
};

describe('concept checks over real sockets (memory store)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const sockets: Client[] = [];
  const open = () => {
    const s = connect(server.base);
    sockets.push(s);
    return s;
  };
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server.close();
  });

  it('students answer in the lobby and at the debrief; the teacher and the projector see the class’s figures', async () => {
    const { code, hostToken } = await createRoom(server.base, { scenarioId: 'tutorial', mode: 'solo', checks: true });
    const teacher = open();
    const wall = open();
    const ada = open();
    const bob = open();
    expect((await teacher.emitWithAck('room:host', { protocol: P, code, hostToken })).ok).toBe(true);
    expect((await wall.emitWithAck('room:project', { protocol: P, code, hostToken })).ok).toBe(true);
    const joined = await ada.emitWithAck('room:join', { protocol: P, code, nickname: 'Ada' });
    expect(joined.ok && joined.replayId).toEqual(expect.any(String));
    expect((await bob.emitWithAck('room:join', { protocol: P, code, nickname: 'Bob' })).ok).toBe(true);

    const before = await eventually(() => {
      const check = (ada.lastOf.get('view:student') as StudentView | undefined)?.check;
      expect(check?.stage).toBe('before');
      return check!.questions;
    });
    for (const q of before) {
      const a = await ada.emitWithAck('player:answer', { stage: 'before', questionId: q.id, choice: choiceFor(q.id, true) });
      expect(a.ok && a.result.correct).toBe(true);
      const b = await bob.emitWithAck('player:answer', { stage: 'before', questionId: q.id, choice: choiceFor(q.id, false) });
      expect(b.ok && b.result.correct).toBe(false);
    }
    // A malformed answer is refused with a code before it reaches the room.
    const bad = await ada.emitWithAck('player:answer', { stage: 'during', questionId: before[0]!.id, choice: 0 } as never);
    expect(!bad.ok && bad.error.code).toBe('bad-request');
    const early = await ada.emitWithAck('player:answer', { stage: 'after', questionId: before[0]!.id, choice: 0 });
    expect(!early.ok && early.error.code).toBe('wrong-stage');
    const notMine = await teacher.emitWithAck('player:answer', { stage: 'before', questionId: before[0]!.id, choice: 0 });
    expect(!notMine.ok && notMine.error.code).toBe('forbidden');

    await eventually(() => expect((teacher.lastOf.get('view:teacher') as TeacherView).checks!.before).toEqual({ answered: 2, started: 2, of: 2 }));
    await eventually(() => expect((wall.lastOf.get('view:projector') as ProjectorView).checks).toEqual({ stage: 'before', answered: 2, of: 2, concepts: [] }));
    await eventually(() => expect((ada.lastOf.get('view:student') as StudentView).check!.results).toHaveLength(before.length));

    expect((await teacher.emitWithAck('host:control', { command: 'start' })).ok).toBe(true);
    await eventually(() => expect((ada.lastOf.get('view:student') as StudentView).check).toBeNull());
    expect((await teacher.emitWithAck('host:control', { command: 'nextPhase' })).ok).toBe(true);
    const after = await eventually(() => {
      const check = (bob.lastOf.get('view:student') as StudentView).check;
      expect(check?.stage).toBe('after');
      return check!.questions;
    });
    for (const q of after) {
      expect((await ada.emitWithAck('player:answer', { stage: 'after', questionId: q.id, choice: choiceFor(q.id, true) })).ok).toBe(true);
      expect((await bob.emitWithAck('player:answer', { stage: 'after', questionId: q.id, choice: choiceFor(q.id, true) })).ok).toBe(true);
    }
    const checks = await eventually(() => {
      const c = (teacher.lastOf.get('view:teacher') as TeacherView).checks!;
      expect(c.after.answered).toBe(2);
      return c;
    });
    // Half right before, all right after: every concept's gain is 1.
    for (const c of checks.concepts) {
      expect(c.before.correct * 2).toBe(c.before.of);
      expect(c.after.correct).toBe(c.after.of);
      expect(c.gain).toBe(1);
    }
    await eventually(() => expect((wall.lastOf.get('view:projector') as ProjectorView).checks!.concepts).toEqual(checks.concepts));

    // The report has them too.
    const report = (await (await fetch(`${server.base}/api/rooms/${code}/report.json`, { headers: { authorization: `Bearer ${hostToken}` } })).json()) as { checks: { students: { nickname: string; before: { correct: number } }[] } };
    expect(report.checks.students.map((s) => [s.nickname, s.before.correct])).toEqual([
      ['Ada', before.length],
      ['Bob', 0],
    ]);

    // The replay, kept at the debrief before these answers, is refreshed with them within seconds.
    const replayId = joined.ok ? joined.replayId! : '';
    const afterAnswersInReplay = async () => {
      const res = await fetch(`${server.base}/api/replays/${replayId}`);
      if (!res.ok) return 0;
      const replay = (await res.json()) as { log: { action: { type: string; stage?: string } }[] };
      return replay.log.filter((e) => e.action.type === 'room:answer' && e.action.stage === 'after').length;
    };
    await until(async () => (await afterAnswersInReplay()) === 2 * after.length, 15_000, 'the replay to hold the answers given after the debrief');
  });

  it('creates rooms without checks unless asked, and refuses a non-boolean', async () => {
    const { code } = await createRoom(server.base);
    expect(server.registry.get(code)!.simulation.phase).toBe('lobby');
    const ada = open();
    expect((await ada.emitWithAck('room:join', { protocol: P, code, nickname: 'Ada' })).ok).toBe(true);
    const off = await ada.emitWithAck('player:answer', { stage: 'before', questionId: 'shared-kernel-1', choice: 0 });
    expect(!off.ok && off.error.code).toBe('checks-off');
    const res = await fetch(`${server.base}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenarioId: 'tutorial', checks: 'yes' }) });
    expect(res.status).toBe(400);
  });
});

describe('concept checks on a real Redis, across a restart', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('keeps every answer: the student’s results come back with their seat, and a repeat gets the first answer', async () => {
    const store: RoomStore = await RedisRoomStore.connect({ url: redis.url });
    const first = await startTestServer({ store, durable: true });
    const port = first.port;
    const { code } = await createRoom(first.base, { scenarioId: 'tutorial', mode: 'solo', checks: true });
    const ada = browserStudent(first.base, code, 'Ada');
    try {
      const questions = await eventually(() => {
        const check = ada.view?.check;
        expect(check?.stage).toBe('before');
        return check!.questions;
      });
      const given: AnswerResult[] = [];
      for (const [i, q] of questions.entries()) {
        const ack = await ada.socket.emitWithAck('player:answer', { stage: 'before', questionId: q.id, choice: choiceFor(q.id, i % 2 === 0) });
        expect(ack.ok).toBe(true);
        if (ack.ok) given.push(ack.result);
      }
      await first.close();

      const again = await RedisRoomStore.connect({ url: redis.url });
      const second = await startTestServer({ store: again, durable: true, port });
      try {
        expect(second.restored).toEqual([code]);
        await eventually(() => expect(ada.joins).toBe(2), 10_000);
        await eventually(() => expect(ada.view?.check?.results).toEqual(given), 10_000);
        const repeat = await ada.socket.emitWithAck('player:answer', { stage: 'before', questionId: questions[1]!.id, choice: choiceFor(questions[1]!.id, true) });
        expect(repeat.ok && repeat.result).toEqual(given[1]);
      } finally {
        ada.socket.close();
        await second.close();
      }
    } finally {
      ada.socket.close();
    }
  });
});
