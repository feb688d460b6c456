import { customAlphabet, nanoid } from 'nanoid';
import { randomInt } from 'node:crypto';
import type { Concept } from '../../shared/engine/concepts.ts';
import { ENGINE_VERSION } from '../../shared/engine/version.ts';
import type { PlanAction } from '../../shared/engine/run.ts';
import type { Scenario } from '../../shared/scenario/schema.ts';
import type { CheckStage, Tally } from '../../shared/learning/types.ts';
import { mark, pickCheck, prompts, questionById } from '../../shared/learning/checks.ts';
import type { ClassReport } from '../reports/class-report.ts';
import { sameSecret } from '../common/secrets.ts';
import { checkNickname } from '../rooms/nickname.ts';
import { DEFAULT_REPLAY_TTL_DAYS } from '../storage/store.ts';
import { AssignmentError } from './errors.ts';
import { classChecks, mergeReports, type AttemptFacts } from './report.ts';
import { AssignmentStoreError, type AssignmentStore } from './store.ts';
import { SimulationError, type AttemptSimulator } from './simulator.ts';
import type { SimulationResults, SimulationTask, TaskOf } from './tasks.ts';
import type {
  AnswersReply,
  AssignmentProgress,
  AssignmentView,
  AttemptProgress,
  AttemptView,
  CreatedAssignment,
  FinishedAttempt,
  KeptActions,
  StartedAttempt,
} from '../../shared/protocol/assignments.ts';
import type { Assignment, Attempt, AttemptFinish, KeptCheckAnswer } from './types.ts';

export const ASSIGNMENT_LIMITS = {
  /** A deadline is at most this far ahead. */
  maxDeadlineDays: 90,
  /** Attempts per assignment unless MAX_PLAYERS says otherwise (the seats of a room). */
  attempts: 2000,
  /** Actions one attempt keeps: a long scenario played busily is a few hundred. */
  actions: 10_000,
  /** Actions per request. */
  batch: 200,
  titleMax: 80,
  /** Attempts scored again when actions keep arriving while one is scored (a client that finishes while still sending). */
  finishTries: 3,
  /** Attempts re-simulated at once for a report, so a big class does not fill the pool's queue. */
  reportParallel: 4,
} as const;

