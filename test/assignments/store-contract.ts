import { afterEach, describe, expect, it } from 'vitest';
import { getScenario } from '../../shared/scenario/library/index.ts';
import type { PlanAction } from '../../shared/engine/run.ts';
import { AssignmentStoreError, type AssignmentStore } from '../../server/assignments/store.ts';
import type { Assignment, AttemptFinish, AttemptStart, KeptCheckAnswer } from '../../server/assignments/types.ts';

export const T0 = 1_800_000_000_000;
export const DAY = 86_400_000;

export function assignment(id: string, over: Partial<Assignment> = {}): Assignment {
  return { id, teacherToken: `teacher-${id}`, title: 'Tutorial', scenario: getScenario('tutorial')!, seed: 42, engineVersion: 3, deadlineMs: T0 + DAY, checks: true, createdAtMs: T0, expiresAtMs: T0 + 31 * DAY, ...over };
}

export function attempt(n: number, nickname = `Student ${n}`): AttemptStart {
  return { attemptId: `attempt${String(n).padStart(5, '0')}`, attemptToken: `token-${n}`, nickname, key: nickname.toLowerCase().replace(/\s+/g, ''), replayId: `replay-${n}`, startedAtMs: T0 + n };
}

export const act = (atS: number, hostId = 'host-1'): PlanAction => ({ atS, type: 'configureHost', hostId, platform: 'hypervisor' });
const keep = (actions: PlanAction[]) => actions.map((action) => ({ atS: action.atS, action }));
const LIMITS = { maxActions: 10, nowMs: T0 + 500 };

export const answer = (stage: 'before' | 'after', questionId: string, choice: number, atMs = T0 + 100): KeptCheckAnswer => ({
  stage,
  concept: 'isolation',
  atMs,
  result: { questionId, choice, correct: choice === 1, answer: 1, explanation: 'Because.' },
});

const finish = (actions: number, total = 512.1234567890123): AttemptFinish => ({
  finishedAtMs: T0 + 900,
  actions,
  claimedTotal: 1000,
  result: { total, availability: 300.1234567890123, cost: 100.5, security: 111.49999999999999, spend: 12.345678901234567, budget: 99.1, rejections: 2, concepts: [{ concept: 'isolation', count: 2 }] },
});

async function refused(promise: Promise<unknown>, code: string): Promise<AssignmentStoreError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AssignmentStoreError);
  expect((error as AssignmentStoreError).code).toBe(code);
  return error as AssignmentStoreError;
}

export interface ContractStore {
  readonly store: AssignmentStore;
  /** Makes the assignment's expiry come (checking first that its keys carry it). */
  lapse(a: Assignment): Promise<void>;
  dispose(): Promise<void>;
}

