import { describe, expect, it } from 'vitest';
import { buildClassReport, classReportCsv } from '../../server/reports/class-report.ts';
import type { RoomMeta } from '../../server/storage/store.ts';
import type { Logged, RoomLogEntry } from '../../shared/replay/log.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { conceptGains, pickCheck, type CheckStage, type Question } from '../../shared/learning/index.ts';
import { publicReplay } from '../../server/replays/public-replay.ts';
import { answersInLog } from '../../shared/learning/from-log.ts';

const scenario = getScenario('tutorial')!;
const meta: RoomMeta = { code: 'REPORT', hostToken: 'host-token-0123456789', mode: 'solo', seed: 11, scenario, createdAtMs: 0, checks: true };
const before = pickCheck(scenario, meta.seed, 'before');
const after = pickCheck(scenario, meta.seed, 'after');

const seat = (playerId: string, nickname: string): Logged[] => [
  { type: 'addCluster', clusterId: playerId, name: nickname },
  { type: 'room:seat', playerId, nickname, key: nickname.toLowerCase(), resumeToken: `token-${playerId}-0123456789`, deviceId: null },
];
const answer = (playerId: string, stage: CheckStage, q: Question, right: boolean): Logged => {
  const choice = right ? q.answer : (q.answer + 1) % q.choices.length;
  return { type: 'room:answer', playerId, stage, questionId: q.id, concept: q.concept, choice, correct: right };
};
const toLog = (actions: Logged[]): RoomLogEntry[] => actions.map((action, i) => ({ seq: i + 1, atMs: i, action }));

/** Ada: 1 of 5 right before, 5 of 5 after. Bob: 3 of 5, then 3 of 5. Cy answers nothing. Eve (removed) 0 of 5 before. */
function classLog(): RoomLogEntry[] {
  return toLog([
    ...seat('ada', 'Ada'),
    ...seat('bob', 'Bob'),
    ...seat('cy', 'Cy'),
    ...seat('eve', 'Eve'),
    ...before.map((q, i) => answer('ada', 'before', q, i === 0)),
    // A repeat (a log put together by hand): only the first answer counts.
    answer('ada', 'before', before[1]!, true),
    ...before.map((q, i) => answer('bob', 'before', q, i < 3)),
    ...before.map((q) => answer('eve', 'before', q, false)),
    { type: 'kick', clusterId: 'eve' },
    { type: 'room:ban', playerId: 'eve' },
    { type: 'start' },
    { type: 'tick' },
    { type: 'nextPhase' },
    ...after.map((q) => answer('ada', 'after', q, true)),
    ...after.map((q, i) => answer('bob', 'after', q, i >= 2)),
  ]);
}

