import type { Replay } from '../storage/store.ts';
import { attemptMeta } from './report.ts';
import type { AssignmentStore } from './store.ts';
import { InlineSimulator, type AttemptSimulator } from './simulator.ts';

const inline = new InlineSimulator();

/**
 * An attempt as a replay the live sessions' viewer (/replay/ID) can show: its room log is
 * synthesized from the kept actions (server/assignments/simulate.ts), with no snapshots, so the
 * viewer re-runs it from the start. A finished attempt plays to the end; an unfinished one to
 * its last action. null when the replay id is unknown or its assignment has gone.
 *
 * Pass the server's pooled simulator: re-simulating on the calling thread holds up every live
 * room on the process for as long as it takes (about 0.1 s for the longest built-in scenario).
 */
export async function attemptReplay(store: AssignmentStore, replayId: string, simulator: AttemptSimulator = inline): Promise<Replay | null> {
  const ref = await store.findReplay(replayId);
  if (!ref) return null;
  const [assignment, attempt, plan] = await Promise.all([store.getAssignment(ref.id), store.getAttempt(ref.id, ref.attemptId), store.readActions(ref.id, ref.attemptId)]);
  if (!assignment || !attempt) return null;
  const { teacherToken: _secret, ...facts } = assignment;
  const log = await simulator.run<'log'>({
    kind: 'log',
    input: { scenario: assignment.scenario, seed: assignment.seed, nickname: attempt.nickname, plan, answers: attempt.answers, startedAtMs: attempt.startedAtMs, finished: attempt.finish !== null },
  });
  return { meta: attemptMeta(facts, attempt), log, snapshots: [] };
}
