/**
 * Concept checks: short questions on the ideas the engine tags (shared/engine/concepts.ts), asked
 * before a run and after its debrief, so a class sees what it learnt, concept by concept.
 */
import type { Concept } from '../engine/concepts.ts';

/** Before the run (in the lobby, or before a self-paced attempt starts) or after the debrief. */
export type CheckStage = 'before' | 'after';
export const CHECK_STAGES = ['before', 'after'] as const satisfies readonly CheckStage[];

export interface Question {
  /** Stable and unique in the bank: `concept-n`, e.g. `shared-kernel-2`. Answers are kept by it. */
  readonly id: string;
  readonly concept: Concept;
  /** Multiple choice (3–5 choices) or true/false (choices exactly ['True', 'False']). */
  readonly kind: 'choice' | 'true-false';
  readonly prompt: string;
  readonly choices: readonly string[];
  /** Index into `choices` of the right answer. */
  readonly answer: number;
  /** One sentence, shown after answering, that says why. */
  readonly explanation: string;
}

/** A question as a student is shown it before answering: no answer, no explanation. */
export type QuestionPrompt = Omit<Question, 'answer' | 'explanation'>;

/** What a student learns once they have answered one question. */
export interface AnswerResult {
  readonly questionId: string;
  readonly choice: number;
  readonly correct: boolean;
  /** The right choice and why. */
  readonly answer: number;
  readonly explanation: string;
}

/** One answer as kept for scoring: who gave it (a player or an attempt), when, and whether it was right. */
export interface KeptAnswer {
  readonly by: string;
  readonly stage: CheckStage;
  readonly questionId: string;
  readonly concept: Concept;
  readonly correct: boolean;
}

/** Right answers out of answers given. */
export interface Tally {
  readonly correct: number;
  readonly of: number;
}

/**
 * One concept's result for a class (or one student): correct before, correct after, and the
 * normalised gain (after − before) / (1 − before) on the shares right; null when it cannot be
 * computed (nothing answered at one stage, or everything right before).
 */
export interface ConceptGain {
  readonly concept: Concept;
  readonly before: Tally;
  readonly after: Tally;
  readonly gain: number | null;
}