const newId = customAlphabet('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 10);
const newAttemptId = customAlphabet('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 12);

export interface AssignmentServiceOptions {
  readonly store: AssignmentStore;
  readonly simulator: AttemptSimulator;
  readonly now?: () => number;
  /** Days everything is kept after the deadline (REPLAY_TTL_DAYS). */
  readonly replayTtlDays?: number;
  readonly maxAttempts?: number;
}

export interface NewAssignment {
  readonly scenario: Scenario;
  readonly deadlineMs: number;
  readonly checks: boolean;
  readonly title?: string;
}

/**
 * Self-paced assignments: validate, check the tokens, keep, score by re-simulation. It knows
 * nothing of HTTP; every refusal is an AssignmentError with the code the API answers.
 */
export class AssignmentService {
  private readonly store: AssignmentStore;
  private readonly simulator: AttemptSimulator;
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly maxAttempts: number;

  constructor(options: AssignmentServiceOptions) {
    this.store = options.store;
    this.simulator = options.simulator;
    this.now = options.now ?? Date.now;
    this.ttlMs = (options.replayTtlDays ?? DEFAULT_REPLAY_TTL_DAYS) * 86_400_000;
    this.maxAttempts = options.maxAttempts ?? ASSIGNMENT_LIMITS.attempts;
  }

  async create(input: NewAssignment): Promise<CreatedAssignment> {
    const now = this.now();
    if (!(input.deadlineMs > now)) throw new AssignmentError('bad-deadline', 'The deadline must be in the future.');
    if (input.deadlineMs > now + ASSIGNMENT_LIMITS.maxDeadlineDays * 86_400_000) throw new AssignmentError('bad-deadline', `The deadline can be at most ${ASSIGNMENT_LIMITS.maxDeadlineDays} days from now.`);
    const title = input.title?.trim() || input.scenario.title;
    const teacherToken = nanoid(32);
    for (;;) {
      const assignment: Assignment = {
        id: newId(),
        teacherToken,
        title,
        scenario: input.scenario,
        // One seed for the whole class, so everyone meets the same events and scores compare.
        seed: randomInt(0, 2 ** 32),
        engineVersion: ENGINE_VERSION,
        deadlineMs: input.deadlineMs,
        checks: input.checks,
        createdAtMs: now,
        expiresAtMs: input.deadlineMs + this.ttlMs,
      };
      try {
        await this.store.createAssignment(assignment);
        return { id: assignment.id, teacherToken };
      } catch (error) {
        // 62^10 ids: a clash is all but impossible, but it must never overwrite another's.
        if (!(error instanceof AssignmentStoreError && error.code === 'assignment-exists')) throw translate(error);
      }
    }
  }

  async view(id: string): Promise<AssignmentView> {
    const a = await this.assignment(id);
    return {
      id: a.id,
      title: a.title,
      scenario: a.scenario,
      seed: a.seed,
      engineVersion: a.engineVersion,
      deadlineMs: a.deadlineMs,
      closed: this.closed(a),
      checks: a.checks ? { before: prompts(pickCheck(a.scenario, a.seed, 'before')), after: prompts(pickCheck(a.scenario, a.seed, 'after')) } : null,
    };
  }

  async startAttempt(id: string, rawNickname: string): Promise<StartedAttempt> {
    const a = await this.assignment(id);
    if (this.closed(a)) throw closedError();
    const checked = checkNickname(rawNickname);
    if (!checked.ok) throw new AssignmentError('bad-nickname', checked.message);
    const attempt = { attemptId: newAttemptId(), attemptToken: nanoid(32), nickname: checked.nickname, key: checked.key, replayId: nanoid(16), startedAtMs: this.now() };
    await this.store.addAttempt(id, attempt, this.maxAttempts).catch((error: unknown) => {
      throw translate(error);
    });
    return { attemptId: attempt.attemptId, attemptToken: attempt.attemptToken, nickname: attempt.nickname };
  }

  async attemptView(id: string, attemptId: string, token: string): Promise<AttemptView> {
    const { assignment, attempt } = await this.authorised(id, attemptId, token);
    const actions = await this.store.readActions(id, attemptId);
    // In the order the check asks them (a store keeps them in no particular order).
    const answersAt = (stage: CheckStage) => {
      const order = assignment.checks ? pickCheck(assignment.scenario, assignment.seed, stage).map((q) => q.id) : [];
      const rank = (x: KeptCheckAnswer) => order.indexOf(x.result.questionId);
      return attempt.answers.filter((x) => x.stage === stage).sort((x, y) => rank(x) - rank(y)).map((x) => x.result);
    };
    return {
      attemptId,
      nickname: attempt.nickname,
      actions,
      answers: { before: answersAt('before'), after: answersAt('after') },
      finished: attempt.finish !== null,
      result: attempt.finish?.result ?? null,
      replayId: attempt.replayId,
    };
  }

  /** Actions already checked against planActionSchema; here their times against the scenario. */
  async appendActions(id: string, attemptId: string, token: string, from: number, actions: readonly PlanAction[]): Promise<KeptActions> {
    const { assignment } = await this.authorised(id, attemptId, token);
    if (this.closed(assignment)) throw closedError();
    const durationS = assignment.scenario.durationS;
    const problems: string[] = [];
    actions.forEach((a, i) => {
      if (a.atS > durationS) problems.push(`actions[${i}].atS: must be at most the scenario's ${durationS} s`);
      else if (i > 0 && a.atS < actions[i - 1]!.atS) problems.push(`actions[${i}].atS: must not be before the action before it`);
    });
    if (problems.length > 0) throw new AssignmentError('bad-action', 'Some actions are not valid.', { details: problems });
    try {
      const kept = await this.store.appendActions(id, attemptId, from, actions.map((action) => ({ atS: action.atS, action })), { maxActions: ASSIGNMENT_LIMITS.actions, nowMs: this.now() });
      return { kept };
    } catch (error) {
      throw translate(error);
    }
  }

  async answer(id: string, attemptId: string, token: string, stage: CheckStage, given: readonly { questionId: string; choice: number }[]): Promise<AnswersReply> {
    const { assignment } = await this.authorised(id, attemptId, token);
    if (!assignment.checks) throw new AssignmentError('checks-off', 'This assignment has no concept checks.');
    const asked = new Set(pickCheck(assignment.scenario, assignment.seed, stage).map((q) => q.id));
    const atMs = this.now();
    const answers: KeptCheckAnswer[] = [];
    for (const { questionId, choice } of given) {
      if (!asked.has(questionId)) throw new AssignmentError('unknown-question', `"${questionId.slice(0, 40)}" is not a question of the check ${stage} the game.`);
      const result = mark(questionId, choice);
      if (!result) throw new AssignmentError('bad-request', `Choice ${choice} is not one of question ${questionId}'s choices.`);
      answers.push({ stage, concept: questionById(questionId)!.concept, atMs, result });
    }
    try {
      const kept = await this.store.keepAnswers(id, attemptId, stage, answers);
      return { results: kept.map((k) => k.result) };
    } catch (error) {
      throw translate(error);
    }
  }

  /**
   * Scores the attempt by re-simulating what was kept; `claimed` is kept only so the teacher can
   * see a mismatch. Allowed after the deadline: nothing it scores was sent after it.
   */
  async finish(id: string, attemptId: string, token: string, claimed: unknown): Promise<FinishedAttempt> {
    const { assignment, attempt } = await this.authorised(id, attemptId, token);
    if (attempt.finish) return { result: attempt.finish.result, replayId: attempt.replayId };
    this.checkEngine(assignment);
    const claimedTotal = claimedTotalOf(claimed);
    for (let tries = 1; ; tries++) {
      const plan = await this.store.readActions(id, attemptId);
      const result = await this.simulate({ kind: 'score', scenario: assignment.scenario, seed: assignment.seed, plan });
      const finish: AttemptFinish = { finishedAtMs: this.now(), result, actions: plan.length, ...(claimedTotal !== undefined ? { claimedTotal } : {}) };
      try {
        const kept = await this.store.finishAttempt(id, attemptId, finish);
        return { result: kept.result, replayId: attempt.replayId };
      } catch (error) {
        if (!(error instanceof AssignmentStoreError && error.code === 'attempt-moved' && tries < ASSIGNMENT_LIMITS.finishTries)) throw translate(error);
      }
    }
  }

  async progress(id: string, teacherToken: string): Promise<AssignmentProgress> {
    const a = await this.teacher(id, teacherToken);
    const attempts = await this.store.listAttempts(id);
    const finished = attempts.filter((x) => x.finish !== null);
    const missed = new Map<Concept, number>();
    for (const x of finished) for (const c of x.finish!.result.concepts) missed.set(c.concept, (missed.get(c.concept) ?? 0) + c.count);
    return {
      assignment: { id: a.id, title: a.title, scenario: { id: a.scenario.id, title: a.scenario.title, durationS: a.scenario.durationS }, deadlineMs: a.deadlineMs, closed: this.closed(a), checks: a.checks, createdAtMs: a.createdAtMs },
      attempts: attempts.map(progressRow),
      summary: {
        started: attempts.length,
        finished: finished.length,
        averageTotal: finished.length > 0 ? finished.reduce((sum, x) => sum + x.finish!.result.total, 0) / finished.length : null,
      },
      // As the report has them: the class figure pools every student's answers.
      concepts: [...(classChecks(a, attempts)?.concepts ?? [])],
      missed: [...missed].map(([concept, count]) => ({ concept, count })).sort((p, q) => q.count - p.count || p.concept.localeCompare(q.concept)),
    };
  }

  /** The live session's report shape: every attempt re-simulated off the main thread, then merged. */
  async report(id: string, teacherToken: string): Promise<ClassReport> {
    const a = await this.teacher(id, teacherToken);
    this.checkEngine(a);
    const { teacherToken: _secret, ...facts } = a;
    const attempts = await this.store.listAttempts(id);
    const parts = await mapLimit(attempts, ASSIGNMENT_LIMITS.reportParallel, async (attempt) => {
      const { attemptToken: _token, ...rest } = attempt;
      const full: AttemptFacts = { ...rest, plan: await this.store.readActions(id, attempt.attemptId) };
      return { attempt: full, report: await this.simulate({ kind: 'attemptReport', assignment: facts, attempt: full }) };
    });
    return mergeReports(facts, parts, this.now());
  }

  async delete(id: string, teacherToken: string): Promise<void> {
    await this.teacher(id, teacherToken);
    await this.store.deleteAssignment(id).catch((error: unknown) => {
      throw translate(error);
    });
  }

  private closed(a: Assignment): boolean {
    return this.now() >= a.deadlineMs;
  }

  private checkEngine(a: Assignment): void {
    if (a.engineVersion !== ENGINE_VERSION) {
      throw new AssignmentError('engine-changed', `This assignment was made with engine version ${a.engineVersion}; the server now runs version ${ENGINE_VERSION}, which would score it differently.`);
    }
  }

  private async assignment(id: string): Promise<Assignment> {
    const a = await this.store.getAssignment(id).catch((error: unknown) => {
      throw translate(error);
    });
    if (!a) throw new AssignmentError('assignment-not-found', 'There is no assignment with that link, or it has expired.');
    return a;
  }

  private async teacher(id: string, token: string): Promise<Assignment> {
    const a = await this.assignment(id);
    if (!token || !sameSecret(token, a.teacherToken)) throw new AssignmentError('forbidden', 'Only the teacher who made this assignment can do that.');
    return a;
  }

  /** The same answer for an unknown attempt and a wrong token: attempt ids are not to be probed. */
  private async authorised(id: string, attemptId: string, token: string): Promise<{ assignment: Assignment; attempt: Attempt }> {
    const assignment = await this.assignment(id);
    const attempt = await this.store.getAttempt(id, attemptId).catch((error: unknown) => {
      throw translate(error);
    });
    if (!attempt || !token || !sameSecret(token, attempt.attemptToken)) throw new AssignmentError('forbidden', 'This attempt is not yours, or its key is wrong.');
    return { assignment, attempt };
  }

  private async simulate<K extends SimulationTask['kind']>(task: TaskOf<K>): Promise<SimulationResults[K]> {
    try {
      return await this.simulator.run<K>(task);
    } catch (error) {
      if (error instanceof SimulationError) throw new AssignmentError('server-busy', 'The server could not score this right now; try again in a moment.');
      throw error;
    }
  }
}

function progressRow(x: Attempt): AttemptProgress {
  const tallyOf = (stage: CheckStage): Tally => {
    const given = x.answers.filter((k) => k.stage === stage);
    return { correct: given.filter((k) => k.result.correct).length, of: given.length };
  };
  return {
    attemptId: x.attemptId,
    nickname: x.nickname,
    startedAtMs: x.startedAtMs,
    lastActiveMs: x.lastActiveMs,
    actions: x.actions,
    atS: x.lastAtS,
    finished: x.finish !== null,
    finishedAtMs: x.finish?.finishedAtMs ?? null,
    result: x.finish?.result ?? null,
    ...(x.finish?.claimedTotal !== undefined ? { claimedTotal: x.finish.claimedTotal } : {}),
    checks: { before: tallyOf('before'), after: tallyOf('after') },
    replayId: x.replayId,
  };
}

/** A number, or `{total: number}` as the client sends it; anything else is not kept. */
function claimedTotalOf(claimed: unknown): number | undefined {
  const total = typeof claimed === 'object' && claimed !== null && Object.hasOwn(claimed, 'total') ? (claimed as { total: unknown }).total : claimed;
  return typeof total === 'number' && Number.isFinite(total) ? total : undefined;
}

const closedError = () => new AssignmentError('assignment-closed', 'The deadline for this assignment has passed.');

/** A store's refusal as the API's; anything unexpected goes on as it is (a 500). */
function translate(error: unknown): unknown {
  if (!(error instanceof AssignmentStoreError)) return error;
  switch (error.code) {
    case 'assignment-not-found':
      return new AssignmentError('assignment-not-found', 'There is no assignment with that link, or it has expired.');
    case 'attempt-not-found':
      return new AssignmentError('forbidden', 'This attempt is not yours, or its key is wrong.');
    case 'nickname-taken':
      return new AssignmentError('nickname-taken', 'Someone already has that nickname on this assignment. Pick another.');
    case 'assignment-full':
      return new AssignmentError('assignment-full', 'This assignment has as many attempts as it can take.');
    case 'bad-seq':
      return new AssignmentError('bad-seq', `The server keeps ${error.kept ?? 0} actions of this attempt: send again from there.`, { kept: error.kept ?? 0 });
    case 'attempt-finished':
      return new AssignmentError('attempt-finished', 'This attempt is finished: it takes no more actions.');
    case 'too-many-actions':
      return new AssignmentError('too-many-actions', `An attempt keeps at most ${ASSIGNMENT_LIMITS.actions} actions.`);
    case 'action-out-of-order':
      return new AssignmentError('action-out-of-order', 'An action cannot come before one already kept.');
    case 'wrong-stage':
      return new AssignmentError('wrong-stage', error.message.replace(/^./, (c) => c.toUpperCase()) + '.');
    case 'store-unavailable':
      return new AssignmentError('store-unavailable', 'The assignment store is not answering; try again in a moment.');
    case 'assignment-exists':
    case 'attempt-moved':
      return error;
    default: {
      const never: never = error.code;
      return new Error(`unknown store error ${String(never)}`);
    }
  }
}

/** Runs `work` over `items`, at most `limit` at once, keeping their order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  });
  await Promise.all(lanes);
  return results;
}
