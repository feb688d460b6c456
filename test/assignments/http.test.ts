import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario, SOLO_CLUSTER, type PlanAction } from '../../shared/engine/run.ts';
import { clusterOf } from '../../shared/engine/state.ts';
import { computeScore } from '../../shared/engine/score.ts';
import { replaySimulation } from '../../shared/replay/log.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { expertPlan } from '../../shared/scenario/library/plans/index.ts';
import { pickCheck } from '../../shared/learning/checks.ts';
import type { AnswerResult, QuestionPrompt } from '../../shared/learning/types.ts';
import type { AssignmentProgress, AssignmentView, AttemptView, FinishedAttempt } from '../../shared/protocol/assignments.ts';
import type { ClassReport } from '../../server/reports/class-report.ts';
import { attemptReplay } from '../../server/assignments/replay.ts';
import { publicReplay } from '../../server/replays/public-replay.ts';
import { InMemoryAssignmentStore, type AssignmentStore } from '../../server/assignments/store.ts';
import { RedisAssignmentStore } from '../../server/assignments/redis-store.ts';
import { startTestServer } from '../integration/helpers.ts';
import { startRedisServer, type TestRedis } from '../support/redis-server.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
interface ErrorReply {
  readonly error?: { readonly code: string; readonly message: string; readonly kept?: number; readonly details?: string[] };
}
const tutorial = getScenario('tutorial')!;

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const stores: [string, () => Promise<AssignmentStore>][] = [
  ['memory', async () => new InMemoryAssignmentStore()],
  ['redis', () => RedisAssignmentStore.connect({ url: redis.url, prefix: `cc-http-${Math.random().toString(36).slice(2)}:asg:` })],
];

