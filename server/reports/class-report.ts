import type { Concept } from '../../shared/engine/concepts.ts';
import type { PlayerAction, SimState } from '../../shared/engine/types.ts';
import type { RosterState } from '../rooms/roster.ts';
import { describeLimits } from '../../shared/engine/limits.ts';
import { clusterOf, createSimulation, reduce } from '../../shared/engine/index.ts';
import { standings } from '../../shared/views/index.ts';
import type { RoomEvent, RoomLogEntry } from '../../shared/replay/log.ts';
import { isRoomEvent, simActionOf } from '../../shared/replay/log.ts';
import type { RoomMeta } from '../storage/store.ts';
import type { ChecksState } from '../rooms/checks.ts';
import type { CheckStage, ConceptGain, KeptAnswer, Tally } from '../../shared/learning/types.ts';
import { conceptGains, normalisedGain, pickCheck } from '../../shared/learning/index.ts';
import { answersInLog } from '../../shared/learning/from-log.ts';

export interface Decision {
  readonly atS: number;
  readonly action: PlayerAction;
  readonly outcome: 'accepted' | 'refused';
  readonly code: string | null;
  readonly concept: Concept | null;
  readonly message: string | null;
}

export interface StudentReport {
  readonly playerId: string;
  readonly nickname: string;
  readonly team: string | null;
  readonly rank: number | null;
  readonly score: { readonly total: number; readonly availability: number; readonly cost: number; readonly security: number };
  readonly decisions: readonly Decision[];
  readonly incidents: readonly { atS: number; type: string; concept: Concept; appIds: readonly string[]; message: string; securityPenalty: number }[];
  readonly kicked: boolean;
}

export interface ClassReport {
  readonly room: { readonly code: string; readonly mode: string; readonly seed: number; readonly scenario: { readonly id: string; readonly title: string }; readonly phase: string; readonly timeS: number; readonly durationS: number };
  readonly students: readonly StudentReport[];
  /** The concepts the class met most often, in refusals and in incidents. */
  readonly concepts: readonly { readonly concept: Concept; readonly refusals: number; readonly incidents: number; readonly students: number }[];
  /** The concept checks, when the room had them (or its log holds answers). */
  readonly checks: ChecksReport | null;
}

/** One student's concept checks: right answers before and after, overall and by concept. */
export interface StudentChecks {
  readonly playerId: string;
  readonly nickname: string;
  readonly before: Tally;
  readonly after: Tally;
  readonly concepts: readonly ConceptGain[];
}

export interface ChecksReport {
  /** The question ids of each check, in the order asked. */
  readonly before: readonly string[];
  readonly after: readonly string[];
  /** The class's results by concept (students the teacher removed left out). */
  readonly concepts: readonly ConceptGain[];
  readonly students: readonly StudentChecks[];
}

const r1 = (x: number) => Math.round(x * 10) / 10;

/**
 * The teacher's report, built from the room's log alone: the simulation is replayed to learn
 * the second of every decision, and room events say who made it and what was refused. A log
 * that no longer starts at the beginning (the store lost the room and it was written again from
 * a snapshot) starts from that snapshot: the decisions before it are gone, the seats are not.
 */
