import type { CheckStage } from '../../shared/learning/types.ts';
import type { PlanAction } from '../../shared/engine/run.ts';
import type { StoreStatus } from '../storage/store.ts';
import type { Assignment, Attempt, AttemptFinish, AttemptStart, KeptCheckAnswer } from './types.ts';

export const ASSIGNMENT_STORE_ERROR_CODES = [
  'assignment-exists',
  'assignment-not-found',
  'attempt-not-found',
  'nickname-taken',
  'assignment-full',
  'bad-seq',
  'attempt-finished',
  'too-many-actions',
  'action-out-of-order',
  'wrong-stage',
  /** Actions were kept while the attempt was being scored: score it again. */
  'attempt-moved',
  'store-unavailable',
] as const;
export type AssignmentStoreErrorCode = (typeof ASSIGNMENT_STORE_ERROR_CODES)[number];

export class AssignmentStoreError extends Error {
  override readonly name = 'AssignmentStoreError';

  constructor(
    readonly code: AssignmentStoreErrorCode,
    message: string,
    /** bad-seq: how many actions are kept, so the client can resend from there. */
    readonly kept?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One action to keep: its JSON (kept as given) and its game second (checked against the last one kept). */
export interface ActionToKeep {
  readonly atS: number;
  readonly action: PlanAction;
}

export interface AppendLimits {
  /** Actions an attempt keeps at most. */
  readonly maxActions: number;
  readonly nowMs: number;
}

/**
 * Where assignments are kept: in memory (the default) or in Redis (`REDIS_URL`), behind this one
 * interface and one contract suite (test/assignments/store-contract.ts). Each check-and-write is
 * one step, so several processes on one Redis stay consistent. Everything about an assignment
 * is forgotten at its `expiresAtMs`.
 */
export interface AssignmentStore {
  /** `assignment-exists` when the id is taken. */
  createAssignment(assignment: Assignment): Promise<void>;
  /** null when unknown, deleted or expired. */
  getAssignment(id: string): Promise<Assignment | null>;
  /**
   * Starts an attempt: `assignment-not-found`, `nickname-taken` (its key is held by another
   * attempt) or `assignment-full` (`maxAttempts` already) refuse it and keep nothing.
   */
  addAttempt(id: string, attempt: AttemptStart, maxAttempts: number): Promise<void>;
  /** null when the assignment or the attempt is unknown. */
  getAttempt(id: string, attemptId: string): Promise<Attempt | null>;
  /** Every attempt, in the order they started. */
  listAttempts(id: string): Promise<Attempt[]>;
  /**
   * Keeps actions after the first `from` of `actions` the client sent, the count it believes is
   * kept: fewer than kept (a retry) skips the overlap, more rejects with `bad-seq` (and `kept`).
   * `attempt-finished` once finished, `action-out-of-order` for an atS before the last kept one,
   * `too-many-actions` past `maxActions`: all or nothing. Resolves to the total kept.
   */
  appendActions(id: string, attemptId: string, from: number, actions: readonly ActionToKeep[], limits: AppendLimits): Promise<number>;
  /** The kept actions in order; [] when unknown. */
  readActions(id: string, attemptId: string): Promise<PlanAction[]>;
  /**
   * Keeps the first answer to each question and returns what is kept for each given one, in
   * order (a repeat gets the first). `wrong-stage`: `before` once an action is kept, `after`
   * before the attempt is finished.
   */
  keepAnswers(id: string, attemptId: string, stage: CheckStage, answers: readonly KeptCheckAnswer[]): Promise<KeptCheckAnswer[]>;
  /**
   * Finishes the attempt with the result of re-simulating its first `finish.actions` actions;
   * `attempt-moved` when more are kept by now. Finished already: resolves to the first finish.
   */
  finishAttempt(id: string, attemptId: string, finish: AttemptFinish): Promise<AttemptFinish>;
  /** Which attempt a replay id is; null when unknown. */
  findReplay(replayId: string): Promise<{ id: string; attemptId: string } | null>;
  /** Forgets the assignment and all its attempts, actions, answers and replay ids. No-op if unknown. */
  deleteAssignment(id: string): Promise<void>;
  status(): StoreStatus;
  close(): Promise<void>;
}

interface KeptAttempt {
  /** AttemptStart as JSON. */
  readonly start: string;
  lastActiveMs: number;
  lastAtS: number;
  readonly actions: string[];
  finish: string | null;
  /** By `${stage}:${questionId}`, JSON of KeptCheckAnswer. */
  readonly answers: Map<string, string>;
}

interface KeptAssignment {
  readonly json: string;
  readonly expiresAtMs: number;
  readonly attempts: Map<string, KeptAttempt>;
  /** Nickname key -> attempt id. */
  readonly nicknames: Map<string, string>;
}

export interface InMemoryAssignmentStoreOptions {
  /** Assignments expire against this clock (tests pass a fake one). */
  readonly now?: () => number;
}

/**
 * The default store: nothing survives the process. It keeps JSON text, as Redis does, so what a
 * caller passes in or gets back is never the store's own object.
 */
export class InMemoryAssignmentStore implements AssignmentStore {
  private readonly assignments = new Map<string, KeptAssignment>();
  private readonly replays = new Map<string, { id: string; attemptId: string }>();
  private readonly now: () => number;

  constructor(options: InMemoryAssignmentStoreOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  async createAssignment(assignment: Assignment): Promise<void> {
    this.sweep();
    if (this.live(assignment.id)) throw new AssignmentStoreError('assignment-exists', `assignment ${assignment.id} exists`);
    this.assignments.set(assignment.id, { json: JSON.stringify(assignment), expiresAtMs: assignment.expiresAtMs, attempts: new Map(), nicknames: new Map() });
  }

  async getAssignment(id: string): Promise<Assignment | null> {
    const kept = this.live(id);
    return kept ? (JSON.parse(kept.json) as Assignment) : null;
  }

  async addAttempt(id: string, attempt: AttemptStart, maxAttempts: number): Promise<void> {
    const kept = this.live(id);
    if (!kept) throw new AssignmentStoreError('assignment-not-found', `no assignment ${id}`);
    if (kept.nicknames.has(attempt.key)) throw new AssignmentStoreError('nickname-taken', `nickname ${attempt.nickname} is taken`);
    if (kept.attempts.size >= maxAttempts) throw new AssignmentStoreError('assignment-full', `assignment ${id} has ${maxAttempts} attempts`);
    kept.nicknames.set(attempt.key, attempt.attemptId);
    kept.attempts.set(attempt.attemptId, { start: JSON.stringify(attempt), lastActiveMs: attempt.startedAtMs, lastAtS: 0, actions: [], finish: null, answers: new Map() });
    this.replays.set(attempt.replayId, { id, attemptId: attempt.attemptId });
  }

  async getAttempt(id: string, attemptId: string): Promise<Attempt | null> {
    const attempt = this.live(id)?.attempts.get(attemptId);
    return attempt ? readAttempt(attempt) : null;
  }

  async listAttempts(id: string): Promise<Attempt[]> {
    const attempts = [...(this.live(id)?.attempts.values() ?? [])].map(readAttempt);
    return attempts.sort((a, b) => a.startedAtMs - b.startedAtMs);
  }

  async appendActions(id: string, attemptId: string, from: number, actions: readonly ActionToKeep[], limits: AppendLimits): Promise<number> {
    const attempt = this.attempt(id, attemptId);
    if (attempt.finish !== null) throw new AssignmentStoreError('attempt-finished', `attempt ${attemptId} is finished`);
    const kept = attempt.actions.length;
    if (from > kept) throw new AssignmentStoreError('bad-seq', `attempt ${attemptId} keeps ${kept} actions, not ${from}`, kept);
    const fresh = actions.slice(kept - from);
    if (fresh.length === 0) return kept;
    if (kept + fresh.length > limits.maxActions) throw new AssignmentStoreError('too-many-actions', `an attempt keeps at most ${limits.maxActions} actions`);
    let last = attempt.lastAtS;
    for (const a of fresh) {
      if (a.atS < last) throw new AssignmentStoreError('action-out-of-order', `an action at ${a.atS} s comes after one at ${last} s`);
      last = a.atS;
    }
    attempt.actions.push(...fresh.map((a) => JSON.stringify(a.action)));
    attempt.lastAtS = last;
    attempt.lastActiveMs = limits.nowMs;
    return attempt.actions.length;
  }

  async readActions(id: string, attemptId: string): Promise<PlanAction[]> {
    const attempt = this.live(id)?.attempts.get(attemptId);
    return (attempt?.actions ?? []).map((json) => JSON.parse(json) as PlanAction);
  }

  async keepAnswers(id: string, attemptId: string, stage: CheckStage, answers: readonly KeptCheckAnswer[]): Promise<KeptCheckAnswer[]> {
    const attempt = this.attempt(id, attemptId);
    if (stage === 'before' && (attempt.actions.length > 0 || attempt.finish !== null)) throw new AssignmentStoreError('wrong-stage', 'the check before comes before the first action');
    if (stage === 'after' && attempt.finish === null) throw new AssignmentStoreError('wrong-stage', 'the check after comes once the attempt is finished');
    const keptNow: KeptCheckAnswer[] = [];
    for (const answer of answers) {
      const field = `${stage}:${answer.result.questionId}`;
      if (!attempt.answers.has(field)) attempt.answers.set(field, JSON.stringify(answer));
      keptNow.push(JSON.parse(attempt.answers.get(field)!) as KeptCheckAnswer);
    }
    attempt.lastActiveMs = Math.max(attempt.lastActiveMs, ...answers.map((a) => a.atMs));
    return keptNow;
  }

  async finishAttempt(id: string, attemptId: string, finish: AttemptFinish): Promise<AttemptFinish> {
    const attempt = this.attempt(id, attemptId);
    if (attempt.finish !== null) return JSON.parse(attempt.finish) as AttemptFinish;
    if (attempt.actions.length !== finish.actions) throw new AssignmentStoreError('attempt-moved', `attempt ${attemptId} keeps ${attempt.actions.length} actions, not ${finish.actions}`);
    attempt.finish = JSON.stringify(finish);
    attempt.lastActiveMs = finish.finishedAtMs;
    return JSON.parse(attempt.finish) as AttemptFinish;
  }

  async findReplay(replayId: string): Promise<{ id: string; attemptId: string } | null> {
    const ref = this.replays.get(replayId);
    if (!ref || !this.live(ref.id)) return null;
    return { ...ref };
  }

  async deleteAssignment(id: string): Promise<void> {
    this.forget(id);
  }

  status(): StoreStatus {
    return { reachable: true, checkedAtMs: this.now() };
  }

  async close(): Promise<void> {}

  private attempt(id: string, attemptId: string): KeptAttempt {
    const kept = this.live(id);
    if (!kept) throw new AssignmentStoreError('assignment-not-found', `no assignment ${id}`);
    const attempt = kept.attempts.get(attemptId);
    if (!attempt) throw new AssignmentStoreError('attempt-not-found', `no attempt ${attemptId}`);
    return attempt;
  }

  /** The assignment unless it has expired (then it is forgotten, as Redis would). */
  private live(id: string): KeptAssignment | null {
    const kept = this.assignments.get(id);
    if (!kept) return null;
    if (this.now() < kept.expiresAtMs) return kept;
    this.forget(id);
    return null;
  }

  private forget(id: string): void {
    const kept = this.assignments.get(id);
    if (!kept) return;
    for (const attempt of kept.attempts.values()) this.replays.delete((JSON.parse(attempt.start) as AttemptStart).replayId);
    this.assignments.delete(id);
  }

  /** Expired assignments would otherwise stay in memory until someone asked for them. */
  private sweep(): void {
    for (const id of [...this.assignments.keys()]) this.live(id);
  }
}

function readAttempt(kept: KeptAttempt): Attempt {
  return {
    ...(JSON.parse(kept.start) as AttemptStart),
    lastActiveMs: kept.lastActiveMs,
    actions: kept.actions.length,
    lastAtS: kept.lastAtS,
    finish: kept.finish === null ? null : (JSON.parse(kept.finish) as AttemptFinish),
    answers: [...kept.answers.values()].map((json) => JSON.parse(json) as KeptCheckAnswer),
  };
}
