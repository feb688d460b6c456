import type { Concept } from '../../shared/engine/concepts.ts';
import type { Phase } from '../../shared/engine/types.ts';
import type { Scenario } from '../../shared/scenario/schema.ts';
import type { AnswerResult, CheckStage, ConceptGain, Question, QuestionPrompt, Tally } from '../../shared/learning/types.ts';
import { CHECK_STAGES } from '../../shared/learning/types.ts';
import { mark, normalisedGain, pickCheck, prompts, questionById } from '../../shared/learning/index.ts';
import type { RoomEvent } from '../../shared/replay/log.ts';
import type { CheckProgress, ProjectorChecks, StudentCheck, TeacherChecks } from '../../shared/views/index.ts';

export type AnswerEvent = Extract<RoomEvent, { type: 'room:answer' }>;

/** What a snapshot keeps of a room's checks: the kept answers of its seated players, in the order given. */
export type ChecksState = readonly AnswerEvent[];

/** The check a phase offers: before in the lobby, after at the debrief (and once ended); none during the run. */
export function checkStageOf(phase: Phase): CheckStage | null {
  if (phase === 'lobby') return 'before';
  if (phase === 'debrief' || phase === 'ended') return 'after';
  return null;
}

/** Why an answer is not taken, as the room answers it. */
export type AnswerRefusal = { readonly code: 'wrong-stage' | 'bad-request'; readonly message: string };

interface Stage {
  readonly questions: readonly Question[];
  /** Question id → its place in the check. */
  readonly place: ReadonlyMap<string, number>;
  /** A student who has answered nothing yet sees this one (one object for the class: an unchanged view is one comparison). */
  readonly empty: StudentCheck;
  readonly prompts: readonly QuestionPrompt[];
  /** Right answers and answers given by seated players, by concept. */
  readonly byConcept: Map<Concept, { correct: number; of: number }>;
  /** Seated players who answered every question, and who answered at least one. */
  answered: number;
  started: number;
}

interface PlayerAnswers {
  readonly events: Record<CheckStage, Map<string, AnswerEvent>>;
  /** The player's view of each stage, rebuilt only when they answer. */
  readonly views: Record<CheckStage, StudentCheck | null>;
}

/**
 * A room's two concept checks and the answers kept to them. Answers change only through
 * `room:answer` events (live and on restore), so the log rebuilds it exactly; a player removed
 * by the teacher leaves the class's figures. The class's figures are kept up to date answer by
 * answer, so a screen costs the same whatever the class's size.
 */
export class RoomChecks {
  private readonly stages: Record<CheckStage, Stage>;
  private readonly players = new Map<string, PlayerAnswers>();
  /** The concepts the checks cover, in the before check's order. */
  private readonly concepts: readonly Concept[];
  private version = 0;
  private teacherCache: { version: number; of: number; view: TeacherChecks } | null = null;
  private gainsCache: { version: number; gains: readonly ConceptGain[] } | null = null;

  constructor(scenario: Scenario, seed: number) {
    const build = (stage: CheckStage): Stage => {
      const questions = pickCheck(scenario, seed, stage);
      const shown = prompts(questions);
      return { questions, place: new Map(questions.map((q, i) => [q.id, i])), prompts: shown, empty: { stage, questions: shown, results: [] }, byConcept: new Map(), answered: 0, started: 0 };
    };
    this.stages = { before: build('before'), after: build('after') };
    this.concepts = [...new Set([...this.stages.before.questions, ...this.stages.after.questions].map((q) => q.concept))];
  }

  /** The question ids of a stage's check, in order. */
  questionIds(stage: CheckStage): string[] {
    return this.stages[stage].questions.map((q) => q.id);
  }

  /**
   * Marks an answer: the kept result when this player already answered that question (the first
   * answer stands), else the event to log. Nothing changes here until the event is applied.
   */
  answer(playerId: string, stage: CheckStage, questionId: string, choice: number): { kept: AnswerResult } | { event: AnswerEvent; result: AnswerResult } | AnswerRefusal {
    const s = this.stages[stage];
    const place = s.place.get(questionId);
    if (place === undefined) return { code: 'bad-request', message: `That question is not in this ${stage === 'before' ? 'first' : 'second'} check.` };
    const kept = this.players.get(playerId)?.events[stage].get(questionId);
    if (kept) return { kept: resultOf(kept) };
    const result = mark(questionId, choice);
    if (!result) return { code: 'bad-request', message: `That question has no choice ${choice + 1}.` };
    const question = s.questions[place]!;
    return { event: { type: 'room:answer', playerId, stage, questionId, concept: question.concept, choice, correct: result.correct }, result };
  }

