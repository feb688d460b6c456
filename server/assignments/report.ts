/**
 * An assignment's class report, the same shape as a live session's: each attempt's room log is
 * synthesized (server/assignments/simulate.ts) and run through buildClassReport on its own (each
 * student played alone), then the students are put side by side and ranked.
 */
import type { Concept } from '../../shared/engine/concepts.ts';
import type { RoomLogEntry } from '../../shared/replay/log.ts';
import { buildClassReport, type ClassReport, type StudentReport } from '../reports/class-report.ts';
import type { RoomMeta } from '../storage/store.ts';
import type { PlanAction } from '../../shared/engine/run.ts';
import { attemptLog } from './simulate.ts';
import type { Assignment, Attempt } from './types.ts';

/** What a report needs of an assignment: never its teacher token. */
export type AssignmentFacts = Omit<Assignment, 'teacherToken'>;
/** What a report needs of an attempt: never its token. */
export type AttemptFacts = Omit<Attempt, 'attemptToken'> & { readonly plan: readonly PlanAction[] };

/** The room an attempt would have been, for the live session's report and replay code. */
export function attemptMeta(assignment: AssignmentFacts, attempt: Pick<Attempt, 'replayId' | 'startedAtMs'>): RoomMeta {
  return {
    code: assignment.id,
    hostToken: '',
    mode: 'solo',
    seed: assignment.seed,
    scenario: assignment.scenario,
    createdAtMs: attempt.startedAtMs,
    replayId: attempt.replayId,
    engineVersion: assignment.engineVersion,
    ...(assignment.checks ? { checks: true } : {}),
  };
}

export function attemptReport(assignment: AssignmentFacts, attempt: AttemptFacts): ClassReport {
  const { log } = attemptLog({
    scenario: assignment.scenario,
    seed: assignment.seed,
    nickname: attempt.nickname,
    plan: attempt.plan,
    answers: attempt.answers,
    startedAtMs: attempt.startedAtMs,
    finished: attempt.finish !== null,
  });
  return buildClassReport(attemptMeta(assignment, attempt), log);
}

/** The whole class: one report per attempt, merged. */
export function assignmentReport(assignment: AssignmentFacts, attempts: readonly AttemptFacts[], nowMs: number): ClassReport {
  const reports = attempts.map((a) => ({ attempt: a, report: attemptReport(assignment, a) }));
  return mergeReports(assignment, reports, nowMs);
}

export function mergeReports(assignment: AssignmentFacts, parts: readonly { readonly attempt: AttemptFacts; readonly report: ClassReport }[], nowMs: number): ClassReport {
  // Each part's one student sat at the solo cluster; in the class they are told apart by attempt.
  const students: StudentReport[] = parts.flatMap(({ attempt, report }) => report.students.map((s) => ({ ...s, playerId: attempt.attemptId })));
  // Ranked as standings() ranks a room: by total, equal totals share a rank.
  const totals = students.map((s) => s.score.total).sort((a, b) => b - a);
  const ranked = students.map((s) => ({ ...s, rank: totals.indexOf(s.score.total) + 1 })).sort((a, b) => a.rank! - b.rank! || a.nickname.localeCompare(b.nickname));

  // Each part counted its own student once: the class's counts are their sums.
  const concepts = new Map<Concept, { refusals: number; incidents: number; students: number }>();
  for (const { report } of parts) {
    for (const c of report.concepts) {
      const t = concepts.get(c.concept) ?? { refusals: 0, incidents: 0, students: 0 };
      concepts.set(c.concept, { refusals: t.refusals + c.refusals, incidents: t.incidents + c.incidents, students: t.students + c.students });
    }
  }
  const conceptRows = [...concepts]
    .map(([concept, t]) => ({ concept, ...t }))
    .sort((a, b) => b.students - a.students || b.refusals + b.incidents - (a.refusals + a.incidents) || a.concept.localeCompare(b.concept));

  const timeS = Math.max(0, ...parts.map((p) => p.report.room.timeS));
  const room = {
    code: assignment.id,
    mode: 'solo',
    seed: assignment.seed,
    scenario: { id: assignment.scenario.id, title: assignment.scenario.title },
    // A self-paced class is over once its deadline has passed.
    phase: assignment.deadlineMs <= nowMs ? 'ended' : 'running',
    timeS,
    durationS: assignment.scenario.durationS,
  };
  return { room, students: ranked, concepts: conceptRows, checks: classChecks(assignment, parts.map((p) => p.attempt)) };
}

/**
 * The class's concept checks, computed by the live report's own code from a log of every
 * attempt's seat and answers (nothing else: the checks do not depend on the simulation).
 */
export function classChecks(assignment: AssignmentFacts, attempts: readonly Pick<Attempt, 'attemptId' | 'nickname' | 'startedAtMs' | 'answers'>[]): ClassReport['checks'] {
  const log: RoomLogEntry[] = [];
  const push = (action: RoomLogEntry['action'], atMs: number) => log.push({ seq: log.length + 1, atMs, action });
  for (const a of attempts) {
    push({ type: 'room:seat', playerId: a.attemptId, nickname: a.nickname, key: '', resumeToken: '', deviceId: null }, a.startedAtMs);
    for (const k of a.answers) push({ type: 'room:answer', playerId: a.attemptId, stage: k.stage, questionId: k.result.questionId, concept: k.concept, choice: k.result.choice, correct: k.result.correct }, k.atMs);
  }
  return buildClassReport({ ...attemptMeta(assignment, { replayId: '', startedAtMs: assignment.createdAtMs }) }, log).checks;
}

