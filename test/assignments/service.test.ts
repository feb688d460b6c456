import { describe, expect, it } from 'vitest';
import { runScenario, SOLO_CLUSTER, type PlanAction } from '../../shared/engine/run.ts';
import { clusterOf } from '../../shared/engine/state.ts';
import { computeScore } from '../../shared/engine/score.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { expertPlan } from '../../shared/scenario/library/plans/index.ts';
import { pickCheck } from '../../shared/learning/checks.ts';
import { AssignmentService } from '../../server/assignments/service.ts';
import { InMemoryAssignmentStore } from '../../server/assignments/store.ts';
import { InlineSimulator } from '../../server/assignments/simulator.ts';
import { AssignmentError } from '../../server/assignments/errors.ts';

const HOUR = 3_600_000;
const scoreAttemptTotal = (plan: readonly PlanAction[], seed: number) => {
  const run = runScenario(getScenario('tutorial')!, seed, { plan });
  return computeScore(run.state, clusterOf(run.state, SOLO_CLUSTER)!).total;
};
const tutorial = getScenario('tutorial')!;

function setup(options: { maxAttempts?: number } = {}) {
  let t = 1_800_000_000_000;
  const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
  const store = new InMemoryAssignmentStore({ now: clock.now });
  const service = new AssignmentService({ store, simulator: new InlineSimulator(), now: clock.now, replayTtlDays: 2, ...options });
  return { clock, store, service };
}

async function code(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof AssignmentError)) throw new Error(`expected an AssignmentError, got ${String(error)}`);
  return error.code;
}

async function started(checks = true) {
  const s = setup();
  const { id, teacherToken } = await s.service.create({ scenario: tutorial, deadlineMs: s.clock.now() + HOUR, checks });
  const a = await s.service.startAttempt(id, '  Ada   Lovelace ');
  return { ...s, id, teacherToken, ...a };
}

