/**
 * Self-paced assignments: a teacher's scenario with a deadline that students play alone, in their
 * own browser. The server keeps each attempt's actions and scores it by re-simulating them.
 */
import type { Concept } from '../../shared/engine/concepts.ts';
import type { PlanAction } from '../../shared/engine/run.ts';
import type { Scenario } from '../../shared/scenario/schema.ts';
import type { AnswerResult, CheckStage } from '../../shared/learning/types.ts';
import type { AttemptResult } from '../../shared/protocol/assignments.ts';

export interface Assignment {
  /** 10 characters [A-Za-z0-9]: the link is /a/ID. */
  readonly id: string;
  readonly teacherToken: string;
  readonly title: string;
  readonly scenario: Scenario;
  /** One seed for every student, so their scores compare. */
  readonly seed: number;
  readonly engineVersion: number;
  readonly deadlineMs: number;
  readonly checks: boolean;
  readonly createdAtMs: number;
  /** Everything about it is forgotten then: the deadline plus REPLAY_TTL_DAYS. */
  readonly expiresAtMs: number;
}

/** What an attempt is when it starts; it never changes afterwards. */
export interface AttemptStart {
  readonly attemptId: string;
  readonly attemptToken: string;
  readonly nickname: string;
  /** The nickname's case- and space-folded key: unique in an assignment. */
  readonly key: string;
  readonly replayId: string;
  readonly startedAtMs: number;
}

export interface AttemptFinish {
  readonly finishedAtMs: number;
  readonly result: AttemptResult;
  /** How many kept actions the result covers: all of them, since none can be added after. */
  readonly actions: number;
  /** What the client said its total was, kept only so the teacher can see a mismatch. */
  readonly claimedTotal?: number;
}

/** One kept answer to a concept check question: the first one given. */
export interface KeptCheckAnswer {
  readonly stage: CheckStage;
  readonly concept: Concept;
  readonly atMs: number;
  readonly result: AnswerResult;
}

/** An attempt as the store has it now (its actions are read on their own). */
export interface Attempt extends AttemptStart {
  readonly lastActiveMs: number;
  /** Actions kept so far. */
  readonly actions: number;
  /** The last kept action's atS (0 before any). */
  readonly lastAtS: number;
  readonly finish: AttemptFinish | null;
  readonly answers: readonly KeptCheckAnswer[];
}

export type { PlanAction };
// What crosses the wire lives in shared/protocol/assignments.ts; these two are also stored.
export type { AttemptResult, ConceptCount } from '../../shared/protocol/assignments.ts';
