/** The concept checks' answers as a room's log keeps them (`room:answer` events). */
import type { RoomLogEntry } from '../replay/log.ts';
import type { KeptAnswer } from './types.ts';

/**
 * Every answer in a log, in the order given, by player: the first answer to a question at a stage
 * counts, as in the room (a log put together by hand may repeat one; the repeat is left out).
 */
export function answersInLog(log: readonly RoomLogEntry[]): KeptAnswer[] {
  const seen = new Set<string>();
  const answers: KeptAnswer[] = [];
  for (const { action } of log) {
    if (action.type !== 'room:answer') continue;
    const key = JSON.stringify([action.playerId, action.stage, action.questionId]);
    if (seen.has(key)) continue;
    seen.add(key);
    answers.push({ by: action.playerId, stage: action.stage, questionId: action.questionId, concept: action.concept, correct: action.correct });
  }
  return answers;
}