describe('AssignmentService', () => {
  it('creates an assignment with a seed for everyone, kept until the deadline plus REPLAY_TTL_DAYS', async () => {
    const { service, store, clock } = setup();
    const deadlineMs = clock.now() + HOUR;
    const { id, teacherToken } = await service.create({ scenario: tutorial, deadlineMs, checks: true, title: '  ' });
    expect(id).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(teacherToken).toHaveLength(32);
    const kept = (await store.getAssignment(id))!;
    expect(kept).toMatchObject({ title: tutorial.title, deadlineMs, expiresAtMs: deadlineMs + 2 * 86_400_000, engineVersion: 3 });
    expect(Number.isInteger(kept.seed) && kept.seed >= 0 && kept.seed < 2 ** 32).toBe(true);
    const view = await service.view(id);
    expect(view.checks!.before.map((q) => q.id)).toEqual(pickCheck(tutorial, kept.seed, 'before').map((q) => q.id));
    expect(view.checks!.before[0]).not.toHaveProperty('answer');
    expect(view.closed).toBe(false);
    expect(await code(service.create({ scenario: tutorial, deadlineMs: clock.now(), checks: false }))).toBe('bad-deadline');
    expect(await code(service.create({ scenario: tutorial, deadlineMs: clock.now() + 91 * 86_400_000, checks: false }))).toBe('bad-deadline');
  });

  it('scores by re-simulating the kept actions; a forged claim is ignored and kept only as claimedTotal', async () => {
    const { service, store, id, attemptId, attemptToken, teacherToken } = await started();
    const seed = (await store.getAssignment(id))!.seed;
    const plan = expertPlan('tutorial')!;
    for (let i = 0; i < plan.length; i += 3) expect(await service.appendActions(id, attemptId, attemptToken, i, plan.slice(i, i + 3))).toEqual({ kept: Math.min(i + 3, plan.length) });
    const { result, replayId } = await service.finish(id, attemptId, attemptToken, { total: 1000, availability: 1000 });
    const run = runScenario(tutorial, seed, { plan });
    const score = computeScore(run.state, clusterOf(run.state, SOLO_CLUSTER)!);
    expect(result.total).toBe(score.total);
    expect(result.total).toBeLessThan(1000);
    expect(result.rejections).toBe(0);
    expect(replayId).toHaveLength(16);
    // Finishing again returns the same; the claim is only for the teacher's eyes.
    expect(await service.finish(id, attemptId, attemptToken, 5)).toEqual({ result, replayId });
    const progress = await service.progress(id, teacherToken);
    expect(progress.attempts[0]).toMatchObject({ nickname: 'Ada Lovelace', finished: true, result, claimedTotal: 1000, actions: plan.length, atS: plan.at(-1)!.atS });
    expect(progress.summary).toEqual({ started: 1, finished: 1, averageTotal: score.total });
  });

  it('scores again when actions arrive while an attempt is being scored, so the result covers all of them', async () => {
    let t = 1_800_000_000_000;
    const now = () => t;
    // A store where the client's last batch lands just after the first re-simulation read the log.
    let late: (() => Promise<unknown>) | null = null;
    class RacingStore extends InMemoryAssignmentStore {
      override async readActions(id: string, attemptId: string) {
        const actions = await super.readActions(id, attemptId);
        const land = late;
        late = null;
        await land?.();
        return actions;
      }
    }
    const store = new RacingStore({ now });
    const service = new AssignmentService({ store, simulator: new InlineSimulator(), now });
    const { id } = await service.create({ scenario: tutorial, deadlineMs: t + HOUR, checks: false });
    const { attemptId, attemptToken } = await service.startAttempt(id, 'Ada');
    const plan = expertPlan('tutorial')!;
    await service.appendActions(id, attemptId, attemptToken, 0, plan.slice(0, 1));
    late = () => service.appendActions(id, attemptId, attemptToken, 1, plan.slice(1));
    t += 1;
    const { result } = await service.finish(id, attemptId, attemptToken, undefined);
    expect((await store.getAttempt(id, attemptId))!.finish!.actions).toBe(plan.length);
    expect(result.total).toBe(scoreAttemptTotal(plan, (await store.getAssignment(id))!.seed));
  });

  it('keeps no claimedTotal when the claim is not a finite number', async () => {
    const { service, id, attemptId, attemptToken, teacherToken } = await started();
    await service.finish(id, attemptId, attemptToken, { total: 'lots' });
    expect((await service.progress(id, teacherToken)).attempts[0]).not.toHaveProperty('claimedTotal');
  });

  it('refuses bad actions with a code and keeps nothing of them', async () => {
    const { service, store, id, attemptId, attemptToken } = await started();
    await service.appendActions(id, attemptId, attemptToken, 0, [{ atS: 10, type: 'ready' }]);
    const tooLate: PlanAction = { atS: tutorial.durationS + 1, type: 'ready' };
    expect(await code(service.appendActions(id, attemptId, attemptToken, 1, [tooLate]))).toBe('bad-action');
    expect(await code(service.appendActions(id, attemptId, attemptToken, 1, [{ atS: 12, type: 'ready' }, { atS: 11, type: 'ready' }]))).toBe('bad-action');
    expect(await code(service.appendActions(id, attemptId, attemptToken, 1, [{ atS: 9, type: 'ready' }]))).toBe('action-out-of-order');
    const gap = await service.appendActions(id, attemptId, attemptToken, 5, [{ atS: 20, type: 'ready' }]).catch((e: AssignmentError) => e);
    expect(gap).toMatchObject({ code: 'bad-seq', extra: { kept: 1 } });
    expect(await code(service.appendActions(id, attemptId, 'wrong-token', 1, [{ atS: 20, type: 'ready' }]))).toBe('forbidden');
    expect(await code(service.appendActions(id, 'unknownattmp', attemptToken, 1, [{ atS: 20, type: 'ready' }]))).toBe('forbidden');
    expect(await code(service.appendActions('Nope000000', attemptId, attemptToken, 1, [{ atS: 20, type: 'ready' }]))).toBe('assignment-not-found');
    expect(await store.readActions(id, attemptId)).toEqual([{ atS: 10, type: 'ready' }]);
  });

  it('refuses more than 10,000 actions in an attempt', async () => {
    const { service, id, attemptId, attemptToken } = await started();
    const batch = (from: number) => Array.from({ length: 200 }, (_, i): PlanAction => ({ atS: (from + i) / 20, type: 'ready' }));
    for (let from = 0; from < 10_000; from += 200) await service.appendActions(id, attemptId, attemptToken, from, batch(from));
    expect(await code(service.appendActions(id, attemptId, attemptToken, 10_000, [{ atS: 599, type: 'ready' }]))).toBe('too-many-actions');
    // 10,000 actions re-simulate and score like any others.
    const { result } = await service.finish(id, attemptId, attemptToken, undefined);
    expect(Number.isFinite(result.total)).toBe(true);
  });

  it('takes answers by stage: before until the first action, after once finished; the first answer stays', async () => {
    const { service, store, id, attemptId, attemptToken, teacherToken } = await started();
    const seed = (await store.getAssignment(id))!.seed;
    const before = pickCheck(tutorial, seed, 'before');
    const after = pickCheck(tutorial, seed, 'after');
    expect(await code(service.answer(id, attemptId, attemptToken, 'before', [{ questionId: after[0]!.id, choice: 0 }]))).toBe('unknown-question');
    expect(await code(service.answer(id, attemptId, attemptToken, 'before', [{ questionId: before[0]!.id, choice: 9 }]))).toBe('bad-request');
    expect(await code(service.answer(id, attemptId, attemptToken, 'after', [{ questionId: after[0]!.id, choice: 0 }]))).toBe('wrong-stage');
    const right = before[0]!.answer;
    const { results } = await service.answer(id, attemptId, attemptToken, 'before', [{ questionId: before[0]!.id, choice: right }]);
    expect(results[0]).toMatchObject({ questionId: before[0]!.id, choice: right, correct: true });
    const again = await service.answer(id, attemptId, attemptToken, 'before', [{ questionId: before[0]!.id, choice: (right + 1) % before[0]!.choices.length }]);
    expect(again.results).toEqual(results);
    await service.appendActions(id, attemptId, attemptToken, 0, [{ atS: 1, type: 'ready' }]);
    expect(await code(service.answer(id, attemptId, attemptToken, 'before', [{ questionId: before[1]!.id, choice: 0 }]))).toBe('wrong-stage');
    await service.finish(id, attemptId, attemptToken, undefined);
    await service.answer(id, attemptId, attemptToken, 'after', [{ questionId: after[0]!.id, choice: after[0]!.answer }]);
    const row = (await service.progress(id, teacherToken)).attempts[0]!;
    expect(row.checks).toEqual({ before: { correct: 1, of: 1 }, after: { correct: 1, of: 1 } });
    const view = await service.attemptView(id, attemptId, attemptToken);
    expect(view.answers.before).toEqual(results);
    expect(view.actions).toEqual([{ atS: 1, type: 'ready' }]);
  });

  it('answers checks-off when the assignment has no checks', async () => {
    const { service, id, attemptId, attemptToken } = await started(false);
    expect((await service.view(id)).checks).toBeNull();
    expect(await code(service.answer(id, attemptId, attemptToken, 'before', [{ questionId: 'isolation-1', choice: 0 }]))).toBe('checks-off');
  });

  it('checks nicknames, keeps them unique and bounds the attempts', async () => {
    const s = setup({ maxAttempts: 2 });
    const { id } = await s.service.create({ scenario: tutorial, deadlineMs: s.clock.now() + HOUR, checks: false });
    await s.service.startAttempt(id, 'Ada');
    expect(await code(s.service.startAttempt(id, ' ADA '))).toBe('nickname-taken');
    expect(await code(s.service.startAttempt(id, ''))).toBe('bad-nickname');
    expect(await code(s.service.startAttempt(id, 'x'.repeat(30)))).toBe('bad-nickname');
    await s.service.startAttempt(id, 'Bo');
    expect(await code(s.service.startAttempt(id, 'Cy'))).toBe('assignment-full');
    expect((await s.store.listAttempts(id)).map((a) => a.nickname)).toEqual(['Ada', 'Bo']);
  });

  it('closes at the deadline: no new attempts or actions, but a finish still scores what was sent', async () => {
    const { service, clock, id, attemptId, attemptToken } = await started();
    await service.appendActions(id, attemptId, attemptToken, 0, [{ atS: 1, type: 'ready' }]);
    clock.advance(HOUR - 1);
    expect((await service.view(id)).closed).toBe(false);
    clock.advance(1);
    expect((await service.view(id)).closed).toBe(true);
    expect(await code(service.startAttempt(id, 'Late'))).toBe('assignment-closed');
    expect(await code(service.appendActions(id, attemptId, attemptToken, 1, [{ atS: 2, type: 'ready' }]))).toBe('assignment-closed');
    expect((await service.finish(id, attemptId, attemptToken, undefined)).result.rejections).toBe(0);
    // Then everything is forgotten REPLAY_TTL_DAYS after the deadline.
    clock.advance(2 * 86_400_000);
    expect(await code(service.view(id))).toBe('assignment-not-found');
  });

  it('lets only the teacher see progress, download the report and delete; deleting forgets everything', async () => {
    const { service, store, id, attemptId, attemptToken, teacherToken } = await started();
    expect(await code(service.progress(id, attemptToken))).toBe('forbidden');
    expect(await code(service.report(id, ''))).toBe('forbidden');
    expect(await code(service.delete(id, 'x'))).toBe('forbidden');
    const replayId = (await service.attemptView(id, attemptId, attemptToken)).replayId!;
    await service.delete(id, teacherToken);
    expect(await code(service.view(id))).toBe('assignment-not-found');
    expect(await code(service.attemptView(id, attemptId, attemptToken))).toBe('assignment-not-found');
    expect(await store.findReplay(replayId)).toBeNull();
  });
});
