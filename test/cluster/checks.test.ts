import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, eventually } from '../integration/helpers.ts';
import { applyView, type TeacherView } from '../../shared/views/index.ts';
import { questionById } from '../../shared/learning/index.ts';
import { eventuallyAsync, TestCluster, TestStudent, TestTeacher, type ServerProcess } from '../support/cluster.ts';

/*
 * Concept checks when the room runs on another process than the student's and the teacher's
 * sockets: `player:answer` is forwarded to the owner like an action, and the views come back.
 */
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.start(2);
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
}, 30_000);

describe('concept checks across processes', () => {
  it('a student on a non-owner answers; the owner keeps it once, and the teacher on the non-owner sees it', async () => {
    const [p0, p1] = cluster.procs as [ServerProcess, ServerProcess];
    const { code, hostToken } = await createRoom(p0.url, { scenarioId: 'tutorial', mode: 'solo', speed: 0.25, checks: true });
    expect((await cluster.owner(code))?.index).toBe(0);
    const s = new TestStudent([p1.url], code, 'Remote');
    const t = new TestTeacher(p1.url, code, hostToken);
    let teacherView: TeacherView | null = null;
    t.socket.on('view:teacher', (delta) => (teacherView = applyView(teacherView, delta)));
    try {
      const questions = await eventually(() => {
        expect(s.view?.check?.stage).toBe('before');
        return s.view!.check!.questions;
      }, 10_000);
      const q = questionById(questions[0]!.id)!;
      const first = await s.socket.timeout(10_000).emitWithAck('player:answer', { stage: 'before', questionId: q.id, choice: q.answer });
      expect(first.ok && first.result.correct).toBe(true);
      // Sent again (as a forwarder might after losing the owner's answer): the first answer comes back, nothing more is kept.
      const again = await s.socket.timeout(10_000).emitWithAck('player:answer', { stage: 'before', questionId: q.id, choice: (q.answer + 1) % q.choices.length });
      expect(again.ok && again.result).toEqual(first.ok && first.result);
      await eventually(() => expect(s.view?.check?.results.map((r) => r.questionId)).toEqual([q.id]), 10_000);
      await eventuallyAsync(async () => expect((await cluster.readLog(code)).filter((e) => e.action.type === 'room:answer')).toHaveLength(1), 5000);
      const off = await t.socket.timeout(10_000).emitWithAck('player:answer', { stage: 'before', questionId: q.id, choice: 0 });
      expect(!off.ok && off.error.code).toBe('forbidden');
      await eventually(() => expect(teacherView?.checks?.before).toEqual({ answered: 0, started: 1, of: 1 }), 10_000);
    } finally {
      s.close();
      t.close();
    }
  }, 60_000);
});
