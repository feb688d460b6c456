/**
 * The self-paced assignments REST API (`/api/assignments`, docs/PROTOCOL.md): the shapes of what
 * crosses the wire, used by the server that sends them and the browser that reads them. Types
 * only; the server checks request bodies with its own zod schemas (server/http/assignments-api.ts).
 */
import type { Concept } from '../engine/concepts.ts';
import type { PlanAction } from '../engine/run.ts';
import type { AnswerResult, CheckStage, ConceptGain, QuestionPrompt, Tally } from '../learning/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { ScoreView } from '../views/types.ts';

/** `POST /api/assignments`: a built-in scenario by id, or an uploaded one. */
export interface CreateAssignmentRequest {
  readonly scenarioId?: string;
  readonly scenario?: unknown;
  readonly deadlineMs: number;
  readonly checks: boolean;
  readonly title?: string;
  readonly passcode?: string;
}

export interface CreatedAssignment {
  readonly id: string;
  readonly teacherToken: string;
}

/** `GET /api/assignments/ID`, the public face of an assignment: what a student's browser needs to play it. */
export interface AssignmentView {
  readonly id: string;
  readonly title: string;
  readonly scenario: Scenario;
  readonly seed: number;
  readonly engineVersion: number;
  readonly deadlineMs: number;
  readonly closed: boolean;
  readonly checks: null | { readonly before: readonly QuestionPrompt[]; readonly after: readonly QuestionPrompt[] };
}

export interface ConceptCount {
  readonly concept: Concept;
  readonly count: number;
}

/** The server's score of a whole attempt, from re-simulating its actions: the live score's figures, without the per-app list. */
export interface AttemptResult extends Omit<ScoreView, 'apps'> {
  /** Actions the engine refused on re-simulation. */
  readonly rejections: number;
  /** Concepts of the refusals and of the incidents that hurt, as the live report counts them; most first. */
  readonly concepts: readonly ConceptCount[];
}

/** `POST .../attempts`: the attempt token goes back only once, here. */
export interface StartedAttempt {
  readonly attemptId: string;
  readonly attemptToken: string;
  readonly nickname: string;
}

/** `GET .../attempts/ATTEMPT`: everything a browser needs to resume an attempt. */
export interface AttemptView {
  readonly attemptId: string;
  readonly nickname: string;
  readonly actions: readonly PlanAction[];
  /** In the order the check asks them. */
  readonly answers: { readonly before: readonly AnswerResult[]; readonly after: readonly AnswerResult[] };
  readonly finished: boolean;
  readonly result: AttemptResult | null;
  /** Fixed when the attempt starts: an unfinished attempt replays to its last action. */
  readonly replayId: string;
}

/** `POST .../actions`: the kept actions `from` onwards are replaced by these. */
export interface ActionsRequest {
  readonly from: number;
  readonly actions: readonly PlanAction[];
}

/** How many actions the server keeps now. */
export interface KeptActions {
  readonly kept: number;
}

/** `POST .../answers`. */
export interface AnswersRequest {
  readonly stage: CheckStage;
  readonly answers: readonly { readonly questionId: string; readonly choice: number }[];
}

export interface AnswersReply {
  readonly results: readonly AnswerResult[];
}

/** `POST .../finish`. */
export interface FinishRequest {
  /** What the client says its total was: never used for the score, kept only so the teacher can see a mismatch. */
  readonly claimed?: number | { readonly total: number };
}

export interface FinishedAttempt {
  readonly result: AttemptResult;
  readonly replayId: string;
}

/** One student's row in the teacher's progress table. */
export interface AttemptProgress {
  readonly attemptId: string;
  readonly nickname: string;
  readonly startedAtMs: number;
  readonly lastActiveMs: number;
  readonly actions: number;
  /** The last kept action's second. */
  readonly atS: number;
  readonly finished: boolean;
  readonly finishedAtMs: number | null;
  readonly result: AttemptResult | null;
  readonly claimedTotal?: number;
  readonly checks: { readonly before: Tally; readonly after: Tally };
  readonly replayId: string;
}

/** `GET .../progress` (teacher token): the class so far. */
export interface AssignmentProgress {
  readonly assignment: {
    readonly id: string;
    readonly title: string;
    readonly scenario: { readonly id: string; readonly title: string; readonly durationS: number };
    readonly deadlineMs: number;
    readonly closed: boolean;
    readonly checks: boolean;
    readonly createdAtMs: number;
  };
  readonly attempts: readonly AttemptProgress[];
  readonly summary: { readonly started: number; readonly finished: number; readonly averageTotal: number | null };
  readonly concepts: readonly ConceptGain[];
  readonly missed: readonly ConceptCount[];
}
