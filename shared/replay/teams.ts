/**
 * Which of a replay's team clusters had anyone on them. A team-mode room keeps every team it was
 * created with (newcomers fill the smallest), and a team's cluster stays in the simulation after
 * the teacher deals players into fewer teams, so a replay lists only the teams this returns.
 */
import type { Mode } from '../views/types.ts';
import type { RoomLogEntry } from './log.ts';

/**
 * The team clusters with a member after the log (or after entry `untilSeq`), with their member
 * counts; in solo mode, null (every cluster is a player's). Seats taken out (kicked, freed) leave
 * their team; `start` holds the members of a log that starts from a snapshot (playerId → teamId).
 */
export function teamMembers(mode: Mode, log: readonly RoomLogEntry[], options: { untilSeq?: number; start?: ReadonlyMap<string, string | null> } = {}): Map<string, number> | null {
  if (mode !== 'teams') return null;
  const teamOf = new Map<string, string | null>(options.start ?? []);
  for (const entry of log) {
    if (options.untilSeq !== undefined && entry.seq > options.untilSeq) break;
    const a = entry.action;
    if (a.type === 'room:seat') teamOf.set(a.playerId, null);
    else if (a.type === 'room:team') teamOf.set(a.playerId, a.teamId);
    else if (a.type === 'room:ban' || a.type === 'room:unseat') teamOf.delete(a.playerId);
  }
  const members = new Map<string, number>();
  for (const team of teamOf.values()) if (team) members.set(team, (members.get(team) ?? 0) + 1);
  return members;
}