describe.each(stores)('the assignments API over HTTP (%s store)', (_name, makeStore) => {
  let server: Server;
  let store: AssignmentStore;
  beforeAll(async () => {
    store = await makeStore();
    server = await startTestServer({ assignments: store });
  });
  afterAll(async () => {
    await server.close();
  });

  const call = async <T = ErrorReply>(method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${server.base}/api/assignments${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    const json: unknown = res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    return { status: res.status, body: json as T, headers: res.headers };
  };
  const errorCode = (r: { body: unknown }) => (r.body as ErrorReply).error?.code;

  it('runs a whole assignment: create, two attempts, actions, checks, finish, progress, report, replay, delete', async () => {
    // Create.
    const created = await call('POST', '', { scenarioId: 'tutorial', deadlineMs: Date.now() + 3_600_000, checks: true, title: 'Homework: the tutorial' });
    expect(created.status).toBe(201);
    const { id, teacherToken } = created.body as { id: string; teacherToken: string };
    expect(id).toMatch(/^[A-Za-z0-9]{10}$/);

    // The public view.
    const view = await call<AssignmentView>('GET', `/${id}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ id, title: 'Homework: the tutorial', engineVersion: 3, closed: false, scenario: { id: 'tutorial' } });
    const seed = view.body.seed;
    const before: readonly QuestionPrompt[] = view.body.checks!.before;
    expect(before.map((q) => q.id)).toEqual(pickCheck(tutorial, seed, 'before').map((q) => q.id));
    expect(before[0]).not.toHaveProperty('answer');

    // Two attempts; a nickname once.
    const ada = await call('POST', `/${id}/attempts`, { nickname: 'Ada' });
    expect(ada.status).toBe(201);
    expect(errorCode(await call('POST', `/${id}/attempts`, { nickname: ' ada ' }))).toBe('nickname-taken');
    expect(errorCode(await call('POST', `/${id}/attempts`, { nickname: '' }))).toBe('bad-nickname');
    const bo = await call('POST', `/${id}/attempts`, { nickname: 'Bo' });
    const A = ada.body as { attemptId: string; attemptToken: string };
    const B = bo.body as { attemptId: string; attemptToken: string };

    // Ada answers the check before, plays the expert plan (with a retried batch), finishes with a forged claim.
    const questions = pickCheck(tutorial, seed, 'before');
    const answered = await call<{ results: AnswerResult[] }>('POST', `/${id}/attempts/${A.attemptId}/answers`, { stage: 'before', answers: questions.map((q, i) => ({ questionId: q.id, choice: i === 0 ? q.answer : (q.answer + 1) % q.choices.length })) }, A.attemptToken);
    expect(answered.status).toBe(200);
    expect(answered.body.results.map((r) => r.correct)).toEqual(questions.map((_, i) => i === 0));
    const plan = expertPlan('tutorial')!;
    const half = Math.ceil(plan.length / 2);
    expect((await call('POST', `/${id}/attempts/${A.attemptId}/actions`, { from: 0, actions: plan.slice(0, half) }, A.attemptToken)).body).toEqual({ kept: half });
    expect((await call('POST', `/${id}/attempts/${A.attemptId}/actions`, { from: 0, actions: plan }, A.attemptToken)).body).toEqual({ kept: plan.length });
    const gap = await call('POST', `/${id}/attempts/${A.attemptId}/actions`, { from: plan.length + 3, actions: [{ atS: 599, type: 'ready' }] }, A.attemptToken);
    expect(gap.status).toBe(409);
    expect((gap.body as ErrorReply).error).toMatchObject({ code: 'bad-seq', kept: plan.length });
    expect(errorCode(await call('POST', `/${id}/attempts/${A.attemptId}/answers`, { stage: 'before', answers: [{ questionId: questions[1]!.id, choice: 0 }] }, A.attemptToken))).toBe('wrong-stage');
    const finished = await call<FinishedAttempt>('POST', `/${id}/attempts/${A.attemptId}/finish`, { claimed: { total: 999 } }, A.attemptToken);
    expect(finished.status).toBe(200);
    const run = runScenario(tutorial, seed, { plan });
    const expected = computeScore(run.state, clusterOf(run.state, SOLO_CLUSTER)!);
    expect(finished.body.result.total).toBe(expected.total);
    expect((await call('POST', `/${id}/attempts/${A.attemptId}/finish`, {}, A.attemptToken)).body).toEqual(finished.body);
    expect(errorCode(await call('POST', `/${id}/attempts/${A.attemptId}/actions`, { from: plan.length, actions: [{ atS: 599, type: 'ready' }] }, A.attemptToken))).toBe('attempt-finished');
    const after = pickCheck(tutorial, seed, 'after');
    expect((await call('POST', `/${id}/attempts/${A.attemptId}/answers`, { stage: 'after', answers: after.map((q) => ({ questionId: q.id, choice: q.answer })) }, A.attemptToken)).status).toBe(200);

    // Bo makes refused moves and does not finish.
    const boPlan: PlanAction[] = [{ atS: 3, type: 'deleteVm', vmId: 'nothing' }, { atS: 4, type: 'remove', instanceId: 'nothing' }];
    expect((await call('POST', `/${id}/attempts/${B.attemptId}/actions`, { from: 0, actions: boPlan }, B.attemptToken)).body).toEqual({ kept: 2 });

    // A reloaded page resumes from this.
    const resumed = await call<AttemptView>('GET', `/${id}/attempts/${A.attemptId}`, undefined, A.attemptToken);
    expect(resumed.body).toMatchObject({ attemptId: A.attemptId, nickname: 'Ada', actions: plan, finished: true, result: finished.body.result, replayId: finished.body.replayId });
    expect(resumed.body.answers.before).toHaveLength(questions.length);

    // Progress, for the teacher only.
    expect(errorCode(await call('GET', `/${id}/progress`, undefined, A.attemptToken))).toBe('forbidden');
    const progress = await call<AssignmentProgress>('GET', `/${id}/progress`, undefined, teacherToken);
    expect(progress.status).toBe(200);
    expect(progress.body.summary).toEqual({ started: 2, finished: 1, averageTotal: expected.total });
    expect(progress.body.assignment).toMatchObject({ id, title: 'Homework: the tutorial', checks: true, closed: false, scenario: { id: 'tutorial', durationS: tutorial.durationS } });
    const rows = progress.body.attempts;
    expect(rows.map((r) => [r.nickname, r.finished, r.actions])).toEqual([
      ['Ada', true, plan.length],
      ['Bo', false, 2],
    ]);
    expect(rows[0]).toMatchObject({ claimedTotal: 999, checks: { before: { correct: 1, of: questions.length }, after: { correct: after.length, of: after.length } } });
    expect(rows[1]).toMatchObject({ atS: 4, result: null, checks: { before: { correct: 0, of: 0 }, after: { correct: 0, of: 0 } } });
    expect(progress.body.concepts.length).toBeGreaterThan(0);

    // The report, as for a live session.
    const report = await call<ClassReport>('GET', `/${id}/report.json`, undefined, teacherToken);
    expect(report.status).toBe(200);
    expect(report.headers.get('content-disposition')).toContain(`clusterclass-assignment-${id}-tutorial-report.json`);
    expect(report.body.room).toMatchObject({ code: id, mode: 'solo', seed, scenario: { id: 'tutorial' } });
    const students = report.body.students;
    expect(students.map((s) => [s.nickname, s.rank, s.playerId])).toEqual([
      ['Ada', 1, A.attemptId],
      ['Bo', 2, B.attemptId],
    ]);
    expect(students[0]!.score.total).toBe(Math.round(expected.total * 10) / 10);
    expect(students[1]!.decisions.map((d) => d.outcome)).toEqual(['refused', 'refused']);
    const checks = report.body.checks!;
    expect(checks.before).toEqual(questions.map((q) => q.id));
    expect(checks.students.map((s) => [s.playerId, s.nickname, s.before, s.after])).toEqual([
      [A.attemptId, 'Ada', { correct: 1, of: questions.length }, { correct: after.length, of: after.length }],
      [B.attemptId, 'Bo', { correct: 0, of: 0 }, { correct: 0, of: 0 }],
    ]);
    expect(checks.concepts).toEqual(progress.body.concepts);
    const csv = await call('GET', `/${id}/report.csv`, undefined, teacherToken);
    expect(String(csv.body).split('\r\n')[0]).toContain('checkBefore');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(String(csv.body)).toContain('student,Ada,');
    expect(String(csv.body)).toContain('student,Bo,');

    // Each attempt's replay replays to the re-simulated state.
    const replay = (await attemptReplay(store, finished.body.replayId))!;
    expect(replay.meta).toMatchObject({ code: id, hostToken: '', mode: 'solo', seed, replayId: finished.body.replayId, engineVersion: 3 });
    const replayed = replaySimulation(tutorial, seed, replay.log);
    expect(computeScore(replayed, clusterOf(replayed, SOLO_CLUSTER)!)).toEqual(expected);
    expect(replay.log.filter((e) => e.action.type === 'room:answer')).toHaveLength(questions.length + after.length);
    // The replay viewer's own route finds it too, without secrets.
    const viewed = await fetch(`${server.base}/api/replays/${finished.body.replayId}`);
    expect(viewed.status).toBe(200);
    const publicOne = (await viewed.json()) as { meta: Record<string, unknown>; log: typeof replay.log };
    expect(publicOne.meta).not.toHaveProperty('hostToken');
    expect(publicOne.log).toEqual(JSON.parse(JSON.stringify(publicReplay(replay).log)));
    const boReplay = (await attemptReplay(store, rows[1]!.replayId))!;
    expect(boReplay.log.filter((e) => e.action.type === 'room:refused')).toHaveLength(2);

    // Delete: gone everywhere.
    expect((await call('DELETE', `/${id}`, undefined, A.attemptToken)).status).toBe(403);
    expect((await call('DELETE', `/${id}`, undefined, teacherToken)).status).toBe(204);
    expect(errorCode(await call('GET', `/${id}`))).toBe('assignment-not-found');
    expect(errorCode(await call('GET', `/${id}/attempts/${A.attemptId}`, undefined, A.attemptToken))).toBe('assignment-not-found');
    expect(errorCode(await call('POST', `/${id}/attempts`, { nickname: 'Cy' }))).toBe('assignment-not-found');
    expect(errorCode(await call('GET', `/${id}/progress`, undefined, teacherToken))).toBe('assignment-not-found');
    expect(errorCode(await call('GET', `/${id}/report.json`, undefined, teacherToken))).toBe('assignment-not-found');
    expect(await attemptReplay(store, finished.body.replayId)).toBeNull();
    expect((await fetch(`${server.base}/api/replays/${finished.body.replayId}`)).status).toBe(404);
  });

  it('refuses bad requests with a code: tokens in URLs, bad JSON, unknown scenarios, bad deadlines, bad actions', async () => {
    const { id, teacherToken } = (await call('POST', '', { scenarioId: 'tutorial', deadlineMs: Date.now() + 60_000, checks: false })).body as { id: string; teacherToken: string };
    const { attemptId, attemptToken } = (await call('POST', `/${id}/attempts`, { nickname: 'Ada' })).body as { attemptId: string; attemptToken: string };
    expect(errorCode(await call('GET', `/${id}/progress?token=${teacherToken}`))).toBe('token-in-url');
    expect(errorCode(await call('POST', '', '{"scenarioId":'))).toBe('bad-json');
    expect(errorCode(await call('POST', '', { scenarioId: 'nope', deadlineMs: Date.now() + 60_000, checks: false }))).toBe('unknown-scenario');
    expect(errorCode(await call('POST', '', { scenarioId: 'tutorial', deadlineMs: Date.now() - 1, checks: false }))).toBe('bad-deadline');
    expect(errorCode(await call('POST', '', { scenarioId: 'tutorial', deadlineMs: Date.now() + 60_000, checks: false, title: 'x'.repeat(81) }))).toBe('bad-request');
    expect(errorCode(await call('POST', '', { scenarioId: 'tutorial', deadlineMs: Date.now() + 60_000 }))).toBe('bad-request');
    const badScenario = await call('POST', '', { scenario: { ...tutorial, durationS: -5 }, deadlineMs: Date.now() + 60_000, checks: false });
    expect(errorCode(badScenario)).toBe('bad-scenario');
    expect((badScenario.body as ErrorReply).error!.details).toContain('durationS: must be at least 30');
    expect((await call('GET', '/Nothing000')).status).toBe(404);
    expect((await call('GET', '/x')).status).toBe(404);
    const actions = (body: unknown, token = attemptToken) => call('POST', `/${id}/attempts/${attemptId}/actions`, body, token);
    expect(errorCode(await actions({ from: 0, actions: [] }))).toBe('bad-request');
    expect(errorCode(await actions({ from: 0, actions: [{ atS: 1, type: 'explode' }] }))).toBe('bad-request');
    expect(errorCode(await actions({ from: 0, actions: Array.from({ length: 201 }, () => ({ atS: 1, type: 'ready' })) }))).toBe('bad-request');
    expect(errorCode(await actions({ from: 0, actions: [{ atS: 601, type: 'ready' }] }))).toBe('bad-action');
    expect(errorCode(await actions({ from: 0, actions: [{ atS: 1, type: 'ready' }] }, 'wrong'))).toBe('forbidden');
    expect(errorCode(await actions({ from: 0, actions: [{ atS: 1, type: 'ready' }] }, ''))).toBe('forbidden');
    expect(errorCode(await call('POST', `/${id}/attempts/badid/actions`, { from: 0, actions: [{ atS: 1, type: 'ready' }] }, attemptToken))).toBe('forbidden');
    expect(errorCode(await call('POST', `/${id}/attempts/${attemptId}/answers`, { stage: 'before', answers: [{ questionId: 'isolation-1', choice: 0 }] }, attemptToken))).toBe('checks-off');
    expect((await actions({ from: 0, actions: [{ atS: 1, type: 'ready' }] })).body).toEqual({ kept: 1 });
    expect(errorCode(await actions({ from: 1, actions: [{ atS: 0.5, type: 'ready' }] }))).toBe('action-out-of-order');
    expect((await call<AttemptView>('GET', `/${id}/attempts/${attemptId}`, undefined, attemptToken)).body.actions).toEqual([{ atS: 1, type: 'ready' }]);
    expect((await call('GET', `/${id}/report.pdf`, undefined, teacherToken)).status).toBe(404);
  });

  it('lets a class behind one address start 60 attempts a minute, then answers rate-limited with Retry-After', async () => {
    const own = await startTestServer({ assignments: await makeStore() });
    try {
      const post = (path: string, body: unknown) => fetch(`${own.base}/api/assignments${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const { id } = (await (await post('', { scenarioId: 'tutorial', deadlineMs: Date.now() + 60_000, checks: false })).json()) as { id: string };
      for (let i = 0; i < 60; i++) expect((await post(`/${id}/attempts`, { nickname: `Student ${i}` })).status).toBe(201);
      const refused = await post(`/${id}/attempts`, { nickname: 'One too many' });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await refused.json()) as ErrorReply).error!.code).toBe('rate-limited');
    } finally {
      await own.close();
    }
  });
});