  /** Applies a room event (live and on restore): answers are kept, a seat removed takes its answers away. */
  apply(event: RoomEvent): void {
    if (event.type === 'room:answer') this.keep(event);
    else if (event.type === 'room:ban' || event.type === 'room:unseat') this.drop(event.playerId);
  }

  private keep(event: AnswerEvent): void {
    const s = this.stages[event.stage];
    // Only questions of this room's checks count (the log holds nothing else; a check's questions never change for a room).
    if (!s.place.has(event.questionId)) return;
    let p = this.players.get(event.playerId);
    if (!p) this.players.set(event.playerId, (p = { events: { before: new Map(), after: new Map() }, views: { before: null, after: null } }));
    const given = p.events[event.stage];
    if (given.has(event.questionId)) return;
    given.set(event.questionId, event);
    p.views[event.stage] = null;
    this.count(event.stage, event, given.size, +1);
  }

  private drop(playerId: string): void {
    const p = this.players.get(playerId);
    if (!p) return;
    for (const stage of CHECK_STAGES) {
      const given = p.events[stage];
      let n = given.size;
      for (const event of given.values()) this.count(stage, event, n--, -1);
    }
    this.players.delete(playerId);
  }

  /** Adds (+1) or takes away (−1) one answer, `size` being the player's answers at that stage with it. */
  private count(stage: CheckStage, event: AnswerEvent, size: number, sign: 1 | -1): void {
    const s = this.stages[stage];
    const t = s.byConcept.get(event.concept) ?? { correct: 0, of: 0 };
    t.of += sign;
    if (event.correct) t.correct += sign;
    s.byConcept.set(event.concept, t);
    if (size === 1) s.started += sign;
    if (size === s.questions.length) s.answered += sign;
    this.version++;
  }

  /** A student's check in a phase: the stage's questions and their results, or null during the run. */
  student(playerId: string, phase: Phase): StudentCheck | null {
    const stage = checkStageOf(phase);
    if (!stage) return null;
    const p = this.players.get(playerId);
    if (!p || p.events[stage].size === 0) return this.stages[stage].empty;
    const cached = p.views[stage];
    if (cached) return cached;
    const s = this.stages[stage];
    const results = [...p.events[stage].values()].sort((a, b) => s.place.get(a.questionId)! - s.place.get(b.questionId)!).map(resultOf);
    return (p.views[stage] = { stage, questions: s.prompts, results });
  }

  /** Every question of a stage answered by this player. */
  done(playerId: string, stage: CheckStage): boolean {
    return (this.players.get(playerId)?.events[stage].size ?? 0) === this.stages[stage].questions.length;
  }

  /** The class's results by concept: correct before, correct after, and the normalised gain. */
  gains(): readonly ConceptGain[] {
    if (this.gainsCache?.version === this.version) return this.gainsCache.gains;
    const tallyOf = (stage: CheckStage, concept: Concept): Tally => {
      const t = this.stages[stage].byConcept.get(concept);
      return { correct: t?.correct ?? 0, of: t?.of ?? 0 };
    };
    const gains = this.concepts.map((concept) => {
      const before = tallyOf('before', concept);
      const after = tallyOf('after', concept);
      return { concept, before, after, gain: normalisedGain(before, after) };
    });
    this.gainsCache = { version: this.version, gains };
    return gains;
  }

  /** The teacher's figures; `of` is the number of seated students. The same object while nothing changed. */
  teacher(of: number): TeacherChecks {
    const c = this.teacherCache;
    if (c && c.version === this.version && c.of === of) return c.view;
    const progress = (stage: CheckStage): CheckProgress => ({ answered: this.stages[stage].answered, started: this.stages[stage].started, of });
    const view: TeacherChecks = { before: progress('before'), after: progress('after'), concepts: this.gains() };
    this.teacherCache = { version: this.version, of, view };
    return view;
  }

  /** The projector's: progress with the open check, and the class's results once the run is over. */
  projector(phase: Phase, of: number): ProjectorChecks {
    const stage = checkStageOf(phase);
    return { stage, answered: stage ? this.stages[stage].answered : 0, of, concepts: stage === 'after' ? this.gains() : [] };
  }

  capture(): ChecksState {
    const out: AnswerEvent[] = [];
    for (const p of this.players.values()) for (const stage of CHECK_STAGES) out.push(...p.events[stage].values());
    return out;
  }

  /** Starts again from a snapshot's answers. */
  load(saved: ChecksState): void {
    for (const id of [...this.players.keys()]) this.drop(id);
    for (const event of saved) this.keep(event);
  }
}

/** The result a kept answer gives back: marked as it was when given, with the question's answer and why. */
function resultOf(event: AnswerEvent): AnswerResult {
  const q = questionById(event.questionId);
  return { questionId: event.questionId, choice: event.choice, correct: event.correct, answer: q?.answer ?? -1, explanation: q?.explanation ?? '' };
}