export function buildClassReport(meta: RoomMeta, log: readonly RoomLogEntry[], start?: { readonly sim: SimState; readonly roster: RosterState; readonly checks?: ChecksState } | null): ClassReport {
  let state = start?.sim ?? createSimulation(meta.scenario, meta.seed);
  const seats = new Map<string, { nickname: string; team: string | null; kicked: boolean }>();
  const teamNames = new Map<string, string>();
  for (const p of start?.roster.players ?? []) seats.set(p.id, { nickname: p.nickname, team: p.teamId, kicked: false });
  for (const t of start?.roster.teams ?? []) teamNames.set(t.id, t.name);
  const decisions = new Map<string, Decision[]>();
  const decide = (playerId: string, d: Decision) => decisions.set(playerId, [...(decisions.get(playerId) ?? []), d]);

  for (const entry of log) {
    const logged = entry.action;
    const sim = simActionOf(logged);
    if (sim) state = reduce(state, sim).state;
    if (!isRoomEvent(logged)) {
      if (logged.type === 'addCluster' && meta.mode === 'teams') teamNames.set(logged.clusterId, logged.name ?? logged.clusterId);
      continue;
    }
    const event: RoomEvent = logged;
    switch (event.type) {
      case 'room:seat':
        seats.set(event.playerId, { nickname: event.nickname, team: null, kicked: false });
        break;
      case 'room:team':
        if (seats.has(event.playerId)) seats.get(event.playerId)!.team = event.teamId;
        break;
      case 'room:ban':
        if (seats.has(event.playerId)) seats.get(event.playerId)!.kicked = true;
        break;
      case 'room:act':
        decide(event.playerId, { atS: state.timeS, action: event.action, outcome: 'accepted', code: null, concept: null, message: null });
        break;
      case 'room:refused':
        decide(event.playerId, { atS: event.atS, action: event.action, outcome: 'refused', code: event.code, concept: event.concept, message: event.message });
        break;
      case 'room:unseat':
        // A seat that was never used and was freed: nobody to report on.
        seats.delete(event.playerId);
        break;
      case 'room:teams':
      case 'room:answer':
        // Answers are read from the log as a whole below (checksReport).
        break;
      default: {
        const never: never = event;
        throw new Error(`unknown room event ${JSON.stringify(never)}`);
      }
    }
  }

  // In team mode only teams someone is on are ranked: a team left empty is no contender.
  const seatedTeams = meta.mode === 'teams' ? new Set([...seats.values()].filter((s) => !s.kicked).map((s) => s.team)) : null;
  const board = standings(state, seatedTeams ? (id) => seatedTeams.has(id) : undefined);
  const students: StudentReport[] = [...seats].map(([playerId, seat]) => {
    const clusterId = meta.mode === 'solo' ? playerId : seat.team;
    const cluster = clusterId ? clusterOf(state, clusterId) : undefined;
    const score = clusterId ? board.scores.get(clusterId) : undefined;
    return {
      playerId,
      nickname: seat.nickname,
      team: seat.team ? (teamNames.get(seat.team) ?? seat.team) : null,
      rank: clusterId ? (board.rankOf.get(clusterId) ?? null) : null,
      score: { total: r1(score?.total ?? 0), availability: r1(score?.availability ?? 0), cost: r1(score?.cost ?? 0), security: r1(score?.security ?? 0) },
      decisions: decisions.get(playerId) ?? [],
      incidents: (cluster?.incidents ?? []).map((i) => ({ atS: i.atS, type: i.type, concept: i.concept, appIds: i.appIds, message: i.message, securityPenalty: i.securityPenalty })),
      kicked: seat.kicked,
    };
  });

  const tally = new Map<Concept, { refusals: number; incidents: number; students: Set<string> }>();
  const bump = (concept: Concept, kind: 'refusals' | 'incidents', who: string) => {
    const t = tally.get(concept) ?? { refusals: 0, incidents: 0, students: new Set<string>() };
    t[kind]++;
    t.students.add(who);
    tally.set(concept, t);
  };
  for (const s of students) {
    for (const d of s.decisions) if (d.concept) bump(d.concept, 'refusals', s.playerId);
    // An incident that hit nothing (a contained exploit, a passed audit) is not a miss.
    for (const i of s.incidents) if (i.appIds.length > 0 || i.securityPenalty > 0 || i.type === 'overBudget') bump(i.concept, 'incidents', s.playerId);
  }
  const concepts = [...tally]
    .map(([concept, t]) => ({ concept, refusals: t.refusals, incidents: t.incidents, students: t.students.size }))
    .sort((a, b) => b.students - a.students || b.refusals + b.incidents - (a.refusals + a.incidents) || a.concept.localeCompare(b.concept));

  return {
    room: { code: meta.code, mode: meta.mode, seed: meta.seed, scenario: { id: meta.scenario.id, title: meta.scenario.title }, phase: state.phase, timeS: state.timeS, durationS: meta.scenario.durationS },
    students,
    concepts,
    checks: checksReport(meta, log, start?.checks ?? [], seats),
  };
}

/**
 * The concept checks from the log's answers (and a start snapshot's, when the log starts there).
 * Null for a room without checks whose log holds no answers.
 */
function checksReport(meta: RoomMeta, log: readonly RoomLogEntry[], earlier: ChecksState, seats: ReadonlyMap<string, { nickname: string; kicked: boolean }>): ChecksReport | null {
  const fromStart: KeptAnswer[] = earlier.map((e) => ({ by: e.playerId, stage: e.stage, questionId: e.questionId, concept: e.concept, correct: e.correct }));
  const given = answersInLog(log);
  if (!meta.checks && given.length === 0 && fromStart.length === 0) return null;
  // A snapshot's answers come before the log's; a repeat in the log is not counted twice.
  const seen = new Set(fromStart.map((a) => JSON.stringify([a.by, a.stage, a.questionId])));
  const answers = [...fromStart, ...given.filter((a) => !seen.has(JSON.stringify([a.by, a.stage, a.questionId])))].filter((a) => seats.has(a.by));
  const ids = (stage: CheckStage): string[] => {
    const asked = meta.checks ? pickCheck(meta.scenario, meta.seed, stage).map((q) => q.id) : [];
    return [...new Set([...asked, ...answers.filter((a) => a.stage === stage).map((a) => a.questionId)])];
  };
  const before = ids('before');
  const after = ids('after');
  const concepts = [...new Set([...(meta.checks ? [...pickCheck(meta.scenario, meta.seed, 'before'), ...pickCheck(meta.scenario, meta.seed, 'after')].map((q) => q.concept) : []), ...answers.map((a) => a.concept)])];
  const byStudent = new Map<string, KeptAnswer[]>();
  for (const a of answers) byStudent.set(a.by, [...(byStudent.get(a.by) ?? []), a]);
  const students = [...seats].map(([playerId, seat]): StudentChecks => {
    const own = byStudent.get(playerId) ?? [];
    return { playerId, nickname: seat.nickname, before: rightAt(own, 'before'), after: rightAt(own, 'after'), concepts: conceptGains(own, concepts) };
  });
  // The class's figures leave out students the teacher removed, as the live console does.
  const kept = answers.filter((a) => !seats.get(a.by)!.kicked);
  return { before, after, concepts: conceptGains(kept, concepts), students };
}