/** One contract, run against every AssignmentStore (memory-store.test.ts, redis-store.test.ts). */
export function storeContract(name: string, make: () => Promise<ContractStore>): void {
  describe(`${name}: the AssignmentStore contract`, () => {
    let made: ContractStore | null = null;
    const fresh = async () => (made = await make());
    afterEach(async () => {
      await made?.dispose();
      made = null;
    });

    it('keeps an assignment as a JSON copy, refuses a second one with its id, forgets none', async () => {
      const { store } = await fresh();
      const a = assignment('Abcdefghij');
      await store.createAssignment(a);
      expect(await store.getAssignment('Abcdefghij')).toEqual(a);
      expect(await store.getAssignment('Abcdefghij')).not.toBe(a);
      await refused(store.createAssignment({ ...a, title: 'Other' }), 'assignment-exists');
      expect((await store.getAssignment('Abcdefghij'))!.title).toBe('Tutorial');
      expect(await store.getAssignment('Nothinghere')).toBeNull();
      expect(store.status().reachable).toBe(true);
    });

    it('starts attempts: a nickname key once, at most the given number, only on an assignment that exists', async () => {
      const { store } = await fresh();
      await store.createAssignment(assignment('A000000001'));
      await store.addAttempt('A000000001', attempt(1, 'Ada'), 2);
      await refused(store.addAttempt('A000000001', { ...attempt(2, 'ADA'), key: 'ada' }, 2), 'nickname-taken');
      await store.addAttempt('A000000001', attempt(3, 'Bo'), 2);
      await refused(store.addAttempt('A000000001', attempt(4, 'Cy'), 2), 'assignment-full');
      await refused(store.addAttempt('Z000000000', attempt(5, 'Di'), 2), 'assignment-not-found');
      const list = await store.listAttempts('A000000001');
      expect(list.map((a) => a.nickname)).toEqual(['Ada', 'Bo']);
      expect(list[0]).toEqual({ ...attempt(1, 'Ada'), lastActiveMs: attempt(1).startedAtMs, actions: 0, lastAtS: 0, finish: null, answers: [] });
      expect(await store.getAttempt('A000000001', attempt(3).attemptId)).toMatchObject({ nickname: 'Bo', actions: 0 });
      expect(await store.getAttempt('A000000001', 'nobody')).toBeNull();
      expect(await store.findReplay(attempt(1).replayId)).toEqual({ id: 'A000000001', attemptId: attempt(1).attemptId });
      expect(await store.findReplay('replay-4')).toBeNull();
    });

    it('keeps actions in order; a retry with an overlapping `from` keeps only the new ones', async () => {
      const { store } = await fresh();
      await store.createAssignment(assignment('A000000002'));
      const { attemptId } = attempt(1);
      await store.addAttempt('A000000002', attempt(1), 10);
      expect(await store.appendActions('A000000002', attemptId, 0, keep([act(1), act(2)]), LIMITS)).toBe(2);
      // The client did not hear the answer and sends both again, with a third.
      expect(await store.appendActions('A000000002', attemptId, 0, keep([act(1), act(2), act(3.5)]), LIMITS)).toBe(3);
      // All of it kept already: nothing changes.
      expect(await store.appendActions('A000000002', attemptId, 1, keep([act(2), act(3.5)]), LIMITS)).toBe(3);
      expect(await store.readActions('A000000002', attemptId)).toEqual([act(1), act(2), act(3.5)]);
      expect(await store.getAttempt('A000000002', attemptId)).toMatchObject({ actions: 3, lastAtS: 3.5, lastActiveMs: LIMITS.nowMs });
    });

    it('refuses a gap (with the count kept), time going backwards and too many actions, keeping nothing of them', async () => {
      const { store } = await fresh();
      await store.createAssignment(assignment('A000000003'));
      const { attemptId } = attempt(1);
      await store.addAttempt('A000000003', attempt(1), 10);
      await store.appendActions('A000000003', attemptId, 0, keep([act(5)]), LIMITS);
      expect((await refused(store.appendActions('A000000003', attemptId, 3, keep([act(6)]), LIMITS), 'bad-seq')).kept).toBe(1);
      await refused(store.appendActions('A000000003', attemptId, 1, keep([act(6), act(4)]), LIMITS), 'action-out-of-order');
      await refused(store.appendActions('A000000003', attemptId, 1, keep([act(4.9)]), LIMITS), 'action-out-of-order');
      await refused(store.appendActions('A000000003', attemptId, 1, keep(Array.from({ length: 10 }, (_, i) => act(6 + i))), LIMITS), 'too-many-actions');
      await refused(store.appendActions('A000000003', 'nobody', 0, keep([act(6)]), LIMITS), 'attempt-not-found');
      await refused(store.appendActions('Z000000000', attemptId, 0, keep([act(6)]), LIMITS), 'assignment-not-found');
      expect(await store.readActions('A000000003', attemptId)).toEqual([act(5)]);
      expect(await store.getAttempt('A000000003', attemptId)).toMatchObject({ actions: 1, lastAtS: 5 });
      // Exactly at the limit is fine.
      expect(await store.appendActions('A000000003', attemptId, 1, keep(Array.from({ length: 9 }, (_, i) => act(5 + i))), LIMITS)).toBe(10);
    });

    it('keeps the first answer to each question, before only until the first action, after only once finished', async () => {
      const { store } = await fresh();
      await store.createAssignment(assignment('A000000004'));
      const { attemptId } = attempt(1);
      await store.addAttempt('A000000004', attempt(1), 10);
      await refused(store.keepAnswers('A000000004', attemptId, 'after', [answer('after', 'isolation-2', 1)]), 'wrong-stage');
      const first = await store.keepAnswers('A000000004', attemptId, 'before', [answer('before', 'isolation-1', 0), answer('before', 'isolation-3', 1)]);
      expect(first.map((k) => k.result.choice)).toEqual([0, 1]);
      // A second answer to the same question gets the first one back.
      const again = await store.keepAnswers('A000000004', attemptId, 'before', [answer('before', 'isolation-1', 1, T0 + 200)]);
      expect(again).toEqual([answer('before', 'isolation-1', 0)]);
      await store.appendActions('A000000004', attemptId, 0, keep([act(1)]), LIMITS);
      await refused(store.keepAnswers('A000000004', attemptId, 'before', [answer('before', 'isolation-4', 1)]), 'wrong-stage');
      await store.finishAttempt('A000000004', attemptId, finish(1));
      expect(await store.keepAnswers('A000000004', attemptId, 'after', [answer('after', 'isolation-2', 1)])).toEqual([answer('after', 'isolation-2', 1)]);
      const kept = (await store.getAttempt('A000000004', attemptId))!.answers;
      expect(kept.map((k) => `${k.stage}:${k.result.questionId}:${k.result.choice}`).sort()).toEqual(['after:isolation-2:1', 'before:isolation-1:0', 'before:isolation-3:1']);
    });

    it('finishes once, with the result exactly as given, and only over every kept action', async () => {
      const { store } = await fresh();
      await store.createAssignment(assignment('A000000005'));
      const { attemptId } = attempt(1);
      await store.addAttempt('A000000005', attempt(1), 10);
      await store.appendActions('A000000005', attemptId, 0, keep([act(1), act(2)]), LIMITS);
      await refused(store.finishAttempt('A000000005', attemptId, finish(1)), 'attempt-moved');
      expect(await store.finishAttempt('A000000005', attemptId, finish(2))).toEqual(finish(2));
      // A second finish (another scoring raced it) gets the first.
      expect(await store.finishAttempt('A000000005', attemptId, finish(2, 1))).toEqual(finish(2));
      await refused(store.appendActions('A000000005', attemptId, 2, keep([act(3)]), LIMITS), 'attempt-finished');
      expect(await store.getAttempt('A000000005', attemptId)).toMatchObject({ finish: finish(2), actions: 2, lastActiveMs: finish(2).finishedAtMs });
      await refused(store.finishAttempt('A000000005', 'nobody', finish(0)), 'attempt-not-found');
    });

    it('deletes an assignment with everything about it; another is untouched', async () => {
      const { store } = await fresh();
      await store.createAssignment(assignment('A000000006'));
      await store.createAssignment(assignment('A000000007'));
      for (const id of ['A000000006', 'A000000007']) {
        await store.addAttempt(id, { ...attempt(1), replayId: `r-${id}` }, 10);
        await store.keepAnswers(id, attempt(1).attemptId, 'before', [answer('before', 'isolation-1', 1)]);
        await store.appendActions(id, attempt(1).attemptId, 0, keep([act(1)]), LIMITS);
      }
      await store.deleteAssignment('A000000006');
      await store.deleteAssignment('A000000006');
      expect(await store.getAssignment('A000000006')).toBeNull();
      expect(await store.getAttempt('A000000006', attempt(1).attemptId)).toBeNull();
      expect(await store.listAttempts('A000000006')).toEqual([]);
      expect(await store.readActions('A000000006', attempt(1).attemptId)).toEqual([]);
      expect(await store.findReplay('r-A000000006')).toBeNull();
      await refused(store.addAttempt('A000000006', attempt(2), 10), 'assignment-not-found');
      expect(await store.readActions('A000000007', attempt(1).attemptId)).toEqual([act(1)]);
      expect(await store.findReplay('r-A000000007')).toEqual({ id: 'A000000007', attemptId: attempt(1).attemptId });
    });

    it('forgets everything at the assignment’s expiry', async () => {
      const made = await fresh();
      const { store } = made;
      const a = assignment('A000000008');
      await store.createAssignment(a);
      await store.addAttempt(a.id, attempt(1), 10);
      await store.keepAnswers(a.id, attempt(1).attemptId, 'before', [answer('before', 'isolation-1', 1)]);
      await store.appendActions(a.id, attempt(1).attemptId, 0, keep([act(1)]), LIMITS);
      await made.lapse(a);
      expect(await store.getAssignment(a.id)).toBeNull();
      expect(await store.getAttempt(a.id, attempt(1).attemptId)).toBeNull();
      expect(await store.readActions(a.id, attempt(1).attemptId)).toEqual([]);
      expect(await store.findReplay(attempt(1).replayId)).toBeNull();
    });
  });
}