describe('the report’s concept checks', () => {
  it('gives the class’s figures by concept and each student’s before and after', () => {
    const report = buildClassReport(meta, classLog());
    const checks = report.checks!;
    expect(checks.before).toEqual(before.map((q) => q.id));
    expect(checks.after).toEqual(after.map((q) => q.id));
    const byName = new Map(checks.students.map((s) => [s.nickname, s]));
    expect(byName.get('Ada')).toMatchObject({ before: { correct: 1, of: 5 }, after: { correct: 5, of: 5 } });
    expect(byName.get('Bob')).toMatchObject({ before: { correct: 3, of: 5 }, after: { correct: 3, of: 5 } });
    expect(byName.get('Cy')).toMatchObject({ before: { correct: 0, of: 0 }, after: { correct: 0, of: 0 } });
    // Eve's answers are in her own row but not in the class's figures.
    expect(byName.get('Eve')).toMatchObject({ before: { correct: 0, of: 5 } });
    const sum = (stage: 'before' | 'after') => checks.concepts.reduce((n, c) => ({ correct: n.correct + c[stage].correct, of: n.of + c[stage].of }), { correct: 0, of: 0 });
    expect(sum('before')).toEqual({ correct: 4, of: 10 });
    expect(sum('after')).toEqual({ correct: 8, of: 10 });
    // Every concept the checks ask about is listed, with the gain of the pooled shares.
    expect(checks.concepts.map((c) => c.concept)).toEqual([...new Set([...before, ...after].map((q) => q.concept))]);
    for (const c of checks.concepts) {
      const pre = c.before.correct / c.before.of;
      const post = c.after.correct / c.after.of;
      expect(c.gain).toBe(pre === 1 ? null : (post - pre) / (1 - pre));
    }
    // Ada's per-concept figures are hers alone.
    const ada = byName.get('Ada')!;
    expect(ada.concepts.reduce((n, c) => n + c.after.correct, 0)).toBe(5);
    expect(ada.concepts.reduce((n, c) => n + c.before.correct, 0)).toBe(1);
  });

  it('puts a per-concept section and each student’s before and after into the CSV', () => {
    const csv = classReportCsv(buildClassReport(meta, classLog()));
    const rows = csv.trim().split('\r\n');
    expect(rows[0]!.split(',').slice(-3)).toEqual(['checkBefore', 'checkAfter', 'checkGain']);
    const ada = rows.find((r) => r.startsWith('student,Ada,'))!;
    // Ada: 20 % right before, 100 % after: she learnt all she did not know (gain 1).
    expect(ada.endsWith(',1 of 5 right (20%),5 of 5 right (100%),1')).toBe(true);
    const cy = rows.find((r) => r.startsWith('student,Cy,'))!;
    expect(cy.endsWith(',not answered,not answered,')).toBe(true);
    const section = rows.filter((r) => r.startsWith('check-concept,'));
    expect(section).toHaveLength(new Set([...before, ...after].map((q) => q.concept)).size);
    expect(section.every((r) => r.includes('concept check, whole class'))).toBe(true);
  });

  it('is null for a room without checks, and the CSV keeps its columns', () => {
    const plain = { ...meta, checks: undefined };
    const log = toLog([...seat('ada', 'Ada'), { type: 'start' }, { type: 'tick' }]);
    const report = buildClassReport(plain, log);
    expect(report.checks).toBeNull();
    expect(classReportCsv(report).split('\r\n')[0]!.endsWith(',message')).toBe(true);
  });

  it('reads a synthesized log’s answers without the room’s checks (self-paced attempts)', () => {
    const plain = { ...meta, checks: undefined };
    const q = before[0]!;
    const report = buildClassReport(plain, toLog([...seat('ada', 'Ada'), answer('ada', 'before', q, true)]));
    expect(report.checks!.before).toEqual([q.id]);
    expect(report.checks!.concepts).toEqual([{ concept: q.concept, before: { correct: 1, of: 1 }, after: { correct: 0, of: 0 }, gain: null }]);
  });

  it('answersInLog keeps the first answer to each question', () => {
    const answers = answersInLog(classLog());
    expect(answers.filter((a) => a.by === 'ada' && a.stage === 'before')).toHaveLength(5);
    expect(answers.find((a) => a.by === 'ada' && a.questionId === before[1]!.id)!.correct).toBe(false);
  });
});

describe('a replay’s concept checks', () => {
  it('keeps the class’s figures but not who answered what', () => {
    const log = classLog();
    const shown = publicReplay({ meta, log, snapshots: [] });
    const answers = shown.log.map((e) => e.action).filter((a) => a.type === 'room:answer');
    expect(answers).toHaveLength(log.filter((e) => e.action.type === 'room:answer').length);
    const seats = new Set(shown.log.flatMap((e) => (e.action.type === 'room:seat' ? [e.action.playerId] : [])));
    expect(answers.every((a) => a.type === 'room:answer' && !seats.has(a.playerId))).toBe(true);
    // The same figures by concept as the room's own log gives.
    expect(conceptGains(answersInLog(shown.log))).toEqual(conceptGains(answersInLog(log)));
    expect(new Set(answersInLog(shown.log).map((a) => a.by)).size).toBe(3);
  });
});