const CSV_COLUMNS = ['row', 'nickname', 'team', 'rank', 'total', 'availability', 'cost', 'security', 'atS', 'kind', 'detail', 'outcome', 'code', 'concept', 'message'] as const;

/** Columns a report with concept checks adds: a student's right answers before and after, and a gain. */
const CHECK_COLUMNS = ['checkBefore', 'checkAfter', 'checkGain'] as const;

/**
 * One table a spreadsheet opens: a summary row per student, then their decisions and incidents,
 * then the class's concepts; with concept checks, each student's before and after (three more
 * columns) and the class's results per concept.
 */
export function classReportCsv(report: ClassReport): string {
  const { checks } = report;
  const rows: (string | number | null)[][] = [[...CSV_COLUMNS, ...(checks ? CHECK_COLUMNS : [])]];
  const checksOf = new Map((checks?.students ?? []).map((s) => [s.playerId, s]));
  for (const s of report.students) {
    const who = [s.nickname, s.team, s.rank, s.score.total, s.score.availability, s.score.cost, s.score.security];
    const own = checksOf.get(s.playerId);
    const checked = own ? [rightOf(own.before), rightOf(own.after), gainCell(normalisedGain(own.before, own.after))] : [];
    rows.push(['student', ...who, null, s.kicked ? 'removed by the teacher' : null, null, null, null, null, null, ...checked]);
    for (const d of s.decisions) rows.push(['decision', ...who, d.atS, d.action.type, describeAction(d.action), d.outcome, d.code, d.concept, d.message]);
    for (const i of s.incidents) rows.push(['incident', ...who, i.atS, i.type, i.appIds.join(' '), i.securityPenalty > 0 ? `${count(i.securityPenalty, 'security point')} lost` : null, null, i.concept, i.message]);
  }
  for (const c of report.concepts) rows.push(['class-concept', null, null, null, null, null, null, null, null, null, count(c.students, 'student'), `${count(c.refusals, 'refusal')}, ${count(c.incidents, 'incident')}`, null, c.concept, null]);
  for (const c of checks?.concepts ?? []) {
    rows.push(['check-concept', null, null, null, null, null, null, null, null, null, 'concept check, whole class', null, null, c.concept, null, rightOf(c.before), rightOf(c.after), gainCell(c.gain)]);
  }
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function describeAction(a: PlayerAction): string {
  switch (a.type) {
    case 'deploy':
      return `${a.appId} as ${a.runtime} on ${a.target}`;
    case 'createVm':
      return `${a.guestOs} VM ${a.vcpu} vCPU ${a.memoryMiB} MiB on ${a.hostId}${a.containerEngine ? ' with engine' : ''}`;
    case 'configureHost':
      return `${a.hostId} → ${a.platform}`;
    case 'deleteVm':
      return a.vmId;
    case 'remove':
      return a.instanceId;
    case 'setLimits':
      return `${a.instanceId} ${describeLimits(a)}`;
    case 'ready':
      return a.ready === false ? 'not ready' : 'ready';
    case 'migrateVm':
      return `${a.vmId} → ${a.hostId}`;
    case 'snapshotVm':
    case 'restoreVm':
      return a.vmId;
    case 'attachVolume':
      return `${a.instanceId}${a.backup ? ' with backups' : ' without backups'}`;
  }
}

/** Right answers out of answers given at a stage, every concept together. */
function rightAt(answers: readonly KeptAnswer[], stage: CheckStage): Tally {
  let correct = 0;
  let of = 0;
  for (const a of answers) {
    if (a.stage !== stage) continue;
    of++;
    if (a.correct) correct++;
  }
  return { correct, of };
}

/** "3 of 5 right (60%)", or "not answered": words, so no spreadsheet reads it as a date. */
const rightOf = (t: Tally): string => (t.of === 0 ? 'not answered' : `${t.correct} of ${t.of} right (${Math.round((100 * t.correct) / t.of)}%)`);

/** A normalised gain to two decimals, or empty when it cannot be computed. */
const gainCell = (gain: number | null): number | null => (gain === null ? null : Math.round(gain * 100) / 100);

/** "1 student", "2 students". */
const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * RFC 4180 quoting, and no formula injection: a text cell starting with = + - @ tab or CR is
 * made text with a leading apostrophe. Numbers are written as numbers (a score of -12 stays a
 * number a spreadsheet can sum), and so is text that is only a number, such as "-3": a
 * spreadsheet reads it as that number and nothing else, so it cannot be a formula.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;
